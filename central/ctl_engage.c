#include "ctl_engage.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_db.h"

static ctl_engage_conf conf = {3, 30, 500, 5};

const ctl_engage_conf *ctl_engage_get(void) { return &conf; }

int ctl_engage_set_streak(const char *days_points, char *msg) {
  char *end = NULL;
  long long days = strtoll(days_points, &end, 10), points;
  if (end == days_points || *end != ':' || days < 2 || days > 31)
    return kerr_set(msg, KERR_INVALID,
                    "--streak-bonus wants DAYS:POINTS with DAYS 2..31");
  days_points = end + 1;
  points = strtoll(days_points, &end, 10);
  if (end == days_points || *end || points < 0 || points > 100000)
    return kerr_set(msg, KERR_INVALID,
                    "--streak-bonus wants POINTS 0..100000");
  conf.streak_days = days;
  conf.streak_bonus = points;
  return KERR_OK;
}

int ctl_engage_set_lottery(int64_t cost, int64_t per_day) {
  if (cost < 0 || per_day < 0) return KERR_INVALID;
  conf.lottery_cost = cost;
  conf.lottery_per_day = per_day;
  return KERR_OK;
}

void ctl_engage_id(char prefix, char out[24]) {
  unsigned char rnd[6];
  randombytes_buf(rnd, sizeof rnd);
  snprintf(out, 24, "%c%02X%02X%02X%02X%02X%02X", prefix, rnd[0], rnd[1],
           rnd[2], rnd[3], rnd[4], rnd[5]);
}

json_t *ctl_engage_text(const char *zh, const char *en) {
  return json_pack("{s:s, s:s}", "zh", zh ? zh : "", "en", en ? en : "");
}

int ctl_engage_member(sqlite3 *conn, const char *member_id, char *msg) {
  int64_t n;
  int rc = ctl_db_int(conn, "SELECT COUNT(*) FROM members WHERE id=?",
                      member_id, NULL, 0, &n, msg);
  if (rc) return rc;
  return n ? KERR_OK : kerr_set(msg, KERR_NOT_FOUND, "no member %s", member_id);
}

int ctl_engage_done(sqlite3 *conn, sqlite3_stmt *st, char *msg) {
  int rc = sqlite3_step(st);
  ctl_db_finish(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}
