/*
 * ctl_checkin: POST /v1/checkins, the daily check-in at a kiosk.
 *
 * Contract: body {member_id}, Idempotency-Key required. The first check-in
 * of a local day answers 201 {points_awarded, streak, points_balance}: 10
 * points, 50 on every 7th day in a row; the streak continues from yesterday
 * or starts at 1; every streak_days-th day in a row adds the streak bonus
 * (ctl_streak), counted in points_awarded and shown as bonus_awarded.
 * Another check-in the same day answers 200 with
 * points_awarded 0 and the same streak. Unknown member: 404 not_found.
 */
#ifndef CTL_CHECKIN_H
#define CTL_CHECKIN_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_checkin_route(const ctl_env *env, ctl_req *req);

#endif
