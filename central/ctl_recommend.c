#include "ctl_recommend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_engage.h"
#include "ctl_ledger.h"
#include "ctl_members.h"
#include "ctl_offers.h"
#include "ctl_staff.h"

#define DAY_S 86400
#define MAX_ITEMS 128
#define MAX_KINDS 8

typedef struct {
  char id[33], kind[16], name_zh[128], name_en[128], image[128];
  int64_t price, score;
  int affordable, offer, preferred, history, repeat;
} cand;

typedef struct {
  char kind[16];
  int64_t n;
} kind_count;

static int by_rank(const void *a, const void *b) {
  const cand *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  if (x->price != y->price) return x->price > y->price ? -1 : 1;
  return strcmp(x->id, y->id);
}

static void copy(sqlite3_stmt *st, int col, char *dst, size_t cap) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  snprintf(dst, cap, "%s", s ? s : "");
}

static int history(sqlite3 *conn, const char *member, int64_t now,
                   kind_count *k, int *nk, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(
      conn,
      "SELECT i.kind, SUM(r.quantity) FROM redemptions r JOIN vouchers v ON "
      "v.redemption_id=r.id JOIN items i ON i.id=r.item_id WHERE "
      "r.member_id=? AND v.status<>'void' AND r.created_at>? GROUP BY i.kind",
      &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now - 365 * (int64_t)DAY_S);
  *nk = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && *nk < MAX_KINDS) {
    copy(st, 0, k[*nk].kind, sizeof k[*nk].kind);
    k[(*nk)++].n = sqlite3_column_int64(st, 1);
  }
  ctl_db_finish(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}

/* Redeemed (not voided) of one item: all time and in the last 30 days. */
static int redeemed(sqlite3 *conn, const char *member, const char *item,
                    int64_t now, int64_t *total, int64_t *recent, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(
      conn,
      "SELECT COALESCE(SUM(r.quantity), 0), COALESCE(SUM(CASE WHEN "
      "r.created_at>?3 THEN r.quantity END), 0) FROM redemptions r JOIN "
      "vouchers v ON v.redemption_id=r.id WHERE r.member_id=?1 AND "
      "r.item_id=?2 AND v.status<>'void'",
      &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, now - 30 * (int64_t)DAY_S);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *total = sqlite3_column_int64(st, 0);
    *recent = sqlite3_column_int64(st, 1);
  }
  ctl_db_finish(st);
  return rc == SQLITE_ROW
             ? KERR_OK
             : kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
}

static int preferred(const char *kinds, const char *kind) {
  size_t n = strlen(kind);
  const char *p = kinds;
  while (p && *p) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && memcmp(p, kind, n) == 0) return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

/* Scores one item row; 0 = a candidate in *c, 1 = left out. */
static int score(sqlite3 *conn, sqlite3_stmt *st, const char *member,
                 int ti, int64_t balance, const char *kinds,
                 const kind_count *k, int nk, int64_t now, cand *c,
                 char *msg) {
  int64_t price[CTL_TIERS_N], total = 0, recent = 0, unit, limit;
  int i, rc, available;
  memset(c, 0, sizeof *c);
  copy(st, 0, c->id, sizeof c->id);
  copy(st, 1, c->kind, sizeof c->kind);
  copy(st, 2, c->name_zh, sizeof c->name_zh);
  copy(st, 3, c->name_en, sizeof c->name_en);
  copy(st, 4, c->image, sizeof c->image);
  price[0] = sqlite3_column_int64(st, 5);
  for (i = 1; i < CTL_TIERS_N; i++)
    price[i] = sqlite3_column_type(st, 5 + i) == SQLITE_NULL
                   ? price[i - 1]
                   : sqlite3_column_int64(st, 5 + i);
  if (ti < ctl_tiers_index((const char *)sqlite3_column_text(st, 9)) ||
      sqlite3_column_int64(st, 10) <= 0 || now < sqlite3_column_int64(st, 12) ||
      now > sqlite3_column_int64(st, 13))
    return 1;
  if ((rc = ctl_offers_unit_price(conn, c->id, now, price[ti], &unit,
                                  &available, msg)) != 0)
    return rc;
  if (!available) return 1;
  if ((rc = redeemed(conn, member, c->id, now, &total, &recent, msg)) != 0)
    return rc;
  limit = sqlite3_column_type(st, 11) == SQLITE_NULL
              ? -1
              : sqlite3_column_int64(st, 11);
  if (limit >= 0 && total >= limit) return 1;
  c->price = unit;
  c->affordable = unit <= balance;
  if (!c->affordable && 4 * unit > 5 * balance) return 1;
  c->offer = unit < price[ti];
  c->preferred = preferred(kinds, c->kind);
  for (i = 0; i < nk; i++)
    if (strcmp(k[i].kind, c->kind) == 0)
      c->history = (int)(k[i].n > 3 ? 3 : k[i].n);
  c->repeat = recent > 0;
  c->score = 40 * c->preferred + 15 * c->history - 20 * c->repeat +
             (c->affordable ? 30 : 10) + 10 * c->offer;
  if (c->affordable && balance > 0)
    c->score += unit >= balance ? 20 : 20 * unit / balance;
  return 0;
}

static json_t *cand_json(const cand *c, int64_t balance) {
  json_t *why = json_array();
  if (c->preferred) json_array_append_new(why, json_string("preferred_kind"));
  if (c->history) json_array_append_new(why, json_string("history"));
  if (c->repeat) json_array_append_new(why, json_string("recent_repeat"));
  json_array_append_new(
      why, json_string(c->affordable ? "affordable" : "nearly_affordable"));
  if (c->offer) json_array_append_new(why, json_string("offer"));
  return json_pack("{s:s, s:s, s:o, s:s, s:I, s:b, s:I, s:I, s:o}", "item_id",
                   c->id, "kind", c->kind, "name",
                   ctl_engage_text(c->name_zh, c->name_en), "image", c->image,
                   "points", (json_int_t)c->price, "affordable", c->affordable,
                   "points_missing",
                   (json_int_t)(c->affordable ? 0 : c->price - balance),
                   "score", (json_int_t)c->score, "reasons", why);
}

static int rank(sqlite3 *conn, const char *member, int64_t now, int64_t limit,
                json_t **out, int64_t *balance, char *msg) {
  static const char sql[] =
      "SELECT id, kind, name_zh, name_en, image, points_cost, price_silver, "
      "price_gold, price_diamond, min_tier, stock, limit_total, valid_from, "
      "valid_to FROM items ORDER BY sort, id";
  cand *c = calloc(MAX_ITEMS, sizeof *c);
  kind_count k[MAX_KINDS];
  char kinds[128] = "";
  const ctl_tier *tier;
  sqlite3_stmt *st;
  int n = 0, nk = 0, i, rc;

  if (!c) return kerr_set(msg, KERR_NOMEM, "recommendations");
  if ((rc = ctl_members_tier(conn, member, now, &tier, msg)) != 0 ||
      (rc = ctl_ledger_balance(conn, member, now, balance, msg)) != 0 ||
      (rc = history(conn, member, now, k, &nk, msg)) != 0 ||
      (rc = ctl_db_prepare(conn, "SELECT kinds FROM member_prefs WHERE "
                                 "member_id=?",
                           &st, msg)) != 0)
    goto out;
  sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) copy(st, 0, kinds, sizeof kinds);
  ctl_db_finish(st);
  if ((rc = ctl_db_prepare(conn, sql, &st, msg)) != 0) goto out;
  while (n < MAX_ITEMS && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    int left_out = score(conn, st, member, ctl_tiers_index(tier->code),
                         *balance, kinds, k, nk, now, &c[n], msg);
    if (left_out < 0) {
      rc = left_out;
      break;
    }
    if (left_out == 0) n++;
  }
  ctl_db_finish(st);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) rc = 0;
  else if (rc > 0) rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  if (rc) goto out;
  qsort(c, (size_t)n, sizeof *c, by_rank);
  *out = json_array();
  for (i = 0; i < n && i < limit; i++)
    json_array_append_new(*out, cand_json(&c[i], *balance));
out:
  free(c);
  return rc;
}

void ctl_recommend_route(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  json_t *items = NULL;
  int64_t limit, balance = 0;
  sqlite3 *conn;
  int rc;
  if (ctl_staff_query_int(req, "limit", 6, 1, 20, &limit) != 0) return;
  conn = ctl_db_acquire(env->db);
  rc = ctl_db_read_begin(conn, msg);
  if (rc == 0) {
    rc = rank(conn, req->seg[2], req->now, limit, &items, &balance, msg);
    ctl_db_read_end(conn);
  }
  ctl_db_release(env->db, conn);
  if (rc == KERR_NOT_FOUND)
    ctl_req_error(req, 404, "not_found", "no such member");
  else if (rc)
    ctl_req_fail(req, msg);
  else
    ctl_req_json(req, 200,
                 json_pack("{s:s, s:I, s:o}", "member_id", req->seg[2],
                           "points", (json_int_t)balance, "items", items));
}
