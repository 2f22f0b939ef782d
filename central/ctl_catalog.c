#include "ctl_catalog.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_offers.h"

#define ASSET_MAX (1024 * 1024)

static const char item_cols[] =
    "id, kind, name_zh, name_en, desc_zh, desc_en, image, points_cost, "
    "price_silver, price_gold, price_diamond, min_tier, stock, limit_per_day, "
    "limit_total, valid_from, valid_to, offline_redeemable, voucher_days, "
    "pickup_zh, pickup_en";

static int64_t opt_int(sqlite3_stmt *st, int col, int64_t fallback) {
  return sqlite3_column_type(st, col) == SQLITE_NULL
             ? fallback
             : sqlite3_column_int64(st, col);
}

static void copy_col(sqlite3_stmt *st, int col, char *dst, size_t cap) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  snprintf(dst, cap, "%s", s ? s : "");
}

static void read_item(sqlite3_stmt *st, ctl_item *it) {
  memset(it, 0, sizeof *it);
  copy_col(st, 0, it->id, sizeof it->id);
  copy_col(st, 1, it->kind, sizeof it->kind);
  copy_col(st, 2, it->name_zh, sizeof it->name_zh);
  copy_col(st, 3, it->name_en, sizeof it->name_en);
  it->price[0] = sqlite3_column_int64(st, 7);
  it->price[1] = opt_int(st, 8, it->price[0]);
  it->price[2] = opt_int(st, 9, it->price[1]);
  it->price[3] = opt_int(st, 10, it->price[2]);
  copy_col(st, 11, it->min_tier, sizeof it->min_tier);
  it->stock = sqlite3_column_int64(st, 12);
  it->limit_per_day = opt_int(st, 13, -1);
  it->limit_total = opt_int(st, 14, -1);
  it->valid_from = sqlite3_column_int64(st, 15);
  it->valid_to = sqlite3_column_int64(st, 16);
  it->offline_redeemable = sqlite3_column_int(st, 17);
  it->voucher_days = sqlite3_column_int64(st, 18);
  copy_col(st, 19, it->pickup_zh, sizeof it->pickup_zh);
  copy_col(st, 20, it->pickup_en, sizeof it->pickup_en);
}

int ctl_catalog_item(sqlite3 *conn, const char *id, ctl_item *out, char *msg) {
  char sql[512];
  sqlite3_stmt *st;
  int rc;
  snprintf(sql, sizeof sql, "SELECT %s FROM items WHERE id=?", item_cols);
  if ((rc = ctl_db_prepare(conn, sql, &st, msg)) != 0) return rc;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    read_item(st, out);
    rc = KERR_OK;
  } else if (rc == SQLITE_DONE) {
    rc = kerr_set(msg, KERR_NOT_FOUND, "no item %s", id);
  } else {
    rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  return rc;
}

static json_t *nullable(int64_t v) {
  return v < 0 ? json_null() : json_integer(v);
}

static json_t *item_json(sqlite3_stmt *st) {
  ctl_item it;
  json_t *prices = json_object();
  int i;
  read_item(st, &it);
  for (i = 0; i < CTL_TIERS_N; i++)
    json_object_set_new(prices, ctl_tiers_at(i)->code,
                        json_integer(it.price[i]));
  return json_pack(
      "{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:I, s:o, s:s, s:I, s:o, "
      "s:o, s:I, s:I, s:b}",
      "id", it.id, "kind", it.kind, "name", "zh", it.name_zh, "en", it.name_en,
      "description", "zh", (const char *)sqlite3_column_text(st, 4), "en",
      (const char *)sqlite3_column_text(st, 5), "image",
      (const char *)sqlite3_column_text(st, 6), "points_cost",
      (json_int_t)it.price[0], "tier_prices", prices, "min_tier", it.min_tier,
      "stock", (json_int_t)it.stock, "limit_per_day",
      nullable(it.limit_per_day), "limit_total", nullable(it.limit_total),
      "valid_from", (json_int_t)it.valid_from, "valid_to",
      (json_int_t)it.valid_to, "offline_redeemable", it.offline_redeemable);
}

void ctl_catalog_route_list(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  char sql[512], *text;
  unsigned char h[crypto_generichash_BYTES_MIN];
  char hex[sizeof h * 2 + 1];
  sqlite3 *conn = ctl_db_acquire(env->db);
  sqlite3_stmt *st;
  json_t *items = json_array();
  int64_t version = 1;
  int rc;

  /* One read transaction so version and items are one snapshot. */
  rc = ctl_db_exec(conn, "BEGIN", msg);
  if (rc == 0)
    rc = ctl_db_int(conn,
                    "SELECT CAST(value AS INTEGER) FROM meta "
                    "WHERE key='catalog_version'",
                    NULL, NULL, 1, &version, msg);
  snprintf(sql, sizeof sql, "SELECT %s FROM items ORDER BY sort, id",
           item_cols);
  if (rc == 0 && (rc = ctl_db_prepare(conn, sql, &st, msg)) == 0) {
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
      json_array_append_new(items, item_json(st));
    rc = rc == SQLITE_DONE
             ? 0
             : kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
    ctl_db_finish(st);
  }
  /* Offers (ctl_offers) ride on their items, in the same snapshot. */
  if (rc == 0) rc = ctl_offers_decorate(conn, items, req->now, msg);
  ctl_db_exec(conn, "COMMIT", NULL);
  ctl_db_release(env->db, conn);
  if (rc) {
    json_decref(items);
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200,
               json_pack("{s:I, s:o}", "version", (json_int_t)version, "items",
                         items));
  text = json_dumps(req->json, JSON_COMPACT);
  if (!text) {
    ctl_req_fail(req, "catalog json");
    return;
  }
  crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text),
                     NULL, 0);
  free(text);
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  snprintf(req->etag, sizeof req->etag, "\"%s\"", hex);
  if (req->if_none_match && strstr(req->if_none_match, req->etag)) {
    ctl_req_json(req, 304, NULL);
  }
}

static int name_ok(const char *name) {
  size_t n = strlen(name), i;
  if (n < 5 || n > 64 || strcmp(name + n - 4, ".png") != 0) return 0;
  for (i = 0; i < n - 4; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return 0;
  }
  return 1;
}

void ctl_catalog_route_asset(const ctl_env *env, ctl_req *req) {
  const char *name = req->seg[2];
  char path[1024];
  unsigned char *buf;
  size_t n;
  long size;
  FILE *f;

  if (!name_ok(name) || !env->assets_dir) {
    ctl_req_error(req, 404, "not_found", "no such asset");
    return;
  }
  snprintf(path, sizeof path, "%s/items/%s", env->assets_dir, name);
  f = fopen(path, "rb");
  if (!f) {
    ctl_req_error(req, 404, "not_found", "no such asset");
    return;
  }
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > ASSET_MAX ||
      fseek(f, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)size + 1))) {
    fclose(f);
    ctl_req_fail(req, "asset unreadable");
    return;
  }
  n = fread(buf, 1, (size_t)size, f);
  fclose(f);
  if (n != (size_t)size) {
    free(buf);
    ctl_req_fail(req, "asset short read");
    return;
  }
  ctl_req_json(req, 200, NULL);
  req->raw = buf;
  req->raw_len = n;
  req->content_type = "image/png";
}
