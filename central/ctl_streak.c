#include "ctl_streak.h"

#include <stdio.h>
#include <string.h>

#include "ctl_clock.h"
#include "ctl_db.h"
#include "ctl_engage.h"
#include "ctl_ledger.h"

#define DAY_S 86400
#define CAL_DAYS 7

int ctl_streak_bonus(sqlite3 *conn, const char *member_id, int64_t streak,
                     int64_t now, const char *idem_key, int64_t *bonus,
                     char *msg) {
  const ctl_engage_conf *c = ctl_engage_get();
  char ref[40], day[11];
  *bonus = 0;
  if (c->streak_bonus <= 0 || streak <= 0 || streak % c->streak_days != 0)
    return KERR_OK;
  ctl_clock_day(now, day);
  snprintf(ref, sizeof ref, "streak:%s:%lld", day, (long long)streak);
  *bonus = c->streak_bonus;
  return ctl_ledger_earn(conn, member_id, c->streak_bonus, "streak_bonus", ref,
                         idem_key, now, ctl_ledger_default_expiry(now), NULL,
                         msg);
}

int ctl_streak_describe(sqlite3 *conn, const char *member_id, int64_t now,
                        int64_t streak, json_t *checkin, char *msg) {
  const ctl_engage_conf *c = ctl_engage_get();
  char days[CAL_DAYS][11];
  int done[CAL_DAYS] = {0};
  json_t *cal;
  sqlite3_stmt *st;
  int i, rc;
  /* Noon keeps each step on its own calendar day across a DST change. */
  int64_t noon = ctl_clock_end_of_day(now) - 12 * 3600;
  for (i = 0; i < CAL_DAYS; i++)
    ctl_clock_day(noon - (int64_t)(CAL_DAYS - 1 - i) * DAY_S, days[i]);
  if ((rc = ctl_db_prepare(conn,
                           "SELECT day FROM checkins WHERE member_id=? AND "
                           "day>=? AND day<=?",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, days[0], -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, days[CAL_DAYS - 1], -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *d = (const char *)sqlite3_column_text(st, 0);
    for (i = 0; i < CAL_DAYS; i++)
      if (d && strcmp(d, days[i]) == 0) done[i] = 1;
  }
  ctl_db_finish(st);
  if (rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  cal = json_array();
  for (i = 0; i < CAL_DAYS; i++)
    json_array_append_new(cal, json_pack("{s:s, s:b}", "date", days[i],
                                         "checked_in", done[i]));
  json_object_set_new(checkin, "calendar", cal);
  json_object_set_new(
      checkin, "bonus",
      json_pack("{s:I, s:I, s:I}", "every_days", (json_int_t)c->streak_days,
                "points", (json_int_t)c->streak_bonus, "next_in_days",
                (json_int_t)(c->streak_days - streak % c->streak_days)));
  return KERR_OK;
}
