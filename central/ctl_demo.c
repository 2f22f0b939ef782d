#include "ctl_demo.h"

#include <stdio.h>
#include <string.h>

#include "ctl_clock.h"
#include "ctl_demoengage.h"
#include "ctl_demoitems.h"
#include "ctl_ledger.h"
#include "ctl_members.h"
#include "ctl_tiers.h"
#include "mask.h"
#include "mcode.h"

#define DAY_S 86400

/* One ledger event: earn (expires_in_days > 0) or spend (amount < 0). */
typedef struct {
  int days_ago;
  int64_t amount;
  int expires_in_days; /* from now; 0 = the default rule */
} event;

typedef struct {
  const char *id, *name, *phone;
  int birth_month_offset; /* from the current month */
  int checkin_days;       /* consecutive check-ins ending yesterday */
  event events[6];
} demo_member;

static const demo_member members[] = {
    {"M100001", "李婷", "13800001001", 6, 0,
     {{330, 1500, 35}, {200, -600, 0}, {30, 800, 0}, {0, 0, 0}}},
    {"M100002", "王建国", "13800001002", 3, 1,
     {{340, 4000, 25}, {300, -2500, 0}, {280, 5000, 85}, {20, 2990, 0},
      {0, 0, 0}}},
    {"M100003", "张晓明", "13800001003", 0, 2,
     {{320, 20400, 45}, {290, 6000, 75}, {250, -19220, 0}, {40, 5600, 0},
      {0, 0, 0}}},
    {"M100004", "陈思远", "13800001004", 9, 0,
     {{350, 30000, 15}, {200, -25000, 0}, {150, 20000, 0}, {10, 16000, 0},
      {0, 0, 0}}},
};

static int seed_member(sqlite3 *conn, const demo_member *m, int64_t now,
                       char *msg) {
  sqlite3_stmt *st;
  int i, rc, month = (ctl_clock_month(now) - 1 + m->birth_month_offset) % 12 + 1;

  if ((rc = ctl_db_prepare(conn,
                           "INSERT INTO members(id, name, phone, birth_month, "
                           "created_at) VALUES(?, ?, ?, ?, ?)",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, m->phone, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 4, month);
  sqlite3_bind_int64(st, 5, now - 400 * (int64_t)DAY_S);
  rc = sqlite3_step(st);
  ctl_db_finish(st);
  if (rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "seed %s: %s", m->id, sqlite3_errmsg(conn));

  for (i = 0; i < 6 && m->events[i].amount; i++) {
    const event *e = &m->events[i];
    int64_t at = now - (int64_t)e->days_ago * DAY_S;
    if (e->amount > 0)
      rc = ctl_ledger_earn(
          conn, m->id, e->amount, "earn", "demo:purchase", NULL, at,
          e->expires_in_days
              ? ctl_clock_end_of_day(now + (int64_t)e->expires_in_days * DAY_S)
              : ctl_ledger_default_expiry(at),
          NULL, msg);
    else
      rc = ctl_ledger_spend(conn, m->id, -e->amount, "redeem", "demo:gift",
                            NULL, at, NULL, msg);
    if (rc) return rc;
  }
  for (i = m->checkin_days; i > 0; i--) {
    char day[11];
    int64_t at = now - (int64_t)i * DAY_S;
    ctl_clock_day(at, day);
    if ((rc = ctl_ledger_earn(conn, m->id, 10, "checkin", day, NULL, at,
                              ctl_ledger_default_expiry(at), NULL, msg)) != 0 ||
        (rc = ctl_db_prepare(conn,
                             "INSERT INTO checkins(member_id, day, streak, "
                             "points) VALUES(?, ?, ?, 10)",
                             &st, msg)) != 0)
      return rc;
    sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, m->checkin_days - i + 1);
    rc = sqlite3_step(st);
    ctl_db_finish(st);
    if (rc != SQLITE_DONE)
      return kerr_set(msg, KERR_DB, "seed check-in: %s", sqlite3_errmsg(conn));
  }
  return KERR_OK;
}

int ctl_demo_seed(ctl_db *db, int64_t now, char *msg) {
  sqlite3 *conn;
  int64_t n;
  size_t i;
  int rc = ctl_db_write_begin(db, &conn, msg);
  if (rc) return rc;
  rc = ctl_db_int(conn, "SELECT COUNT(*) FROM members", NULL, NULL, 0, &n,
                  msg);
  for (i = 0; rc == 0 && n == 0 && i < sizeof members / sizeof members[0]; i++)
    rc = seed_member(conn, &members[i], now, msg);
  if (rc == 0 && n == 0) rc = ctl_demoitems_seed(conn, now, msg);
  if (rc == 0) rc = ctl_demoengage_seed(conn, now, msg);
  {
    int end = ctl_db_write_end(db, conn, rc == 0, rc ? NULL : msg);
    if (rc == 0) rc = end;
  }
  return rc;
}

void ctl_demo_route_members(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  sqlite3 *conn = ctl_db_acquire(env->db);
  sqlite3_stmt *st;
  json_t *by_tier[CTL_TIERS_N], *out;
  int i, rc;

  for (i = 0; i < CTL_TIERS_N; i++) by_tier[i] = json_array();
  rc = ctl_db_prepare(conn, "SELECT id, name FROM members ORDER BY id", &st,
                      msg);
  while (rc == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *id = (const char *)sqlite3_column_text(st, 0);
    const ctl_tier *tier;
    char masked[128];
    if ((rc = ctl_members_tier(conn, id, req->now, &tier, msg)) != 0) break;
    mask_name((const char *)sqlite3_column_text(st, 1), masked, sizeof masked);
    json_array_append_new(by_tier[ctl_tiers_index(tier->code)],
                          json_pack("{s:s, s:s, s:s}", "id", id, "tier",
                                    tier->code, "name_masked", masked));
    rc = 0;
  }
  if (rc == SQLITE_DONE) rc = 0;
  else if (rc > 0) rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  ctl_db_release(env->db, conn);
  out = json_array();
  for (i = 0; i < CTL_TIERS_N; i++) json_array_extend(out, by_tier[i]);
  for (i = 0; i < CTL_TIERS_N; i++) json_decref(by_tier[i]);
  if (rc) {
    json_decref(out);
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200, json_pack("{s:o}", "members", out));
}

void ctl_demo_route_member_code(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  sqlite3 *conn = ctl_db_acquire(env->db);
  mcode_claims claims;
  const ctl_tier *tier = NULL;
  char code[MCODE_MAX_LEN + 1];
  const char *id = req->seg[3];
  int rc;

  memset(&claims, 0, sizeof claims);
  rc = strlen(id) > MCODE_ID_MAX
           ? KERR_NOT_FOUND
           : ctl_members_tier(conn, id, req->now, &tier, msg);
  if (rc == 0) rc = ctl_ledger_balance(conn, id, req->now, &claims.points, msg);
  ctl_db_release(env->db, conn);
  if (rc == KERR_NOT_FOUND) {
    ctl_req_error(req, 404, "not_found", "no such member");
    return;
  }
  if (rc) {
    ctl_req_fail(req, msg);
    return;
  }
  snprintf(claims.member_id, sizeof claims.member_id, "%s", id);
  snprintf(claims.tier, sizeof claims.tier, "%s", tier->code);
  claims.issued = req->now;
  if (mcode_sign(&claims, env->keys.sk, code, sizeof code) != 0) {
    ctl_req_fail(req, "member code not representable");
    return;
  }
  ctl_req_json(req, 200, json_pack("{s:s}", "code", code));
}
