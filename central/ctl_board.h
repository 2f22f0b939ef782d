/*
 * ctl_board: this month's leaderboard (积分排行榜) for the attract screen.
 *
 * Contract: GET /v1/leaderboard[?limit=N] (N 1..50, default 10) answers
 * {month (YYYY-MM, local), from, to, entries} with the members who opted in
 * (member_prefs.leaderboard_opt_in) and earned points this calendar month,
 * most first: points are the sum of the month's credits from purchases and
 * receipts (earn), check-ins and their streak bonuses, and lottery wins;
 * refunds and expiries do not count. Each entry {rank, name_masked, tier,
 * points}: never a member id, a full name or a phone number. Equal points
 * share a rank (1, 2, 2, 4); ties are listed by member id.
 */
#ifndef CTL_BOARD_H
#define CTL_BOARD_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_board_route(const ctl_env *env, ctl_req *req);

#endif
