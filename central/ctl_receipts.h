/*
 * ctl_receipts: points for a shop's receipt, scanned at the kiosk (自助积分).
 *
 *   KR1.<shop_id>.<receipt_no>.<amount_cents>.<unix>.<sig>
 *
 * shop_id is [A-Za-z0-9]{1,16}, receipt_no [A-Za-z0-9-]{1,32}, amount_cents
 * and unix are decimal; <sig> is the unpadded base64url Ed25519 signature,
 * by the shop's key (shops.public_key), of every byte before the last dot.
 *
 * Contract: POST /v1/receipts/claims {member_id, code} with an
 * Idempotency-Key (ctl_idem). Checked in this order: the code parses, its
 * shop is known and the signature is the shop's (else 422 invalid_receipt);
 * the shop is in this mall (422 receipt_other_mall); the sale is in the
 * shops' sales feed with the same amount and time (422 invalid_receipt); it
 * is at most 7 days old (422 receipt_too_old); the member exists (404
 * not_found); nobody claimed it before (409 receipt_claimed). Then
 *
 *   points = floor(amount_cents * rate * tier * campaign / 10000)
 *
 * in integers, with the category's rate in tenths (dining 10, fashion 15,
 * cinema 20), the member's tier multiplier in tenths from the tier table
 * (ctl_tiers earn_tenths: standard 10, silver 15, gold 20, diamond 20) and
 * campaign 2 while a double-points campaign runs
 * for the shop's category (ctl_campaigns), else 1. The points are earned
 * (reason "earn": they count towards the tier) and the claim is recorded in
 * the same transaction: 201 {points_awarded, points_balance, ...}. One
 * receipt is claimed once, whoever tries and however many at a time.
 *
 * Demo shops get deterministic keys: the Ed25519 seed of shop S is
 * SHA-256("kiosk-demo-shop:" S), so tests can sign receipts of their own.
 * With --demo, GET /v1/demo/receipts lists every unclaimed sale of the feed
 * with its code.
 */
#ifndef CTL_RECEIPTS_H
#define CTL_RECEIPTS_H

#include <sqlite3.h>
#include <stdint.h>

#include "ctl_env.h"
#include "ctl_req.h"

#define CTL_RECEIPTS_MAX_CODE 200
#define CTL_RECEIPTS_MAX_AGE_S (7 * 86400)

/* The demo key pair of shop_id. */
void ctl_receipts_demo_keys(const char *shop_id, unsigned char pk[32],
                            unsigned char sk[64]);

/* Writes the signed code; KERR_INVALID when a part is malformed or out
 * does not hold it. */
int ctl_receipts_sign(const unsigned char sk[64], const char *shop_id,
                      const char *receipt_no, int64_t amount_cents,
                      int64_t sold_at, char *out, size_t cap);

/* The points rule above; -1 for an unknown category or tier. */
int64_t ctl_receipts_points(int64_t amount_cents, const char *category,
                            const char *tier, int64_t campaign_factor);

void ctl_receipts_route_claim(const ctl_env *env, ctl_req *req);
void ctl_receipts_route_demo(const ctl_env *env, ctl_req *req);

#endif
