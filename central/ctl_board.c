#include "ctl_board.h"

#include <stdio.h>
#include <time.h>

#include "ctl_members.h"
#include "ctl_staff.h"
#include "mask.h"

/* First second of the local month of t, and of the next month. */
static void month_bounds(int64_t t, int64_t *from, int64_t *to, char name[8]) {
  struct tm tm;
  time_t tt = (time_t)t;
  localtime_r(&tt, &tm);
  snprintf(name, 8, "%04u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
           (unsigned)(tm.tm_mon + 1) % 100u);
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  *from = (int64_t)mktime(&tm);
  tm.tm_mon += 1;
  tm.tm_isdst = -1;
  *to = (int64_t)mktime(&tm);
}

static int entries(sqlite3 *conn, int64_t from, int64_t to, int64_t now,
                   int64_t limit, json_t *out, char *msg) {
  sqlite3_stmt *st;
  int64_t last = -1, pos = 0, rank = 0;
  int rc = ctl_db_prepare(
      conn,
      "SELECT m.id, m.name, SUM(l.delta) AS pts FROM member_prefs p JOIN "
      "members m ON m.id=p.member_id JOIN ledger l ON l.member_id=m.id WHERE "
      "p.leaderboard_opt_in=1 AND l.created_at>=?1 AND l.created_at<?2 AND "
      "l.delta>0 AND l.reason IN ('earn', 'checkin', 'streak_bonus', "
      "'lottery') GROUP BY m.id ORDER BY pts DESC, m.id LIMIT ?3",
      &st, msg);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, from);
  sqlite3_bind_int64(st, 2, to);
  sqlite3_bind_int64(st, 3, limit);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const ctl_tier *tier;
    char masked[128];
    int64_t pts = sqlite3_column_int64(st, 2);
    pos++;
    if (pts != last) rank = pos;
    last = pts;
    if ((rc = ctl_members_tier(conn, (const char *)sqlite3_column_text(st, 0),
                               now, &tier, msg)) != 0)
      break;
    mask_name((const char *)sqlite3_column_text(st, 1), masked, sizeof masked);
    json_array_append_new(
        out, json_pack("{s:I, s:s, s:o, s:I}", "rank", (json_int_t)rank,
                       "name_masked", masked, "tier", ctl_tiers_ref_json(tier),
                       "points", (json_int_t)pts));
  }
  ctl_db_finish(st);
  if (rc < 0) return rc;
  if (rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}

void ctl_board_route(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  json_t *list;
  int64_t limit, from, to;
  char month[8];
  sqlite3 *conn;
  int rc;
  if (ctl_staff_query_int(req, "limit", 10, 1, 50, &limit) != 0) return;
  month_bounds(req->now, &from, &to, month);
  list = json_array();
  conn = ctl_db_acquire(env->db);
  rc = ctl_db_read_begin(conn, msg);
  if (rc == 0) {
    rc = entries(conn, from, to, req->now, limit, list, msg);
    ctl_db_read_end(conn);
  }
  ctl_db_release(env->db, conn);
  if (rc) {
    json_decref(list);
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200,
               json_pack("{s:s, s:I, s:I, s:o}", "month", month, "from",
                         (json_int_t)from, "to", (json_int_t)to, "entries",
                         list));
}
