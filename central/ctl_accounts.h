/*
 * ctl_accounts: the admin's view of the staff accounts (issue 11): list
 * them, disable and enable one. Logins, sessions and the lock are ctl_staff.
 *
 * Contract:
 * - GET /v1/staff/accounts (admin): every account in user order with its
 *   role, state ("active", "locked" until locked_until, or "disabled"),
 *   created_at and how many live sessions it has. Never a password hash.
 * - POST /v1/staff/accounts/{user}/disable and .../enable (admin, CSRF like
 *   every staff change) answer 200 with the account as listed. Disabling
 *   deletes every session of the account in the same transaction, so its
 *   open pages get 401 unauthorized at their next request, and its logins
 *   are refused with 403 account_disabled (only after the right password;
 *   a wrong one is 401 bad_credentials and counts towards the lock).
 *   Enabling clears the disable only (a running lock stays). The account
 *   stays with its audit trail; --staff USER:ROLE:HASH at a restart keeps
 *   the flag. Unknown user: 404 not_found. An admin disabling themself:
 *   409 cannot_disable_self (the last way in must not lock itself out).
 *   Doing it twice is harmless: 200, and only a change is audited
 *   (account_disable / account_enable, target the user, by the acting
 *   admin, in the same transaction).
 */
#ifndef CTL_ACCOUNTS_H
#define CTL_ACCOUNTS_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_accounts_route_list(const ctl_env *env, ctl_req *req);
void ctl_accounts_route_disable(const ctl_env *env, ctl_req *req);
void ctl_accounts_route_enable(const ctl_env *env, ctl_req *req);

#endif
