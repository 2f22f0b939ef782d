/*
 * ctl_recommend: 猜你喜欢, catalog items ranked for one member.
 *
 * Contract: GET /v1/members/{id}/recommendations[?limit=N] (N 1..20,
 * default 6) answers {member_id, points, items} for a known member (else
 * 404 not_found). Candidates are the items the member could redeem now:
 * inside the validity window, in stock, the member's tier at least the
 * item's minimum, the per-member total limit not reached, and for a flash
 * sale only while it runs with flash stock left. The price p is the
 * member's tier price, lowered by a running offer (ctl_offers). With B the
 * balance, an item is affordable when p <= B and nearly affordable when
 * B < p and 4p <= 5B (at most a quarter more than the balance); others are
 * left out. The score, all in integers:
 *   +40 the item's kind is one of the member's preferred kinds
 *   +15 per redemption (not voided) of the same kind in the last 365 days,
 *       at most 3 of them (+45)
 *   -20 the member redeemed this very item in the last 30 days
 *   +30 affordable, or +10 nearly affordable
 *   +20 * p / B (at most 20; affordable only): gifts that put the balance
 *       to good use come before trinkets
 *   +10 an offer runs on the item
 * Items are ordered by score (highest first), then p (highest first), then
 * id; each carries its score and the reasons that made it (preferred_kind,
 * history, recent_repeat, affordable, nearly_affordable, offer).
 */
#ifndef CTL_RECOMMEND_H
#define CTL_RECOMMEND_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_recommend_route(const ctl_env *env, ctl_req *req);

#endif
