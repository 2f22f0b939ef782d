#include "ctl_donate.h"

#include <stdio.h>

#include "ctl_engage.h"
#include "ctl_idem.h"
#include "ctl_ledger.h"

#define MIN_POINTS 10
#define MAX_POINTS 100000

static int totals(sqlite3 *conn, int64_t *mall, int64_t *donors, char *msg) {
  int rc = ctl_db_int(conn, "SELECT COALESCE(SUM(points), 0) FROM donations",
                      NULL, NULL, 0, mall, msg);
  if (rc == 0)
    rc = ctl_db_int(conn, "SELECT COUNT(DISTINCT member_id) FROM donations",
                    NULL, NULL, 0, donors, msg);
  return rc;
}

void ctl_donate_route_charities(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  sqlite3 *conn = ctl_db_acquire(env->db);
  sqlite3_stmt *st = NULL;
  json_t *list = json_array();
  int64_t mall = 0, donors = 0;
  int rc = ctl_db_read_begin(conn, msg);
  if (rc == 0) rc = totals(conn, &mall, &donors, msg);
  if (rc == 0)
    rc = ctl_db_prepare(
        conn,
        "SELECT c.id, c.name_zh, c.name_en, c.desc_zh, c.desc_en, "
        "c.goal_points, COALESCE(SUM(d.points), 0), COUNT(DISTINCT "
        "d.member_id) FROM charities c LEFT JOIN donations d ON "
        "d.charity_id=c.id GROUP BY c.id ORDER BY c.sort, c.id",
        &st, msg);
  while (rc == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    json_array_append_new(
        list,
        json_pack("{s:s, s:o, s:o, s:I, s:I, s:I}", "id",
                  (const char *)sqlite3_column_text(st, 0), "name",
                  ctl_engage_text((const char *)sqlite3_column_text(st, 1),
                                  (const char *)sqlite3_column_text(st, 2)),
                  "description",
                  ctl_engage_text((const char *)sqlite3_column_text(st, 3),
                                  (const char *)sqlite3_column_text(st, 4)),
                  "goal_points", (json_int_t)sqlite3_column_int64(st, 5),
                  "donated_points", (json_int_t)sqlite3_column_int64(st, 6),
                  "donors", (json_int_t)sqlite3_column_int64(st, 7)));
    rc = 0;
  }
  if (rc == SQLITE_DONE) rc = 0;
  else if (rc > 0) rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  ctl_db_read_end(conn);
  ctl_db_release(env->db, conn);
  if (rc) {
    json_decref(list);
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200,
               json_pack("{s:I, s:I, s:o}", "mall_total_points",
                         (json_int_t)mall, "donors", (json_int_t)donors,
                         "charities", list));
}

static int donate(sqlite3 *conn, ctl_req *req, const char *member,
                  const char *charity, int64_t points, char *msg) {
  sqlite3_stmt *st;
  char id[24], name_zh[128] = "", name_en[128] = "";
  int64_t balance, ledger_id, total, mall, donors;
  int rc;

  if ((rc = ctl_engage_member(conn, member, msg)) == KERR_NOT_FOUND) {
    ctl_req_error(req, 404, "not_found", "no such member");
    return 0;
  }
  if (rc) return rc;
  if ((rc = ctl_db_prepare(conn,
                           "SELECT name_zh, name_en FROM charities WHERE id=?",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_text(st, 1, charity, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    snprintf(name_zh, sizeof name_zh, "%s", sqlite3_column_text(st, 0));
    snprintf(name_en, sizeof name_en, "%s", sqlite3_column_text(st, 1));
  }
  ctl_db_finish(st);
  if (rc == SQLITE_DONE) {
    ctl_req_error(req, 404, "not_found", "no such charity");
    return 0;
  }
  if (rc != SQLITE_ROW)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  if ((rc = ctl_ledger_sweep(conn, member, req->now, msg)) != 0 ||
      (rc = ctl_ledger_balance(conn, member, req->now, &balance, msg)) != 0)
    return rc;
  if (balance < points) {
    ctl_req_error(req, 409, "insufficient_points", "has %lld",
                  (long long)balance);
    return 0;
  }
  ctl_engage_id('D', id);
  if ((rc = ctl_ledger_spend(conn, member, points, "donate", id, req->idem_key,
                             req->now, &ledger_id, msg)) != 0 ||
      (rc = ctl_db_prepare(conn,
                           "INSERT INTO donations(id, member_id, charity_id, "
                           "points, ledger_id, created_at) "
                           "VALUES(?, ?, ?, ?, ?, ?)",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, member, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, charity, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, points);
  sqlite3_bind_int64(st, 5, ledger_id);
  sqlite3_bind_int64(st, 6, req->now);
  if ((rc = ctl_engage_done(conn, st, msg)) != 0 ||
      (rc = ctl_db_int(conn,
                       "SELECT COALESCE(SUM(points), 0) FROM donations "
                       "WHERE charity_id=?",
                       charity, NULL, 0, &total, msg)) != 0 ||
      (rc = totals(conn, &mall, &donors, msg)) != 0)
    return rc;
  ctl_req_json(req, 201,
               json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I}",
                         "donation_id", id, "charity_id", charity,
                         "charity_name", ctl_engage_text(name_zh, name_en),
                         "points", (json_int_t)points, "points_balance",
                         (json_int_t)(balance - points), "charity_total_points",
                         (json_int_t)total, "mall_total_points",
                         (json_int_t)mall, "created_at", (json_int_t)req->now));
  return 0;
}

static int work(const ctl_env *env, sqlite3 *conn, ctl_req *req, char *msg) {
  json_t *body = ctl_req_body_object(req);
  const char *member, *charity;
  int64_t points;
  int rc = 0;
  (void)env;
  if (!body) return 0;
  if (ctl_req_field_str(req, body, "member_id", 32, &member) == 0 &&
      ctl_req_field_str(req, body, "charity_id", 32, &charity) == 0 &&
      ctl_req_field_int(req, body, "points", MIN_POINTS, MAX_POINTS,
                        &points) == 0)
    rc = donate(conn, req, member, charity, points, msg);
  json_decref(body);
  return rc;
}

void ctl_donate_route_donate(const ctl_env *env, ctl_req *req) {
  ctl_idem_run(env, req, work);
}
