/*
 * ctl_birthday: the birthday gift (生日礼), claimed once a year at a kiosk
 * in the member's birthday month.
 *
 * Contract: POST /v1/birthday/claims {member_id} with an Idempotency-Key.
 * Unknown member: 404 not_found; outside the birthday month: 409
 * not_birthday_month; a second claim in the same year: 409
 * birthday_claimed. Otherwise a voucher for the gift (item id BDAY, valid 30
 * days, collected at the service desk) is issued in the same transaction as
 * the claim: 201 {gift, voucher, birthday_gift_claimed: true}. The profile's
 * birthday_gift_claimed says whether this year's gift was claimed.
 */
#ifndef CTL_BIRTHDAY_H
#define CTL_BIRTHDAY_H

#include <sqlite3.h>
#include <stdint.h>

#include "ctl_env.h"
#include "ctl_req.h"

#define CTL_BIRTHDAY_ITEM "BDAY"

/* *claimed = 1 when this year's gift was claimed. */
int ctl_birthday_claimed(sqlite3 *conn, const char *member_id, int64_t now,
                         int *claimed, char *msg);

void ctl_birthday_route_claim(const ctl_env *env, ctl_req *req);

#endif
