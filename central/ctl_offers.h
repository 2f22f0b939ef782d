/*
 * ctl_offers: catalog offers. A limited-time offer (限时兑换) lowers an
 * item's price inside a window; a flash sale (积分秒杀) sells a small stock
 * of an item at a low price from a start time.
 *
 * Contract: at most one offer per item, {kind, offer_points, offer_from,
 * offer_to, flash_stock}, running from offer_from (included) to offer_to
 * (excluded). The catalog shows each offer that has not ended on its item
 * (offer_kind, offer_points, offer_from, offer_to, flash_stock; null
 * flash_stock for a limited offer) so a kiosk can count down to the start
 * or the end. POST /v1/redemptions applies the offer after its own checks:
 *   - limited, running: the unit price is min(tier price, offer_points);
 *   - flash: the item can only be had while the sale runs (before or after:
 *     409 item_unavailable), from the flash stock (409 out_of_stock when it
 *     cannot cover the quantity), at min(tier price, offer_points). The
 *     flash stock is taken in the redemption's transaction; writers are
 *     serialised, so with N units exactly N succeed however many members
 *     try at once, and a refusal later in the redemption gives it back.
 */
#ifndef CTL_OFFERS_H
#define CTL_OFFERS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "ctl_req.h"

/* Inside the redemption's write transaction, with *price the tier price
 * times qty: lowers *price, takes flash stock. 0 = go on, 1 = refused (req
 * holds the 4xx), < 0 a KERR code with msg. */
int ctl_offers_apply(sqlite3 *conn, ctl_req *req, const char *item_id,
                     int64_t qty, int64_t *price, char *msg);

/* The unit price a member pays now given the tier price, and whether the
 * item can be had at all (*available 0: a flash sale not running or sold
 * out). */
int ctl_offers_unit_price(sqlite3 *conn, const char *item_id, int64_t now,
                          int64_t tier_price, int64_t *unit, int *available,
                          char *msg);

/* Adds the offer fields to the catalog's item objects (array of items). */
int ctl_offers_decorate(sqlite3 *conn, json_t *items, int64_t now, char *msg);

#endif
