#include "ctl_stock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_catalog.h"
#include "ctl_staff.h"
#include "ctl_tiers.h"

#define VALUE_MAX 1000000
#define TIME_MAX 4102444800LL /* 2100-01-01: far enough, and sane */

static json_t *nullable(int64_t v) {
  return v < 0 ? json_null() : json_integer(v);
}

static json_t *item_json(const ctl_item *it) {
  json_t *prices = json_object();
  int i;
  for (i = 0; i < CTL_TIERS_N; i++)
    json_object_set_new(prices, ctl_tiers_at(i)->code,
                        json_integer(it->price[i]));
  return json_pack(
      "{s:s, s:s, s:{s:s, s:s}, s:o, s:s, s:I, s:o, s:o, s:I, s:I, s:b}", "id",
      it->id, "kind", it->kind, "name", "zh", it->name_zh, "en", it->name_en,
      "tier_prices", prices, "min_tier", it->min_tier, "stock",
      (json_int_t)it->stock, "limit_per_day", nullable(it->limit_per_day),
      "limit_total", nullable(it->limit_total), "valid_from",
      (json_int_t)it->valid_from, "valid_to", (json_int_t)it->valid_to,
      "offline_redeemable", it->offline_redeemable);
}

static int catalog_version(sqlite3 *conn, int64_t *out, char *msg) {
  return ctl_db_int(conn,
                    "SELECT CAST(value AS INTEGER) FROM meta "
                    "WHERE key='catalog_version'",
                    NULL, NULL, 1, out, msg);
}

void ctl_stock_route_list(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  json_t *items = json_array();
  int64_t version = 1;
  sqlite3 *conn = ctl_db_acquire(env->db);
  sqlite3_stmt *st = NULL;
  int rc = ctl_db_read_begin(conn, msg);
  if (rc == 0) rc = catalog_version(conn, &version, msg);
  if (rc == 0 &&
      (rc = ctl_db_prepare(conn, "SELECT id FROM items ORDER BY sort, id", &st,
                           msg)) == 0) {
    int step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
      ctl_item it;
      rc = ctl_catalog_item(conn, (const char *)sqlite3_column_text(st, 0),
                            &it, msg);
      if (rc == 0) json_array_append_new(items, item_json(&it));
    }
    if (rc == 0 && step != SQLITE_DONE)
      rc = kerr_set(msg, KERR_DB, "items: %s", sqlite3_errmsg(conn));
    ctl_db_finish(st);
  }
  ctl_db_read_end(conn);
  ctl_db_release(env->db, conn);
  if (rc) {
    json_decref(items);
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200,
               json_pack("{s:I, s:o}", "version", (json_int_t)version, "items",
                         items));
}

/* Reads the optional integer body[key] into *out and records it in
 * changes; 1 when present, 0 when absent, -1 with a 400 answered. */
static int opt_int(ctl_req *req, json_t *obj, const char *key, int64_t max,
                   int64_t *out, json_t *changes, const char *label) {
  if (!json_object_get(obj, key)) return 0;
  if (ctl_req_field_int(req, obj, key, 0, max, out) != 0) return -1;
  json_object_set_new(changes, label, json_integer(*out));
  return 1;
}

/* Parses the PATCH body onto *it; the fields it changed go into changes. */
static int apply(ctl_req *req, json_t *body, ctl_item *it, json_t *changes) {
  json_t *prices = json_object_get(body, "tier_prices"), *off;
  int i, n = 0, r;
  if ((r = opt_int(req, body, "stock", VALUE_MAX, &it->stock, changes,
                   "stock")) < 0)
    return -1;
  n += r;
  if (prices && !json_is_object(prices))
    return ctl_req_error(req, 400, "invalid_request",
                         "field tier_prices must be an object");
  {
    const char *key;
    json_t *v;
    json_object_foreach(prices, key, v) { /* a typo must not pass silently */
      (void)v;
      if (ctl_tiers_index(key) < 0)
        return ctl_req_error(req, 400, "invalid_request",
                             "tier_prices: %.32s is not a tier", key);
    }
  }
  for (i = 0; prices && i < CTL_TIERS_N; i++) {
    const char *code = ctl_tiers_at(i)->code;
    char label[32];
    snprintf(label, sizeof label, "price_%s", code);
    if ((r = opt_int(req, prices, code, VALUE_MAX, &it->price[i], changes,
                     label)) < 0)
      return -1;
    n += r;
  }
  if ((r = opt_int(req, body, "valid_from", TIME_MAX, &it->valid_from,
                   changes, "valid_from")) < 0)
    return -1;
  n += r;
  if ((r = opt_int(req, body, "valid_to", TIME_MAX, &it->valid_to, changes,
                   "valid_to")) < 0)
    return -1;
  n += r;
  if ((off = json_object_get(body, "offline_redeemable")) != NULL) {
    if (!json_is_boolean(off))
      return ctl_req_error(req, 400, "invalid_request",
                           "field offline_redeemable must be a boolean");
    it->offline_redeemable = json_is_true(off);
    json_object_set_new(changes, "offline_redeemable", json_copy(off));
    n++;
  }
  if (n == 0)
    return ctl_req_error(req, 400, "invalid_request", "nothing to change");
  if (it->valid_from > it->valid_to)
    return ctl_req_error(req, 400, "invalid_request",
                         "valid_from must not be after valid_to");
  return 0;
}

static int store(sqlite3 *conn, const ctl_item *it, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "UPDATE items SET stock=?, points_cost=?, "
                          "price_silver=?, price_gold=?, price_diamond=?, "
                          "valid_from=?, valid_to=?, offline_redeemable=? "
                          "WHERE id=?",
                          &st, msg);
  int i;
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, it->stock);
  for (i = 0; i < CTL_TIERS_N; i++) sqlite3_bind_int64(st, 2 + i, it->price[i]);
  sqlite3_bind_int64(st, 6, it->valid_from);
  sqlite3_bind_int64(st, 7, it->valid_to);
  sqlite3_bind_int(st, 8, it->offline_redeemable);
  sqlite3_bind_text(st, 9, it->id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st) == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "item %s: %s", it->id, sqlite3_errmsg(conn));
  ctl_db_finish(st);
  /* Every catalog change is a new version, also for a database without
   * demo data (no row yet: the version read so far was 1). */
  if (rc == 0)
    rc = ctl_db_exec(conn,
                     "INSERT INTO meta(key, value) VALUES('catalog_version', "
                     "2) ON CONFLICT(key) DO UPDATE SET "
                     "value=CAST(value AS INTEGER)+1",
                     msg);
  return rc;
}

void ctl_stock_route_update(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  json_t *body = ctl_req_body_object(req), *changes;
  int64_t version = 1;
  sqlite3 *conn;
  ctl_item it;
  char *detail = NULL;
  int rc, ok = 0;

  if (!body) return;
  if ((rc = ctl_db_write_begin(env->db, &conn, msg)) != 0) {
    json_decref(body);
    ctl_req_fail(req, msg);
    return;
  }
  changes = json_object();
  rc = ctl_catalog_item(conn, req->seg[3], &it, msg);
  if (rc == KERR_NOT_FOUND) {
    ctl_req_error(req, 404, "not_found", "no such item");
  } else if (rc) {
    ctl_req_fail(req, msg);
  } else if (apply(req, body, &it, changes) == 0) {
    detail = json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS);
    if ((rc = store(conn, &it, msg)) == 0 &&
        (rc = catalog_version(conn, &version, msg)) == 0)
      rc = ctl_staff_audit(conn, req->staff_user, req->now, "item_update",
                           it.id, detail, msg);
    if (rc) {
      ctl_req_fail(req, msg);
    } else {
      ok = 1;
      ctl_req_json(req, 200,
                   json_pack("{s:I, s:o}", "version", (json_int_t)version,
                             "item", item_json(&it)));
    }
  }
  if (ctl_db_write_end(env->db, conn, ok, msg) != 0 && ok)
    ctl_req_fail(req, msg);
  free(detail);
  json_decref(changes);
  json_decref(body);
}
