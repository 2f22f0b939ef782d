/*
 * ctl_engage: what the member-engagement modules share (receipts, streaks,
 * birthday, lottery, donations, offers, recommendations, leaderboard,
 * campaigns): their settings, random ids, and two small readers.
 *
 * Contract: the settings are written by ctl_main from its flags before the
 * HTTP server starts and are read-only afterwards (handlers run on many
 * threads). Every amount of points is an integer; rates and multipliers are
 * kept in tenths so no points are ever computed with floating point.
 */
#ifndef CTL_ENGAGE_H
#define CTL_ENGAGE_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "kerr.h"

/* The mall this central serves: receipts from shops of other malls of the
 * group are refused (receipt_other_mall). */
#define CTL_ENGAGE_MALL "galaxy"

typedef struct {
  int64_t streak_days;     /* a bonus on every streak_days-th day in a row */
  int64_t streak_bonus;    /* its points; 0 = no bonus */
  int64_t lottery_cost;    /* points per draw; 0 = free draws */
  int64_t lottery_per_day; /* draws per member and day; 0 = no limit */
} ctl_engage_conf;

/* The settings (defaults: 3 days / 30 points, 500 points, 5 a day). */
const ctl_engage_conf *ctl_engage_get(void);

/* --streak-bonus DAYS:POINTS, --lottery-cost N, --lottery-per-day N.
 * KERR_INVALID with a message for a malformed value. */
int ctl_engage_set_streak(const char *days_points, char *msg);
int ctl_engage_set_lottery(int64_t cost, int64_t per_day);

/* A fresh random id: prefix + 12 upper-case hex digits, into out[24]. */
void ctl_engage_id(char prefix, char out[24]);

/* {zh, en}; a NULL text reads as "". */
json_t *ctl_engage_text(const char *zh, const char *en);

/* 0 when the member exists, KERR_NOT_FOUND when not, KERR_DB. */
int ctl_engage_member(sqlite3 *conn, const char *member_id, char *msg);

/* Runs a prepared statement that returns no rows; finishes it. */
int ctl_engage_done(sqlite3 *conn, sqlite3_stmt *st, char *msg);

#endif
