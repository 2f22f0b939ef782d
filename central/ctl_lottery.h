/*
 * ctl_lottery: the points lottery (积分抽奖). The central draws, never the
 * kiosk, and every draw is kept for audit.
 *
 * Contract: GET /v1/lottery answers {cost, per_day, total_weight, prizes}
 * with each prize {id, kind (voucher | points | thanks), name, points,
 * weight, odds_ppm, remaining (null = unlimited), in_stock}; odds_ppm is the
 * prize's chance in millionths among the prizes in stock now.
 *
 * POST /v1/lottery/draws {member_id} with an Idempotency-Key: unknown
 * member 404 not_found; more than per_day draws a local day 409
 * limit_reached; fewer points than the cost 409 insufficient_points. The
 * server takes the cost, then draws r = randombytes_uniform(W) with W the
 * sum of the weights of the prizes in stock (weight > 0, stock null or
 * > 0), and walks the prizes in their order: the first whose running sum of
 * weights exceeds r wins. A prize with stock loses one unit (never below
 * zero: the draws are serialised writers); a points prize is earned (reason
 * lottery); a voucher prize issues a voucher (ctl_vouchers). The draw, r and
 * W go into lottery_draws (append-only) in the same transaction: 201
 * {draw_id, prize, points_charged, points_awarded, points_balance,
 * voucher (null unless a voucher prize)}. A replay of the key answers the
 * same prize. With nothing in stock, no thanks prize included: 409
 * out_of_stock.
 */
#ifndef CTL_LOTTERY_H
#define CTL_LOTTERY_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_lottery_route_get(const ctl_env *env, ctl_req *req);
void ctl_lottery_route_draw(const ctl_env *env, ctl_req *req);

#endif
