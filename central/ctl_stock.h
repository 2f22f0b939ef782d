/*
 * ctl_stock: the console's catalog and stock editor (role admin).
 *
 * Contract: GET /v1/staff/items lists every item with what an admin may
 * change; PATCH /v1/staff/items/{id} takes any of stock, tier_prices (some or
 * all tiers), valid_from, valid_to, offline_redeemable, checks them (stock
 * and prices 0..1,000,000, valid_from <= valid_to; 400 invalid_request
 * otherwise, 404 not_found for an unknown item) and, in one transaction,
 * writes them, bumps the catalog version (so kiosks see the change through
 * GET /v1/catalog's ETag and the heartbeat's catalog_version) and appends the
 * audit row with the changed fields.
 */
#ifndef CTL_STOCK_H
#define CTL_STOCK_H

#include "ctl_env.h"
#include "ctl_req.h"

void ctl_stock_route_list(const ctl_env *env, ctl_req *req);
void ctl_stock_route_update(const ctl_env *env, ctl_req *req);

#endif
