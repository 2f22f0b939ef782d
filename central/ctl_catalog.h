/*
 * ctl_catalog: the points catalog (items, tier prices, limits, stock), its
 * route with ETag / If-None-Match, and the item images.
 *
 * Contract: GET /v1/catalog answers {version, items} with an ETag that is a
 * hash of the exact body, so any change (stock included) changes it, and
 * answers 304 with no body when If-None-Match carries it. GET
 * /v1/assets/{name} serves a file from the assets folder; names are
 * [A-Za-z0-9_-] plus ".png", anything else is 404 not_found.
 */
#ifndef CTL_CATALOG_H
#define CTL_CATALOG_H

#include <sqlite3.h>
#include <stdint.h>

#include "ctl_env.h"
#include "ctl_req.h"
#include "ctl_tiers.h"

typedef struct {
  char id[33], kind[16], min_tier[16];
  char name_zh[128], name_en[128], pickup_zh[160], pickup_en[160];
  int64_t price[CTL_TIERS_N]; /* points per unit for each tier */
  int64_t stock;
  int64_t limit_per_day, limit_total; /* -1 = no limit */
  int64_t valid_from, valid_to, voucher_days;
  int offline_redeemable;
} ctl_item;

/* KERR_NOT_FOUND for an unknown item. */
int ctl_catalog_item(sqlite3 *conn, const char *id, ctl_item *out, char *msg);

void ctl_catalog_route_list(const ctl_env *env, ctl_req *req);
void ctl_catalog_route_asset(const ctl_env *env, ctl_req *req);

#endif
