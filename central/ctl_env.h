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
  unsigned char voucher_pk[32]; /* signs its offline vouchers (net/kvkey.h) */
  int has_voucher_pk;
} ctl_kiosk;

/* demo-kiosk's voucher key is the Ed25519 key of these 32 public ASCII
 * bytes, the same seed as KVKEY_DEMO_SEED in net/kvkey.h, so `kiosk --demo`
 * and `kiosk-central --demo` agree without any setup. */
#define CTL_ENV_DEMO_VOUCHER_SEED "demo-kiosk voucher key, public!!"

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

/* Adds ID:SECRET or ID:SECRET:VOUCHER_PUBKEY (the kiosk's offline voucher
 * key, 43 characters of unpadded base64url: `kiosk --voucher-key` prints
 * it); KERR_INVALID on a malformed entry or a full table. A third field is
 * only taken as a key when it decodes to exactly 32 bytes, so a secret that
 * itself holds a colon still works as before. */
int ctl_env_add_kiosk(ctl_env *env, const char *id_secret, char *msg);

/* Gives demo-kiosk (added before) its public demo voucher key. */
void ctl_env_demo_voucher_key(ctl_env *env);

/* The public key kiosk_id signs its offline vouchers with, from the flags,
 * else the kiosks table's voucher_key column (read on conn). 0,
 * KERR_NOT_FOUND (unknown kiosk or no key) or KERR_DB. */
int ctl_env_kiosk_voucher_key(const ctl_env *env, sqlite3 *conn,
                              const char *kiosk_id, unsigned char pk[32]);

#endif
