#include "ctl_checkin.h"

#include "ctl_clock.h"
#include "ctl_idem.h"
#include "ctl_ledger.h"
#include "ctl_members.h"
#include "ctl_streak.h"

static int work(const ctl_env *env, sqlite3 *conn, ctl_req *req, char *msg) {
  json_t *body = ctl_req_body_object(req);
  const char *member;
  const ctl_tier *tier;
  char day[11];
  int64_t streak, points, balance, bonus = 0;
  int today, rc = 0;
  sqlite3_stmt *st;
  (void)env;

  if (!body) return 0;
  if (ctl_req_field_str(req, body, "member_id", 32, &member)) goto out;
  rc = ctl_members_tier(conn, member, req->now, &tier, msg);
  if (rc == KERR_NOT_FOUND) {
    rc = 0;
    ctl_req_error(req, 404, "not_found", "no such member");
    goto out;
  }
  if (rc ||
      (rc = ctl_members_checkin_state(conn, member, req->now, &streak, &today,
                                      msg)) != 0)
    goto out;
  if (today) {
    if ((rc = ctl_ledger_balance(conn, member, req->now, &balance, msg)) == 0)
      ctl_req_json(req, 200,
                   json_pack("{s:i, s:I, s:I}", "points_awarded", 0, "streak",
                             (json_int_t)streak, "points_balance",
                             (json_int_t)balance));
    goto out;
  }
  streak++;
  points = streak % 7 == 0 ? 50 : 10;
  ctl_clock_day(req->now, day);
  if ((rc = ctl_db_prepare(conn,
                           "INSERT INTO checkins(member_id, day, streak, "
                           "points) VALUES(?, ?, ?, ?)",
                           &st, msg)) != 0)
    goto out;
  sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, streak);
  sqlite3_bind_int64(st, 4, points);
  rc = sqlite3_step(st) == SQLITE_DONE
           ? 0
           : kerr_set(msg, KERR_DB, "check-in: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  if (rc == 0)
    rc = ctl_ledger_earn(conn, member, points, "checkin", day, req->idem_key,
                         req->now, ctl_ledger_default_expiry(req->now), NULL,
                         msg);
  if (rc == 0)
    rc = ctl_streak_bonus(conn, member, streak, req->now, req->idem_key, &bonus,
                          msg);
  if (rc == 0) rc = ctl_ledger_balance(conn, member, req->now, &balance, msg);
  if (rc == 0)
    ctl_req_json(req, 201,
                 json_pack("{s:I, s:I, s:I, s:I}", "points_awarded",
                           (json_int_t)(points + bonus), "bonus_awarded",
                           (json_int_t)bonus, "streak", (json_int_t)streak,
                           "points_balance", (json_int_t)balance));
out:
  json_decref(body);
  return rc;
}

void ctl_checkin_route(const ctl_env *env, ctl_req *req) {
  ctl_idem_run(env, req, work);
}
