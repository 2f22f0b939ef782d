/*
 * ctl_printrec: POST /v1/kiosk/print-records, what happened on paper to a
 * voucher at a kiosk (printed, or failed with the printer's reason; first
 * print or reprint), kept in print_records for the service desk.
 *
 * Contract: kiosk-signed, Idempotency-Key required (ctl_idem: a replay with
 * the same key answers the first answer again and writes nothing, so a
 * record the kiosk's queue sends twice is one row). Body
 *   {voucher_code, outcome: "printed"|"failed", reprint?: bool,
 *    reason?: string (up to 64 bytes), printed_at: unix seconds}
 * Checked in this order: the fields (400 invalid_request naming the field;
 * an outcome other than printed or failed is 400 too); the voucher is known
 * by its code (404 voucher_not_found: an offline voucher not registered yet
 * is unknown too, which is why the kiosk queues its print record behind its
 * redemption, in the same member's order); the voucher went out through
 * this kiosk (409 voucher_other_kiosk). "Through this kiosk" means: the
 * kiosk that registered it (an offline voucher, vouchers.kiosk_id), or the
 * kiosk that made the redemption (redemptions.kiosk_id) or lottery draw
 * (lottery_draws.kiosk_id) that issued it. A voucher whose kiosk the central
 * did not record (a birthday gift, a redemption from before schema 3) may be
 * reported by any authenticated kiosk. The answer is 201 with the record:
 * {id, kiosk_id, voucher_code, outcome, reprint, reason (null when none),
 * printed_at, received_at}. The voucher's own status does not change: a
 * print record is a report, not a state change of the voucher.
 */
#ifndef CTL_PRINTREC_H
#define CTL_PRINTREC_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_printrec_route(const ctl_env *env, ctl_req *req);

#endif
