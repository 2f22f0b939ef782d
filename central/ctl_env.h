/*
 * ctl_env: what every route handler may use: the database pool, the signing
 * key, the known kiosks and the server's settings.
 *
 * Contract: filled once by ctl_main before the HTTP server starts and
 * read-only afterwards (handlers run on many threads at once).
 */
#ifndef CTL_ENV_H
#define CTL_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "ctl_db.h"
#include "ctl_keys.h"

#define CTL_ENV_MAX_KIOSKS 64

typedef struct {
  char id[65];
  char secret[129];
} ctl_kiosk;

typedef struct {
  ctl_db *db;
  ctl_keys keys;
  int demo;
  ctl_kiosk kiosks[CTL_ENV_MAX_KIOSKS];
  size_t nkiosks;
  const char *assets_dir;       /* catalog images */
  int64_t parking_fee_per_hour; /* yuan, for the fee shown */
  int64_t parking_points_per_hour;
} ctl_env;

/* The kiosk's secret from the --kiosk flags, else the kiosks table; copies
 * it into secret (cap bytes). 0, KERR_NOT_FOUND or KERR_DB. */
int ctl_env_kiosk_secret(const ctl_env *env, const char *kiosk_id,
                         char *secret, size_t cap);

/* Adds ID:SECRET; KERR_INVALID on a malformed entry or a full table. */
int ctl_env_add_kiosk(ctl_env *env, const char *id_secret, char *msg);

#endif
