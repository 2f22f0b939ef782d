/*
 * ctl_reports: the console's reports (role admin).
 *
 * Contract: GET /v1/staff/reports?days=N (1..366, default 14) covers the
 * last N local days, today included. Redemptions count when their voucher
 * was not voided (a void gives points and stock back, so it never
 * happened): per day (every day of the range, zeros included, oldest
 * first) and per item (most redeemed first). Points spent are the
 * redemptions' points plus the parking coupons' points; parking hours are
 * the hours of the coupons, with the tier's free hours among them.
 */
#ifndef CTL_REPORTS_H
#define CTL_REPORTS_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_reports_route(const ctl_env *env, ctl_req *req);

#endif
