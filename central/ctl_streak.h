/*
 * ctl_streak: the check-in streak's bonus (连续打卡) and the streak calendar
 * the member home and the check-in screen show.
 *
 * Contract: a check-in that makes the streak a multiple of streak_days
 * (ctl_engage settings, default 3) earns streak_bonus points more (default
 * 30; 0 turns the bonus off), as its own ledger row (reason streak_bonus) in
 * the check-in's transaction. The calendar is the last 7 local days, oldest
 * first, each {date, checked_in}; the bonus info is {every_days, points,
 * next_in_days}: how many more check-ins, today's included when it is not
 * done yet, until the next bonus.
 */
#ifndef CTL_STREAK_H
#define CTL_STREAK_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "kerr.h"

/* Inside the check-in's write transaction, after today's row with the new
 * streak: earns the bonus when due; *bonus = the points (0 when none). */
int ctl_streak_bonus(sqlite3 *conn, const char *member_id, int64_t streak,
                     int64_t now, const char *idem_key, int64_t *bonus,
                     char *msg);

/* Sets "calendar" and "bonus" on the profile's checkin object. */
int ctl_streak_describe(sqlite3 *conn, const char *member_id, int64_t now,
                        int64_t streak, json_t *checkin, char *msg);

#endif
