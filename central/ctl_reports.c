#include "ctl_reports.h"

#include <string.h>

#include "ctl_clock.h"
#include "ctl_staff.h"

#define DAY_S 86400

/* Redemptions that still stand: their voucher was not voided. */
#define STANDING_FROM "FROM redemptions r JOIN vouchers v ON v.redemption_id=r.id "
#define STANDING_WHERE "WHERE r.day BETWEEN ?1 AND ?2 AND v.status<>'void' "

typedef struct {
  json_t *by_day; /* {"YYYY-MM-DD": {day, redemptions, quantity, points}} */
  json_t *items;
  int64_t count, quantity, points;
  int64_t parking[4]; /* coupons, hours, free hours, points */
} report;

static int query(sqlite3 *conn, const char *sql, const char *from,
                 const char *to, sqlite3_stmt **st, char *msg) {
  int rc = ctl_db_prepare(conn, sql, st, msg);
  if (rc) return rc;
  sqlite3_bind_text(*st, 1, from, -1, SQLITE_STATIC);
  sqlite3_bind_text(*st, 2, to, -1, SQLITE_STATIC);
  return KERR_OK;
}

static int done(sqlite3 *conn, sqlite3_stmt *st, int step, char *msg) {
  ctl_db_finish(st);
  return step == SQLITE_DONE
             ? KERR_OK
             : kerr_set(msg, KERR_DB, "report: %s", sqlite3_errmsg(conn));
}

static int read_report(sqlite3 *conn, const char *from, const char *to,
                       report *r, char *msg) {
  sqlite3_stmt *st;
  int rc, step, i;
  if ((rc = query(conn,
                  "SELECT r.day, COUNT(*), SUM(r.quantity), "
                  "SUM(r.points_charged) " STANDING_FROM STANDING_WHERE
                  "GROUP BY r.day",
                  from, to, &st, msg)) != 0)
    return rc;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *day = (const char *)sqlite3_column_text(st, 0);
    json_object_set_new(
        r->by_day, day,
        json_pack("{s:s, s:I, s:I, s:I}", "day", day, "redemptions",
                  (json_int_t)sqlite3_column_int64(st, 1), "quantity",
                  (json_int_t)sqlite3_column_int64(st, 2), "points",
                  (json_int_t)sqlite3_column_int64(st, 3)));
    r->count += sqlite3_column_int64(st, 1);
    r->quantity += sqlite3_column_int64(st, 2);
    r->points += sqlite3_column_int64(st, 3);
  }
  if ((rc = done(conn, st, step, msg)) != 0) return rc;

  if ((rc = query(conn,
                  "SELECT r.item_id, i.name_zh, i.name_en, COUNT(*), "
                  "SUM(r.quantity), SUM(r.points_charged) " STANDING_FROM
                  "LEFT JOIN items i ON i.id=r.item_id " STANDING_WHERE
                  "GROUP BY r.item_id ORDER BY 5 DESC, 1",
                  from, to, &st, msg)) != 0)
    return rc;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *zh = (const char *)sqlite3_column_text(st, 1);
    const char *en = (const char *)sqlite3_column_text(st, 2);
    json_array_append_new(
        r->items,
        json_pack("{s:s, s:{s:s, s:s}, s:I, s:I, s:I}", "item_id",
                  (const char *)sqlite3_column_text(st, 0), "name", "zh",
                  zh ? zh : "", "en", en ? en : "", "redemptions",
                  (json_int_t)sqlite3_column_int64(st, 3), "quantity",
                  (json_int_t)sqlite3_column_int64(st, 4), "points",
                  (json_int_t)sqlite3_column_int64(st, 5)));
  }
  if ((rc = done(conn, st, step, msg)) != 0) return rc;

  if ((rc = query(conn,
                  "SELECT COUNT(*), COALESCE(SUM(hours), 0), "
                  "COALESCE(SUM(free_hours_used), 0), "
                  "COALESCE(SUM(points_charged), 0) FROM parking_coupons "
                  "WHERE day BETWEEN ?1 AND ?2",
                  from, to, &st, msg)) != 0)
    return rc;
  if ((step = sqlite3_step(st)) == SQLITE_ROW) {
    for (i = 0; i < 4; i++) r->parking[i] = sqlite3_column_int64(st, i);
    step = SQLITE_DONE;
  }
  return done(conn, st, step, msg);
}

void ctl_reports_route(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  char from[11], to[11];
  int64_t days, noon, i;
  report r;
  json_t *list;
  sqlite3 *conn;
  int rc;

  if (ctl_staff_query_int(req, "days", 14, 1, 366, &days) != 0) return;
  /* Noon steps: a day of 23 or 25 hours cannot skip or repeat a date. */
  noon = ctl_clock_end_of_day(req->now) - DAY_S / 2;
  ctl_clock_day(noon - (days - 1) * DAY_S, from);
  ctl_clock_day(noon, to);
  memset(&r, 0, sizeof r);
  r.by_day = json_object();
  r.items = json_array();
  conn = ctl_db_acquire(env->db);
  rc = ctl_db_read_begin(conn, msg);
  if (rc == 0) {
    rc = read_report(conn, from, to, &r, msg);
    ctl_db_read_end(conn);
  }
  ctl_db_release(env->db, conn);
  if (rc) {
    json_decref(r.by_day);
    json_decref(r.items);
    ctl_req_fail(req, msg);
    return;
  }
  list = json_array();
  for (i = days - 1; i >= 0; i--) {
    char day[11];
    json_t *d;
    ctl_clock_day(noon - i * DAY_S, day);
    d = json_object_get(r.by_day, day);
    json_array_append_new(
        list, d ? json_incref(d)
                : json_pack("{s:s, s:i, s:i, s:i}", "day", day, "redemptions",
                            0, "quantity", 0, "points", 0));
  }
  json_decref(r.by_day);
  ctl_req_json(
      req, 200,
      json_pack("{s:s, s:s, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
                "s:I}}",
                "from", from, "to", to, "days", list, "items", r.items,
                "totals", "redemptions", (json_int_t)r.count, "quantity",
                (json_int_t)r.quantity, "redemption_points",
                (json_int_t)r.points, "parking_coupons",
                (json_int_t)r.parking[0], "parking_hours",
                (json_int_t)r.parking[1], "parking_free_hours",
                (json_int_t)r.parking[2], "parking_points",
                (json_int_t)r.parking[3], "points_spent",
                (json_int_t)(r.points + r.parking[3])));
}
