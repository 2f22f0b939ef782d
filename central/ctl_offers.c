#include "ctl_offers.h"

#include <stdio.h>
#include <string.h>

#include "ctl_db.h"
#include "ctl_engage.h"

typedef struct {
  int found, flash;
  int64_t points, from, to, stock; /* stock -1 for a limited offer */
} offer;

static int load(sqlite3 *conn, const char *item_id, offer *o, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT kind, offer_points, offer_from, offer_to, "
                          "flash_stock FROM offers WHERE item_id=?",
                          &st, msg);
  if (rc) return rc;
  memset(o, 0, sizeof *o);
  sqlite3_bind_text(st, 1, item_id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    o->found = 1;
    o->flash = strcmp((const char *)sqlite3_column_text(st, 0), "flash") == 0;
    o->points = sqlite3_column_int64(st, 1);
    o->from = sqlite3_column_int64(st, 2);
    o->to = sqlite3_column_int64(st, 3);
    o->stock = sqlite3_column_type(st, 4) == SQLITE_NULL
                   ? -1
                   : sqlite3_column_int64(st, 4);
  }
  ctl_db_finish(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

int ctl_offers_apply(sqlite3 *conn, ctl_req *req, const char *item_id,
                     int64_t qty, int64_t *price, char *msg) {
  sqlite3_stmt *st;
  offer o;
  int rc = load(conn, item_id, &o, msg);
  int running = o.found && o.from <= req->now && req->now < o.to;
  if (rc || !o.found) return rc;
  if (!o.flash) {
    if (running) *price = min64(*price, o.points * qty);
    return 0;
  }
  if (!running) {
    ctl_req_error(req, 409, "item_unavailable",
                  req->now < o.from ? "the flash sale starts at %lld"
                                    : "the flash sale ended at %lld",
                  (long long)(req->now < o.from ? o.from : o.to));
    return 1;
  }
  if (o.stock < qty) {
    ctl_req_error(req, 409, "out_of_stock", "the flash sale is sold out");
    return 1;
  }
  if ((rc = ctl_db_prepare(conn,
                           "UPDATE offers SET flash_stock=flash_stock-?1 "
                           "WHERE item_id=?2 AND flash_stock>=?1",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_int64(st, 1, qty);
  sqlite3_bind_text(st, 2, item_id, -1, SQLITE_STATIC);
  if ((rc = ctl_engage_done(conn, st, msg)) != 0) return rc;
  if (sqlite3_changes(conn) != 1)
    return kerr_set(msg, KERR_DB, "flash stock of %s", item_id);
  *price = min64(*price, o.points * qty);
  return 0;
}

int ctl_offers_unit_price(sqlite3 *conn, const char *item_id, int64_t now,
                          int64_t tier_price, int64_t *unit, int *available,
                          char *msg) {
  offer o;
  int rc = load(conn, item_id, &o, msg);
  int running = o.found && o.from <= now && now < o.to;
  if (rc) return rc;
  *unit = running ? min64(tier_price, o.points) : tier_price;
  *available = !o.flash || (running && o.stock > 0);
  return 0;
}

int ctl_offers_decorate(sqlite3 *conn, json_t *items, int64_t now, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT item_id, kind, offer_points, offer_from, "
                          "offer_to, flash_stock FROM offers WHERE offer_to>?",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, now);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *id = (const char *)sqlite3_column_text(st, 0);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
      if (strcmp(json_string_value(json_object_get(it, "id")), id) != 0)
        continue;
      json_object_set_new(it, "offer_kind",
                          json_string((const char *)sqlite3_column_text(st, 1)));
      json_object_set_new(it, "offer_points",
                          json_integer(sqlite3_column_int64(st, 2)));
      json_object_set_new(it, "offer_from",
                          json_integer(sqlite3_column_int64(st, 3)));
      json_object_set_new(it, "offer_to",
                          json_integer(sqlite3_column_int64(st, 4)));
      json_object_set_new(it, "flash_stock",
                          sqlite3_column_type(st, 5) == SQLITE_NULL
                              ? json_null()
                              : json_integer(sqlite3_column_int64(st, 5)));
    }
  }
  ctl_db_finish(st);
  if (rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}
