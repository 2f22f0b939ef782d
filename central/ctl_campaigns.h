/*
 * ctl_campaigns: the mall's campaigns (double-points days, events) for the
 * attract screen's banners, and the double-points factor receipts use.
 *
 * Contract: GET /v1/campaigns answers {server_time, campaigns: [...]} with
 * every campaign that has not ended, running ones first, then by start
 * time: {id, kind (double_points | event), category (a shop category or
 * null = all), title, body, starts_at, ends_at, active}. A campaign runs
 * from starts_at (included) to ends_at (excluded). Double points apply to a
 * receipt when a double_points campaign runs at the time of the claim and
 * its category is null or the shop's; overlapping campaigns never stack
 * beyond 2.
 */
#ifndef CTL_CAMPAIGNS_H
#define CTL_CAMPAIGNS_H

#include <sqlite3.h>
#include <stdint.h>

#include "ctl_env.h"
#include "ctl_req.h"

/* *factor = 2 when double points apply to category at now, else 1; *id =
 * the campaign's id ("" when none), id_cap bytes. */
int ctl_campaigns_factor(sqlite3 *conn, const char *category, int64_t now,
                         int64_t *factor, char *id, size_t id_cap, char *msg);

void ctl_campaigns_route_list(const ctl_env *env, ctl_req *req);

#endif
