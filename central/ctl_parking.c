#include "ctl_parking.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ctl_clock.h"
#include "ctl_idem.h"
#include "ctl_ledger.h"
#include "ctl_members.h"
#include "ctl_plate.h"

#define GRACE_MIN 15

typedef struct {
  int64_t entered_at, minutes, billable, covered, due;
} stay;

/* KERR_NOT_FOUND when the car is not in the lot. */
static int load_stay(sqlite3 *conn, const char *plate, int64_t now, stay *s,
                     char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(
      conn,
      "SELECT c.entered_at, (SELECT COALESCE(SUM(hours), 0) FROM "
      "parking_coupons p WHERE p.plate=c.plate AND p.created_at>=c.entered_at)"
      " FROM cars c WHERE c.plate=?",
      &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, plate, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    s->entered_at = sqlite3_column_int64(st, 0);
    s->covered = sqlite3_column_int64(st, 1);
    s->minutes = now > s->entered_at ? (now - s->entered_at) / 60 : 0;
    s->billable = s->minutes <= GRACE_MIN ? 0 : (s->minutes + 59) / 60;
    s->due = s->billable > s->covered ? s->billable - s->covered : 0;
    rc = KERR_OK;
  } else {
    rc = rc == SQLITE_DONE ? kerr_set(msg, KERR_NOT_FOUND, "car not in lot")
                           : kerr_set(msg, KERR_DB, "sqlite: %s",
                                      sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  return rc;
}

static json_t *stay_json(const ctl_env *env, const char *plate,
                         const stay *s) {
  return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "plate", plate,
                   "entered_at", (json_int_t)s->entered_at, "minutes",
                   (json_int_t)s->minutes, "hours_billable",
                   (json_int_t)s->billable, "hours_covered",
                   (json_int_t)s->covered, "hours_due", (json_int_t)s->due,
                   "fee_per_hour", (json_int_t)env->parking_fee_per_hour,
                   "fee_due",
                   (json_int_t)(s->due * env->parking_fee_per_hour));
}

void ctl_parking_route_session(const ctl_env *env, ctl_req *req) {
  char plate[CTL_PLATE_MAX + 1];
  kerr_msg msg;
  stay s;
  sqlite3 *conn;
  int rc;
  if (ctl_plate_normalize(req->seg[3], plate, sizeof plate) != 0) {
    ctl_req_error(req, 422, "invalid_plate", "not a valid plate number");
    return;
  }
  conn = ctl_db_acquire(env->db);
  rc = load_stay(conn, plate, req->now, &s, msg);
  ctl_db_release(env->db, conn);
  if (rc == KERR_NOT_FOUND)
    ctl_req_error(req, 404, "not_found", "the car is not in the car park");
  else if (rc)
    ctl_req_fail(req, msg);
  else
    ctl_req_json(req, 200, stay_json(env, plate, &s));
}

static int work(const ctl_env *env, sqlite3 *conn, ctl_req *req, char *msg) {
  json_t *body = ctl_req_body_object(req);
  const char *member, *plate_in;
  char plate[CTL_PLATE_MAX + 1], day[11], cid[20];
  unsigned char rnd[6];
  const ctl_tier *tier;
  int64_t hours, free_used_today, free_used, points, balance, valid_until;
  stay s;
  sqlite3_stmt *st;
  int rc = 0;

  if (!body) return 0;
  if (ctl_req_field_str(req, body, "member_id", 32, &member) ||
      ctl_req_field_str(req, body, "plate", 64, &plate_in) ||
      ctl_req_field_int(req, body, "hours", 1, 24, &hours))
    goto out;
  if (ctl_plate_normalize(plate_in, plate, sizeof plate) != 0) {
    ctl_req_error(req, 422, "invalid_plate", "not a valid plate number");
    goto out;
  }
  rc = ctl_members_tier(conn, member, req->now, &tier, msg);
  if (rc == 0) rc = load_stay(conn, plate, req->now, &s, msg);
  if (rc == KERR_NOT_FOUND) {
    rc = 0;
    ctl_req_error(req, 404, "not_found", "no such member, or car not in lot");
    goto out;
  }
  if (rc) goto out;
  if (hours > s.due) {
    ctl_req_error(req, 409, "limit_reached",
                  "the stay needs %lld more hours", (long long)s.due);
    goto out;
  }
  ctl_clock_day(req->now, day);
  if ((rc = ctl_db_int(conn,
                       "SELECT COALESCE(SUM(free_hours_used), 0) FROM "
                       "parking_coupons WHERE member_id=? AND day=?",
                       member, day, 0, &free_used_today, msg)) != 0)
    goto out;
  free_used = tier->parking_free_hours - free_used_today;
  if (free_used < 0) free_used = 0;
  if (free_used > hours) free_used = hours;
  points = (hours - free_used) * env->parking_points_per_hour;
  if ((rc = ctl_ledger_sweep(conn, member, req->now, msg)) != 0 ||
      (rc = ctl_ledger_balance(conn, member, req->now, &balance, msg)) != 0)
    goto out;
  if (balance < points) {
    ctl_req_error(req, 409, "insufficient_points", "needs %lld, has %lld",
                  (long long)points, (long long)balance);
    goto out;
  }
  randombytes_buf(rnd, sizeof rnd);
  snprintf(cid, sizeof cid, "PC%02X%02X%02X%02X%02X%02X", rnd[0], rnd[1],
           rnd[2], rnd[3], rnd[4], rnd[5]);
  if (points > 0 &&
      (rc = ctl_ledger_spend(conn, member, points, "parking", cid,
                             req->idem_key, req->now, NULL, msg)) != 0)
    goto out;
  valid_until = ctl_clock_end_of_day(req->now);
  if ((rc = ctl_db_prepare(conn,
                           "INSERT INTO parking_coupons(id, member_id, plate, "
                           "hours, free_hours_used, points_charged, day, "
                           "created_at, valid_until) VALUES(?, ?, ?, ?, ?, ?, "
                           "?, ?, ?)",
                           &st, msg)) != 0)
    goto out;
  sqlite3_bind_text(st, 1, cid, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, member, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, plate, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, hours);
  sqlite3_bind_int64(st, 5, free_used);
  sqlite3_bind_int64(st, 6, points);
  sqlite3_bind_text(st, 7, day, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, req->now);
  sqlite3_bind_int64(st, 9, valid_until);
  rc = sqlite3_step(st) == SQLITE_DONE
           ? 0
           : kerr_set(msg, KERR_DB, "coupon: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  if (rc) goto out;
  ctl_req_json(req, 201,
               json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}",
                         "coupon_id", cid, "plate", plate, "hours",
                         (json_int_t)hours, "free_hours_used",
                         (json_int_t)free_used, "points_charged",
                         (json_int_t)points, "points_balance",
                         (json_int_t)(balance - points), "valid_until",
                         (json_int_t)valid_until, "fee_due",
                         (json_int_t)((s.due - hours) *
                                      env->parking_fee_per_hour)));
out:
  json_decref(body);
  return rc;
}

void ctl_parking_route_coupon(const ctl_env *env, ctl_req *req) {
  ctl_idem_run(env, req, work);
}
