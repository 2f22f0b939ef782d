/*
 * ctl_redeem: POST /v1/redemptions, redeem a catalog item for points.
 *
 * Contract: body {member_id, item_id, quantity (1..10, default 1)}, other
 * fields ignored, Idempotency-Key required (ctl_idem). The server enforces,
 * in this order: member and item exist (404 not_found), the item's validity
 * window (409 item_unavailable), its minimum tier (403 tier_required), the
 * member's per-day and total limits, counting redemptions not voided (409
 * limit_reached), stock (409 out_of_stock) and the tier price times quantity
 * against the balance (409 insufficient_points). Success takes stock and
 * points in the same transaction as the voucher and the stored answer:
 * 201 {redemption_id, points_charged, points_balance, voucher}.
 */
#ifndef CTL_REDEEM_H
#define CTL_REDEEM_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_redeem_route(const ctl_env *env, ctl_req *req);

#endif
