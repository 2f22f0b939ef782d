#include "ctl_lottery.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ctl_clock.h"
#include "ctl_engage.h"
#include "ctl_idem.h"
#include "ctl_ledger.h"
#include "ctl_vouchers.h"

#define DAY_S 86400
#define MAX_PRIZES 32

typedef struct {
  char id[33], kind[12], name_zh[64], name_en[64], pickup_zh[64],
      pickup_en[64];
  int64_t weight, stock, points, voucher_days; /* stock -1 = unlimited */
} prize;

static void copy(sqlite3_stmt *st, int col, char *dst, size_t cap) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  snprintf(dst, cap, "%s", s ? s : "");
}

/* The prizes in their order; at most MAX_PRIZES. */
static int load(sqlite3 *conn, prize *p, int *n, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT id, kind, name_zh, name_en, weight, stock, "
                          "points, voucher_days, pickup_zh, pickup_en FROM "
                          "lottery_prizes ORDER BY sort, id",
                          &st, msg);
  if (rc) return rc;
  *n = 0;
  while (*n < MAX_PRIZES && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    prize *q = &p[(*n)++];
    copy(st, 0, q->id, sizeof q->id);
    copy(st, 1, q->kind, sizeof q->kind);
    copy(st, 2, q->name_zh, sizeof q->name_zh);
    copy(st, 3, q->name_en, sizeof q->name_en);
    q->weight = sqlite3_column_int64(st, 4);
    q->stock = sqlite3_column_type(st, 5) == SQLITE_NULL
                   ? -1
                   : sqlite3_column_int64(st, 5);
    q->points = sqlite3_column_int64(st, 6);
    q->voucher_days = sqlite3_column_int64(st, 7);
    copy(st, 8, q->pickup_zh, sizeof q->pickup_zh);
    copy(st, 9, q->pickup_en, sizeof q->pickup_en);
  }
  ctl_db_finish(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}

static int in_stock(const prize *p) { return p->weight > 0 && p->stock != 0; }

static int64_t total_weight(const prize *p, int n) {
  int64_t w = 0;
  int i;
  for (i = 0; i < n; i++)
    if (in_stock(&p[i])) w += p[i].weight;
  return w;
}

static json_t *prize_json(const prize *p, int64_t total) {
  return json_pack(
      "{s:s, s:s, s:o, s:I, s:I, s:I, s:o, s:b}", "id", p->id, "kind", p->kind,
      "name", ctl_engage_text(p->name_zh, p->name_en), "points",
      (json_int_t)p->points, "weight", (json_int_t)p->weight, "odds_ppm",
      (json_int_t)(in_stock(p) && total ? p->weight * 1000000 / total : 0),
      "remaining", p->stock < 0 ? json_null() : json_integer(p->stock),
      "in_stock", in_stock(p));
}

void ctl_lottery_route_get(const ctl_env *env, ctl_req *req) {
  const ctl_engage_conf *c = ctl_engage_get();
  prize p[MAX_PRIZES];
  kerr_msg msg;
  json_t *list;
  int64_t total;
  int i, n = 0;
  sqlite3 *conn = ctl_db_acquire(env->db);
  int rc = load(conn, p, &n, msg);
  ctl_db_release(env->db, conn);
  if (rc) {
    ctl_req_fail(req, msg);
    return;
  }
  total = total_weight(p, n);
  list = json_array();
  for (i = 0; i < n; i++) json_array_append_new(list, prize_json(&p[i], total));
  ctl_req_json(req, 200,
               json_pack("{s:I, s:I, s:I, s:o}", "cost",
                         (json_int_t)c->lottery_cost, "per_day",
                         (json_int_t)c->lottery_per_day, "total_weight",
                         (json_int_t)total, "prizes", list));
}

static int draws_today(sqlite3 *conn, const char *member, int64_t now,
                       int64_t *out, char *msg) {
  char from[24];
  /* The day's first second: a day's draws are those at or after it. */
  snprintf(from, sizeof from, "%lld",
           (long long)(ctl_clock_end_of_day(now) - DAY_S + 1));
  return ctl_db_int(conn,
                    "SELECT COUNT(*) FROM lottery_draws WHERE member_id=? AND "
                    "created_at>=CAST(? AS INTEGER)",
                    member, from, 0, out, msg);
}

static int award(const ctl_env *env, sqlite3 *conn, ctl_req *req,
                 const char *member, const prize *p, const char *draw_id,
                 json_t **voucher, char *msg) {
  sqlite3_stmt *st;
  int rc;
  if (p->stock > 0) {
    if ((rc = ctl_db_prepare(conn,
                             "UPDATE lottery_prizes SET stock=stock-1 WHERE "
                             "id=? AND stock>0",
                             &st, msg)) != 0 ||
        (sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC),
         rc = ctl_engage_done(conn, st, msg)) != 0)
      return rc;
    if (sqlite3_changes(conn) != 1)
      return kerr_set(msg, KERR_DB, "prize %s: no stock left", p->id);
  }
  if (strcmp(p->kind, "points") == 0 && p->points > 0)
    return ctl_ledger_earn(conn, member, p->points, "lottery", draw_id,
                           req->idem_key, req->now,
                           ctl_ledger_default_expiry(req->now), NULL, msg);
  if (strcmp(p->kind, "voucher") == 0)
    return ctl_vouchers_issue(
        env, conn, draw_id, p->id, member, 1,
        ctl_clock_end_of_day(req->now + p->voucher_days * DAY_S), p->pickup_zh,
        p->pickup_en, voucher, msg);
  return KERR_OK;
}

static int log_draw(sqlite3 *conn, const ctl_req *req, const char *draw_id,
                    const char *member, const prize *p, int64_t r,
                    int64_t total, int64_t cost, json_t *voucher, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "INSERT INTO lottery_draws(id, member_id, prize_id, "
                          "random, total_weight, cost, voucher_code, kiosk_id, "
                          "created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, draw_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, member, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, p->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, r);
  sqlite3_bind_int64(st, 5, total);
  sqlite3_bind_int64(st, 6, cost);
  if (voucher)
    sqlite3_bind_text(st, 7,
                      json_string_value(json_object_get(voucher, "code")), -1,
                      SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, 7);
  sqlite3_bind_text(st, 8, req->kiosk_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 9, req->now);
  return ctl_engage_done(conn, st, msg);
}

static int draw(const ctl_env *env, sqlite3 *conn, ctl_req *req,
                const char *member, char *msg) {
  const ctl_engage_conf *c = ctl_engage_get();
  prize p[MAX_PRIZES];
  json_t *voucher = NULL;
  char draw_id[24];
  int64_t n_today, balance, total, r, acc = 0;
  int i, n = 0, won = -1, rc;

  if ((rc = ctl_engage_member(conn, member, msg)) == KERR_NOT_FOUND) {
    ctl_req_error(req, 404, "not_found", "no such member");
    return 0;
  }
  if (rc || (rc = draws_today(conn, member, req->now, &n_today, msg)) != 0)
    return rc;
  if (c->lottery_per_day > 0 && n_today >= c->lottery_per_day) {
    ctl_req_error(req, 409, "limit_reached", "at most %lld draws a day",
                  (long long)c->lottery_per_day);
    return 0;
  }
  if ((rc = ctl_ledger_sweep(conn, member, req->now, msg)) != 0 ||
      (rc = ctl_ledger_balance(conn, member, req->now, &balance, msg)) != 0 ||
      (rc = load(conn, p, &n, msg)) != 0)
    return rc;
  if (balance < c->lottery_cost) {
    ctl_req_error(req, 409, "insufficient_points", "needs %lld, has %lld",
                  (long long)c->lottery_cost, (long long)balance);
    return 0;
  }
  total = total_weight(p, n);
  if (total <= 0 || total > UINT32_MAX) {
    ctl_req_error(req, 409, "out_of_stock", "no prize is left");
    return 0;
  }
  r = (int64_t)randombytes_uniform((uint32_t)total);
  for (i = 0; i < n && won < 0; i++) {
    if (!in_stock(&p[i])) continue;
    acc += p[i].weight;
    if (r < acc) won = i;
  }
  ctl_engage_id('L', draw_id);
  if (c->lottery_cost > 0 &&
      (rc = ctl_ledger_spend(conn, member, c->lottery_cost, "lottery",
                             draw_id, req->idem_key, req->now, NULL, msg)) != 0)
    return rc;
  if ((rc = award(env, conn, req, member, &p[won], draw_id, &voucher, msg)) !=
          0 ||
      (rc = log_draw(conn, req, draw_id, member, &p[won], r, total,
                     c->lottery_cost, voucher, msg)) != 0 ||
      (rc = ctl_ledger_balance(conn, member, req->now, &balance, msg)) != 0) {
    json_decref(voucher);
    return rc;
  }
  if (p[won].stock > 0) p[won].stock--;
  ctl_req_json(
      req, 201,
      json_pack("{s:s, s:o, s:I, s:I, s:I, s:o, s:I, s:I}", "draw_id",
                draw_id, "prize", prize_json(&p[won], total), "points_charged",
                (json_int_t)c->lottery_cost, "points_awarded",
                (json_int_t)(strcmp(p[won].kind, "points") == 0
                                 ? p[won].points
                                 : 0),
                "points_balance", (json_int_t)balance, "voucher",
                voucher ? voucher : json_null(), "random", (json_int_t)r,
                "total_weight", (json_int_t)total));
  return 0;
}

static int work(const ctl_env *env, sqlite3 *conn, ctl_req *req, char *msg) {
  json_t *body = ctl_req_body_object(req);
  const char *member;
  int rc = 0;
  if (!body) return 0;
  if (ctl_req_field_str(req, body, "member_id", 32, &member) == 0)
    rc = draw(env, conn, req, member, msg);
  json_decref(body);
  return rc;
}

void ctl_lottery_route_draw(const ctl_env *env, ctl_req *req) {
  ctl_idem_run(env, req, work);
}
