/*
 * ctl_parking: the simulated car park and parking coupons.
 *
 * Contract: the cars table holds the cars in the lot and their entry times
 * (demo data seeds some). A stay is billed per started hour after 15 free
 * minutes at env->parking_fee_per_hour yuan; coupons bought during the stay
 * take hours off. GET /v1/parking/sessions/{plate}: 422 invalid_plate for a
 * malformed plate (ctl_plate), 404 not_found when the car is not in the lot,
 * else {plate, entered_at, minutes, hours_billable, hours_covered,
 * hours_due, fee_per_hour, fee_due}. POST /v1/parking/coupons {member_id,
 * plate, hours} (Idempotency-Key required) pays with the tier's free hours
 * left today first, then env->parking_points_per_hour points per hour; more
 * hours than the stay still needs is 409 limit_reached, too few points 409
 * insufficient_points; 201 {coupon_id, plate, hours, free_hours_used,
 * points_charged, points_balance, valid_until, fee_due}.
 */
#ifndef CTL_PARKING_H
#define CTL_PARKING_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_parking_route_session(const ctl_env *env, ctl_req *req);
void ctl_parking_route_coupon(const ctl_env *env, ctl_req *req);

#endif
