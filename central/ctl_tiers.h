/*
 * ctl_tiers: the four membership tiers and what each one gives.
 *
 * Contract: a fixed table in tier order (standard, silver, gold, diamond).
 * The tier a member holds is decided by tier points (points earned in the
 * last 12 months) against the thresholds 0 / 5000 / 20000 / 50000. The JSON
 * builders return new references (the caller owns them).
 *
 * The table is the one source of a tier's earn multiplier: integer tenths
 * (10 / 15 / 20 / 20, i.e. 1x / 1.5x / 2x / 2x), which receipt points
 * (ctl_receipts) multiply by and the benefit texts state. GET /v1/config
 * gives it as earn_multiplier_tenths and, for older clients, as the number
 * earn_multiplier (tenths / 10).
 */
#ifndef CTL_TIERS_H
#define CTL_TIERS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_TIERS_N 4

typedef struct {
  const char *code, *name_zh, *name_en;
  int64_t threshold;
  int64_t earn_tenths; /* earn multiplier in tenths: 15 = 1.5x */
  int parking_free_hours; /* per day */
  const char *benefits[4][2]; /* {zh, en}, NULL-terminated */
} ctl_tier;

const ctl_tier *ctl_tiers_at(int index); /* 0..CTL_TIERS_N-1, else NULL */
int ctl_tiers_index(const char *code);   /* -1 when unknown */
/* The earn multiplier in tenths of the tier named code; -1 when unknown. */
int64_t ctl_tiers_earn_tenths(const char *code);
const ctl_tier *ctl_tiers_for_points(int64_t tier_points);

json_t *ctl_tiers_ref_json(const ctl_tier *t);      /* {code, name:{zh,en}} */
json_t *ctl_tiers_benefits_json(const ctl_tier *t); /* [{zh,en}, ...] */
json_t *ctl_tiers_config_json(void);                /* full table */

#endif
