/*
 * catalog: the points catalog on the kiosk: a cache of GET /v1/catalog kept
 * under the state directory with its ETag, the item images (GET
 * /v1/assets/NAME, cached as files too), and the rules that decide what a
 * member may redeem and at which price.
 *
 * A worker thread does all fetching, file I/O and PNG decoding (SDL2_image);
 * it answers with catalog_result events (events.h EVENTS_CAT). The UI thread
 * turns them into items and textures (catalog_handle). On start the cached
 * catalog is shown at once and refreshed with If-None-Match; a 304 keeps it.
 * So the kiosk keeps a catalog through an outage once it has seen one.
 *
 * Contract: catalog_open() never blocks on the network; catalog_refresh() is
 * cheap (one conditional GET) and is called whenever the catalog screen
 * opens, so stock is current. Items and textures belong to the UI thread.
 * The rule functions (catalog_parse_item, catalog_price, catalog_why,
 * catalog_max_qty, catalog_offer_state, catalog_price_at) are pure, for
 * tests.
 *
 * Offers (issue 10, central/ctl_offers.h): an item may carry one offer that
 * has not ended. A limited offer (限时兑换) lowers the unit price to
 * min(tier price, offer_points) from offer_from (included) to offer_to
 * (excluded); a flash sale (积分秒杀) can only be had in that window, from
 * flash_stock, at that price. The central enforces both; the kiosk only
 * shows them and refuses what the central would refuse. The redemption body
 * needs nothing more: the central prices the offer itself.
 */
#ifndef CATALOG_H
#define CATALOG_H

#include <SDL.h>
#include <jansson.h>
#include <stdint.h>

#include "kerr.h"

typedef struct app app;

#define CATALOG_MAX 64

typedef struct {
  char id[32];
  char kind[16]; /* gift, coupon, parking, experience */
  char name_zh[128], name_en[128];
  char desc_zh[256], desc_en[256];
  char image[80];   /* asset file name, "G001.png"; "" for none */
  int64_t price[4]; /* by tier: standard, silver, gold, diamond */
  int min_tier;     /* tier index (theme_tier_index) */
  int64_t stock;
  int per_day, total; /* per member; 0 = no limit */
  int64_t valid_from, valid_to;
  int offline;
  /* The offer on the item: offer_kind "" (none), "limited" or "flash". */
  char offer_kind[12];
  int64_t offer_points, offer_from, offer_to;
  int64_t flash_stock; /* -1 for a limited offer */
  SDL_Texture *tex; /* NULL until the image arrived */
  int tex_w, tex_h;
  SDL_Color tex_bg; /* the picture's corner colour, to fill around it */
} catalog_item;

typedef struct catalog catalog;

typedef enum { CATALOG_LIST, CATALOG_IMAGE } catalog_result_type;

typedef struct {
  catalog_result_type type;
  int rc;            /* KERR_OK, or why the fetch failed (the cache stays) */
  json_t *list;      /* LIST: the catalog body, NULL when unchanged */
  int from_cache;    /* LIST: read from the state dir, not the central */
  char name[80];     /* IMAGE: asset name */
  SDL_Surface *img;  /* IMAGE: decoded, owned by the result */
  kerr_msg msg;
} catalog_result;

int catalog_open(app *a, char *msg);
void catalog_close(app *a);
void catalog_result_free(catalog_result *r);
/* Asks for the catalog again (If-None-Match). */
void catalog_refresh(app *a);
/* Takes ownership of r (an EVENTS_CAT event). */
void catalog_handle(app *a, catalog_result *r);
/* 1 when no fetch is under way. */
int catalog_settled(const app *a);

int catalog_count(const app *a);
const catalog_item *catalog_at(const app *a, int i);
const catalog_item *catalog_find(const app *a, const char *id);
/* Items whose offer is upcoming, running or sold out at now_unix. */
int catalog_offer_count(const app *a, int64_t now_unix);
/* 1 once a catalog (cached or fetched) is loaded; -1 when none could be. */
int catalog_state(const app *a);

typedef enum {
  CATALOG_OFFER_NONE,     /* no offer, or it ended */
  CATALOG_OFFER_UPCOMING, /* before offer_from */
  CATALOG_OFFER_RUNNING,
  CATALOG_OFFER_SOLD_OUT, /* a running flash sale with no stock left */
} catalog_offer;

/* Pure rules. */
int catalog_parse_item(const json_t *j, catalog_item *it, char *msg);
int64_t catalog_price(const catalog_item *it, const char *tier);
/* The offer's state at now_unix. */
catalog_offer catalog_offer_state(const catalog_item *it, int64_t now_unix);
/* The unit price the central charges at now_unix: the tier price, or
 * min(tier price, offer_points) while an offer runs. */
int64_t catalog_price_at(const catalog_item *it, const char *tier,
                         int64_t now_unix);
/* NULL when the member may redeem one now, else the msgid of the reason:
 * tier first, then availability, a flash sale not running or sold out
 * (offers.why.*), stock and points at catalog_price_at. */
const char *catalog_why(const catalog_item *it, const char *tier,
                        int64_t points, int64_t now_unix);
/* Most the member may take in one redemption (0 when none): the item's
 * limits, its stock, the points and the central's cap of 10. */
int catalog_max_qty(const catalog_item *it, const char *tier, int64_t points);
/* The same at now_unix: at the offer price, within a flash sale's stock. */
int catalog_max_qty_at(const catalog_item *it, const char *tier,
                       int64_t points, int64_t now_unix);

#endif
