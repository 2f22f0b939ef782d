#include "catalog.h"

#include <SDL_image.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "app.h"
#include "events.h"
#include "klog.h"

/* ---- pure rules ---- */

static void copy(char *dst, size_t cap, const json_t *v) {
  snprintf(dst, cap, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int catalog_parse_item(const json_t *j, catalog_item *it, char *msg) {
  memset(it, 0, sizeof *it);
  const json_t *id = json_object_get(j, "id");
  const json_t *cost = json_object_get(j, "points_cost");
  if (!json_is_string(id) || !json_is_integer(cost))
    return kerr_set(msg, KERR_PROTO, "catalog item lacks id or points_cost");
  copy(it->id, sizeof it->id, id);
  copy(it->kind, sizeof it->kind, json_object_get(j, "kind"));
  const json_t *name = json_object_get(j, "name");
  const json_t *desc = json_object_get(j, "description");
  copy(it->name_zh, sizeof it->name_zh, json_object_get(name, "zh"));
  copy(it->name_en, sizeof it->name_en, json_object_get(name, "en"));
  copy(it->desc_zh, sizeof it->desc_zh, json_object_get(desc, "zh"));
  copy(it->desc_en, sizeof it->desc_en, json_object_get(desc, "en"));
  const char *img = json_string_value(json_object_get(j, "image"));
  const char *slash = img ? strrchr(img, '/') : NULL;
  snprintf(it->image, sizeof it->image, "%s", slash ? slash + 1 : img ? img : "");
  static const char *tiers[4] = {"standard", "silver", "gold", "diamond"};
  const json_t *tp = json_object_get(j, "tier_prices");
  int64_t last = json_integer_value(cost);
  for (int i = 0; i < 4; i++) {
    const json_t *p = json_object_get(tp, tiers[i]);
    if (json_is_integer(p)) last = json_integer_value(p);
    it->price[i] = last;
  }
  it->min_tier = theme_tier_index(json_string_value(json_object_get(j, "min_tier")));
  it->stock = json_integer_value(json_object_get(j, "stock"));
  it->per_day = (int)json_integer_value(json_object_get(j, "limit_per_day"));
  it->total = (int)json_integer_value(json_object_get(j, "limit_total"));
  it->valid_from = json_integer_value(json_object_get(j, "valid_from"));
  it->valid_to = json_integer_value(json_object_get(j, "valid_to"));
  it->offline = json_is_true(json_object_get(j, "offline_redeemable"));
  it->flash_stock = -1;
  const char *kind = json_string_value(json_object_get(j, "offer_kind"));
  const json_t *op = json_object_get(j, "offer_points");
  const json_t *of = json_object_get(j, "offer_from");
  const json_t *ot = json_object_get(j, "offer_to");
  const json_t *fs = json_object_get(j, "flash_stock");
  int flash = kind && !strcmp(kind, "flash");
  /* An offer the kiosk cannot read whole is left off: the item still shows
   * at its tier price, and the central prices it anyway. */
  if (kind && (flash || !strcmp(kind, "limited")) && json_is_integer(op) &&
      json_integer_value(op) >= 0 && json_is_integer(of) &&
      json_is_integer(ot) && json_integer_value(of) < json_integer_value(ot) &&
      (!flash || (json_is_integer(fs) && json_integer_value(fs) >= 0))) {
    snprintf(it->offer_kind, sizeof it->offer_kind, "%s", kind);
    it->offer_points = json_integer_value(op);
    it->offer_from = json_integer_value(of);
    it->offer_to = json_integer_value(ot);
    if (flash) it->flash_stock = json_integer_value(fs);
  }
  return KERR_OK;
}

int64_t catalog_price(const catalog_item *it, const char *tier) {
  return it->price[theme_tier_index(tier)];
}

catalog_offer catalog_offer_state(const catalog_item *it, int64_t now) {
  if (!it->offer_kind[0] || now >= it->offer_to) return CATALOG_OFFER_NONE;
  if (now < it->offer_from) return CATALOG_OFFER_UPCOMING;
  if (it->flash_stock == 0) return CATALOG_OFFER_SOLD_OUT;
  return CATALOG_OFFER_RUNNING;
}

int64_t catalog_price_at(const catalog_item *it, const char *tier,
                         int64_t now) {
  int64_t p = catalog_price(it, tier);
  if (catalog_offer_state(it, now) == CATALOG_OFFER_RUNNING &&
      it->offer_points < p)
    p = it->offer_points;
  return p;
}

static int is_flash(const catalog_item *it) {
  return !strcmp(it->offer_kind, "flash");
}

const char *catalog_why(const catalog_item *it, const char *tier,
                        int64_t points, int64_t now) {
  if (theme_tier_index(tier) < it->min_tier) {
    if (it->min_tier == 1) return "catalog.why.tier_silver";
    if (it->min_tier == 2) return "catalog.why.tier_gold";
    return "catalog.why.tier_diamond";
  }
  if (it->valid_from && now < it->valid_from) return "catalog.why.not_yet";
  if (it->valid_to && now > it->valid_to) return "catalog.why.ended";
  if (is_flash(it)) {
    catalog_offer o = catalog_offer_state(it, now);
    if (o == CATALOG_OFFER_UPCOMING) return "offers.why.not_started";
    if (o == CATALOG_OFFER_SOLD_OUT) return "offers.why.sold_out";
    if (o == CATALOG_OFFER_NONE) return "offers.why.flash_ended";
  }
  if (it->stock <= 0) return "catalog.why.out_of_stock";
  if (points < catalog_price_at(it, tier, now)) return "catalog.why.points";
  return NULL;
}

/* Within the item's limits and stock, at most cap, and what points buy. */
static int max_qty(const catalog_item *it, int64_t price, int64_t points,
                   int64_t cap) {
  int64_t n = cap;
  if (it->per_day > 0 && it->per_day < n) n = it->per_day;
  if (it->total > 0 && it->total < n) n = it->total;
  if (it->stock < n) n = it->stock;
  if (price > 0 && points / price < n) n = points / price;
  return n < 0 ? 0 : (int)n;
}

int catalog_max_qty(const catalog_item *it, const char *tier, int64_t points) {
  return max_qty(it, catalog_price(it, tier), points, 10);
}

int catalog_max_qty_at(const catalog_item *it, const char *tier,
                       int64_t points, int64_t now) {
  int64_t cap = is_flash(it) && it->flash_stock < 10 ? it->flash_stock : 10;
  return max_qty(it, catalog_price_at(it, tier, now), points, cap);
}

/* ---- the worker: fetch, cache, decode ---- */

typedef struct job {
  struct job *next;
  catalog_result_type type;
  char name[80];
} job;

struct catalog {
  /* UI thread */
  catalog_item items[CATALOG_MAX];
  int n;
  int state;
  int inflight;
  /* shared, under mu */
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  job *head, *tail;
  int stopping;
  /* worker only: the signed client (net/api.h), opened by catalog_open */
  api *api;
  char dir[600];
  int cache_sent;
};

static catalog *of(const app *a) { return a->catalog; }

typedef struct {
  char *data;
  size_t len, cap;
} buf;

/* Appends to a file's bytes read so far (NUL-terminated). */
static size_t append(char *p, size_t size, size_t n, void *user) {
  buf *b = user;
  size_t add = size * n;
  if (b->len + add + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 16384;
    while (cap < b->len + add + 1) cap *= 2;
    if (cap > (8u << 20)) return 0; /* no catalog or image is this large */
    char *nd = realloc(b->data, cap);
    if (!nd) return 0;
    b->data = nd;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, add);
  b->len += add;
  b->data[b->len] = '\0';
  return add;
}

/* A signed GET (net/api.h) with an optional If-None-Match; the body as the
 * bytes that came (out takes them) and the answer's ETag. */
static int get(catalog *c, const char *path, const char *if_none, buf *out,
               long *status, char *etag, char *msg) {
  char inm[160];
  const char *hd[2] = {NULL, NULL};
  if (if_none && *if_none) {
    snprintf(inm, sizeof inm, "If-None-Match: %s", if_none);
    hd[0] = inm;
  }
  api_raw_response r;
  int rc = api_request_raw(c->api, "GET", path, hd, &r, msg);
  if (rc != KERR_OK) return rc;
  *status = r.status;
  snprintf(etag, 128, "%s", r.etag);
  free(out->data);
  out->data = (char *)r.data;
  out->len = r.len;
  out->cap = r.data ? r.len + 1 : 0;
  return KERR_OK;
}

static int read_file(const char *path, buf *out) {
  FILE *f = fopen(path, "rb");
  if (!f) return KERR_NOT_FOUND;
  char chunk[8192];
  size_t n;
  int rc = KERR_OK;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (append(chunk, 1, n, out) != n) {
      rc = KERR_NOMEM;
      break;
    }
  fclose(f);
  return out->data ? rc : KERR_NOT_FOUND;
}

/* Written beside and renamed, so a crash never leaves half a file. */
static int write_file(const char *path, const void *data, size_t len,
                      char *msg) {
  char tmp[700];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "wb");
  if (!f) return kerr_set(msg, KERR_IO, "%s: %s", tmp, strerror(errno));
  int ok = fwrite(data, 1, len, f) == len;
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return kerr_set(msg, KERR_IO, "%s: %s", path, strerror(errno));
  }
  return KERR_OK;
}

static void post(catalog_result *r) {
  if (events_push(EVENTS_CAT, r) != KERR_OK) {
    klog_error("catalog", "event queue full: dropping a catalog answer");
    catalog_result_free(r);
  }
}

static void do_list(catalog *c, catalog_result *r) {
  char path[700], etag_path[700], etag[128] = "", new_etag[128] = "";
  snprintf(path, sizeof path, "%s/catalog.json", c->dir);
  snprintf(etag_path, sizeof etag_path, "%s/etag", c->dir);
  buf cached = {0}, e = {0}, body = {0};
  int have = read_file(path, &cached) == KERR_OK;
  json_t *cj = have ? json_loads(cached.data, 0, NULL) : NULL;
  if (cj && read_file(etag_path, &e) == KERR_OK)
    snprintf(etag, sizeof etag, "%s", e.data);
  if (cj && !c->cache_sent) {
    /* Show the cached catalog now; the central's answer follows. */
    catalog_result *early = calloc(1, sizeof *early);
    if (early) {
      early->type = CATALOG_LIST;
      early->list = json_incref(cj);
      early->from_cache = 1;
      post(early);
    }
  }
  c->cache_sent = 1;
  long status = 0;
  r->rc = get(c, "/v1/catalog", cj ? etag : NULL, &body, &status, new_etag,
              r->msg);
  if (r->rc == KERR_OK && status == 200) {
    json_t *j = body.data ? json_loads(body.data, 0, NULL) : NULL;
    if (!json_is_array(json_object_get(j, "items"))) {
      json_decref(j);
      r->rc = kerr_set(r->msg, KERR_PROTO, "GET /v1/catalog: not a catalog");
    } else {
      r->list = j;
      kerr_msg wmsg;
      if (write_file(path, body.data, body.len, wmsg) ||
          write_file(etag_path, new_etag, strlen(new_etag), wmsg))
        klog_warn("catalog", "cache not kept: %s", wmsg);
    }
  } else if (r->rc == KERR_OK && status != 304) {
    r->rc = kerr_set(r->msg, KERR_HTTP, "GET /v1/catalog: HTTP %ld", status);
  }
  json_decref(cj);
  free(cached.data);
  free(e.data);
  free(body.data);
}

static int name_ok(const char *n) {
  if (!*n || strlen(n) > 64) return 0;
  for (const char *p = n; *p; p++)
    if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", *p))
      return 0;
  return n[0] != '.';
}

static void do_image(catalog *c, catalog_result *r, const char *name) {
  snprintf(r->name, sizeof r->name, "%s", name);
  if (!name_ok(name)) {
    r->rc = kerr_set(r->msg, KERR_INVALID, "bad asset name");
    return;
  }
  char path[760];
  snprintf(path, sizeof path, "%s/img/%s", c->dir, name);
  buf b = {0};
  if (read_file(path, &b) != KERR_OK) {
    char url[120];
    long status = 0;
    char etag[128];
    snprintf(url, sizeof url, "/v1/assets/%s", name);
    r->rc = get(c, url, NULL, &b, &status, etag, r->msg);
    if (r->rc == KERR_OK && status != 200)
      r->rc = kerr_set(r->msg, KERR_HTTP, "GET %s: HTTP %ld", url, status);
    kerr_msg wmsg;
    if (r->rc == KERR_OK && write_file(path, b.data, b.len, wmsg))
      klog_warn("catalog", "image cache: %s", wmsg);
  }
  if (r->rc == KERR_OK) {
    SDL_RWops *rw = b.data ? SDL_RWFromConstMem(b.data, (int)b.len) : NULL;
    r->img = rw ? IMG_Load_RW(rw, 1) : NULL;
    if (!r->img) r->rc = kerr_set(r->msg, KERR_PROTO, "%s: %s", name, IMG_GetError());
  }
  free(b.data);
}

static void *loop(void *arg) {
  catalog *c = arg;
  pthread_mutex_lock(&c->mu);
  for (;;) {
    while (!c->head && !c->stopping) pthread_cond_wait(&c->cv, &c->mu);
    job *j = c->head;
    if (!j) break;
    c->head = j->next;
    if (!c->head) c->tail = NULL;
    int stopping = c->stopping;
    pthread_mutex_unlock(&c->mu);
    catalog_result *r = calloc(1, sizeof *r);
    if (r) {
      r->type = j->type;
      if (stopping) r->rc = kerr_set(r->msg, KERR_BUSY, "shutting down");
      else if (j->type == CATALOG_LIST) do_list(c, r);
      else do_image(c, r, j->name);
      post(r);
    }
    free(j);
    pthread_mutex_lock(&c->mu);
  }
  pthread_mutex_unlock(&c->mu);
  return NULL;
}

static void submit(app *a, catalog_result_type type, const char *name) {
  catalog *c = of(a);
  job *j = calloc(1, sizeof *j);
  if (!c || !j) {
    free(j);
    return;
  }
  j->type = type;
  snprintf(j->name, sizeof j->name, "%s", name ? name : "");
  pthread_mutex_lock(&c->mu);
  if (c->tail) c->tail->next = j;
  else c->head = j;
  c->tail = j;
  pthread_cond_signal(&c->cv);
  pthread_mutex_unlock(&c->mu);
  c->inflight++;
}

int catalog_open(app *a, char *msg) {
  catalog *c = calloc(1, sizeof *c);
  if (!c) return kerr_set(msg, KERR_NOMEM, "out of memory");
  api_config ac = app_api_config(a);
  int rc = api_open(&ac, &c->api, msg);
  if (rc) {
    free(c);
    return rc;
  }
  snprintf(c->dir, sizeof c->dir, "%s/catalog", a->state_dir);
  char img[640];
  snprintf(img, sizeof img, "%s/img", c->dir);
  if ((mkdir(c->dir, 0700) != 0 && errno != EEXIST) ||
      (mkdir(img, 0700) != 0 && errno != EEXIST)) {
    int e = errno;
    api_close(c->api);
    free(c);
    return kerr_set(msg, KERR_IO, "catalog cache %s: %s", img, strerror(e));
  }
  /* SDL_image initialises its PNG loader lazily; do it here, on the UI
   * thread, before the worker decodes. */
  IMG_Init(IMG_INIT_PNG);
  pthread_mutex_init(&c->mu, NULL);
  pthread_cond_init(&c->cv, NULL);
  if (pthread_create(&c->thread, NULL, loop, c) != 0) {
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    api_close(c->api);
    free(c);
    return kerr_set(msg, KERR_NOMEM, "catalog worker: cannot start a thread");
  }
  a->catalog = c;
  catalog_refresh(a);
  return KERR_OK;
}

static void drop_textures(catalog *c) {
  for (int i = 0; i < c->n; i++)
    if (c->items[i].tex) SDL_DestroyTexture(c->items[i].tex);
}

void catalog_close(app *a) {
  catalog *c = of(a);
  if (!c) return;
  pthread_mutex_lock(&c->mu);
  c->stopping = 1;
  pthread_cond_signal(&c->cv);
  pthread_mutex_unlock(&c->mu);
  pthread_join(c->thread, NULL);
  api_close(c->api);
  drop_textures(c);
  pthread_mutex_destroy(&c->mu);
  pthread_cond_destroy(&c->cv);
  free(c);
  a->catalog = NULL;
}

void catalog_result_free(catalog_result *r) {
  if (!r) return;
  json_decref(r->list);
  if (r->img) SDL_FreeSurface(r->img);
  free(r);
}

void catalog_refresh(app *a) { submit(a, CATALOG_LIST, NULL); }

static void got_list(app *a, catalog *c, const json_t *list) {
  /* Textures stay with the items whose image did not change. */
  catalog_item old[CATALOG_MAX];
  int n_old = c->n;
  memcpy(old, c->items, sizeof(catalog_item) * (size_t)n_old);
  c->n = 0;
  size_t i;
  const json_t *v;
  json_array_foreach(json_object_get(list, "items"), i, v) {
    if (c->n == CATALOG_MAX) break;
    kerr_msg msg;
    catalog_item *it = &c->items[c->n];
    if (catalog_parse_item(v, it, msg) != KERR_OK) {
      klog_warn("catalog", "item %zu skipped: %s", i, msg);
      continue;
    }
    for (int k = 0; k < n_old; k++)
      if (old[k].tex && !strcmp(old[k].image, it->image)) {
        it->tex = old[k].tex;
        it->tex_w = old[k].tex_w;
        it->tex_h = old[k].tex_h;
        old[k].tex = NULL;
        break;
      }
    c->n++;
  }
  for (int k = 0; k < n_old; k++)
    if (old[k].tex) SDL_DestroyTexture(old[k].tex);
  c->state = 1;
  for (int k = 0; k < c->n; k++) {
    if (c->items[k].tex || !c->items[k].image[0]) continue;
    int asked = 0; /* two items may share one image */
    for (int m = 0; m < k; m++)
      if (!c->items[m].tex && !strcmp(c->items[m].image, c->items[k].image))
        asked = 1;
    if (!asked) submit(a, CATALOG_IMAGE, c->items[k].image);
  }
}

static SDL_Color corner(SDL_Surface *s) {
  SDL_Color c = {40, 50, 90, 255};
  Uint32 px = 0;
  if (SDL_LockSurface(s) != 0) return c;
  int bpp = s->format->BytesPerPixel;
  memcpy(&px, s->pixels, bpp <= 4 ? (size_t)bpp : 4);
  SDL_UnlockSurface(s);
  SDL_GetRGBA(px, s->format, &c.r, &c.g, &c.b, &c.a);
  c.a = 255;
  return c;
}

static SDL_Texture *texture(app *a, SDL_Surface *s) {
  SDL_Texture *t = SDL_CreateTextureFromSurface(a->ren, s);
  /* Pictures are drawn larger than they are: smooth, not blocky. */
  if (t) SDL_SetTextureScaleMode(t, SDL_ScaleModeLinear);
  return t;
}

void catalog_handle(app *a, catalog_result *r) {
  catalog *c = of(a);
  if (!c) {
    catalog_result_free(r);
    return;
  }
  if (r->type == CATALOG_LIST && r->from_cache) {
    /* The early copy from disk is not an answer to a submitted job. */
    if (r->list && c->state != 1) got_list(a, c, r->list);
    klog_info("catalog", "%d items from the cache", c->n);
  } else {
    c->inflight--;
    if (r->rc != KERR_OK) {
      klog_warn("catalog", "%s", r->msg);
      if (r->type == CATALOG_LIST && c->state == 0) c->state = -1;
    } else if (r->type == CATALOG_LIST) {
      if (r->list) {
        got_list(a, c, r->list);
        klog_info("catalog", "%d items from the central", c->n);
      } else {
        if (c->state != 1) c->state = -1;
        klog_debug("catalog", "catalog unchanged (304)");
      }
    } else if (r->img) {
      SDL_Color bg = corner(r->img);
      SDL_Texture *t = texture(a, r->img);
      for (int i = 0; t && i < c->n; i++)
        if (!strcmp(c->items[i].image, r->name) && !c->items[i].tex) {
          c->items[i].tex = t;
          c->items[i].tex_w = r->img->w;
          c->items[i].tex_h = r->img->h;
          c->items[i].tex_bg = bg;
          /* A second item with the same image gets its own texture. */
          t = texture(a, r->img);
        }
      if (t) SDL_DestroyTexture(t);
    }
  }
  catalog_result_free(r);
  screen_relayout(a);
}

int catalog_settled(const app *a) { return !of(a) || of(a)->inflight <= 0; }
int catalog_count(const app *a) { return of(a) ? of(a)->n : 0; }
int catalog_state(const app *a) { return of(a) ? of(a)->state : -1; }

const catalog_item *catalog_at(const app *a, int i) {
  return of(a) && i >= 0 && i < of(a)->n ? &of(a)->items[i] : NULL;
}

const catalog_item *catalog_find(const app *a, const char *id) {
  for (int i = 0; i < catalog_count(a); i++)
    if (!strcmp(of(a)->items[i].id, id)) return &of(a)->items[i];
  return NULL;
}

int catalog_offer_count(const app *a, int64_t now) {
  int n = 0;
  for (int i = 0; i < catalog_count(a); i++)
    if (catalog_offer_state(&of(a)->items[i], now) != CATALOG_OFFER_NONE) n++;
  return n;
}
