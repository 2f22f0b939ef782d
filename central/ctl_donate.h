/*
 * ctl_donate: donating points to the mall's charity projects (公益积分).
 *
 * Contract: GET /v1/charities answers {mall_total_points, donors,
 * charities} with each project {id, name, description, goal_points,
 * donated_points, donors}. POST /v1/donations {member_id, charity_id,
 * points (10..100000)} with an Idempotency-Key: bad fields 400
 * invalid_request, unknown member or charity 404 not_found, fewer points
 * than given 409 insufficient_points. The points are spent (reason donate)
 * and the donation recorded in one transaction: 201 {donation_id (the
 * thank-you slip's number), charity_id, charity_name, points,
 * points_balance, charity_total_points, mall_total_points}.
 */
#ifndef CTL_DONATE_H
#define CTL_DONATE_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_donate_route_charities(const ctl_env *env, ctl_req *req);
void ctl_donate_route_donate(const ctl_env *env, ctl_req *req);

#endif
