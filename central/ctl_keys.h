/*
 * ctl_keys: the central's Ed25519 signing key (member codes, vouchers).
 *
 * Contract: ctl_keys_load() reads the 32-byte seed from the database's meta
 * table, generating and storing one on the first start, so codes and vouchers
 * stay valid across restarts. With seed_hex (64 hex digits, the test flag
 * --signing-seed) that key is used instead and nothing is stored: tests and
 * benchmarks can then sign codes of their own (expired ones, for instance).
 * The seed never leaves the process.
 */
#ifndef CTL_KEYS_H
#define CTL_KEYS_H

#include <sqlite3.h>

#include "kerr.h"

typedef struct {
  unsigned char pk[32];
  unsigned char sk[64];
  char pk_b64[48]; /* base64url, no padding */
} ctl_keys;

int ctl_keys_load(sqlite3 *conn, const char *seed_hex, ctl_keys *out,
                  char *msg);

/* Parses 64 hex digits into a 32-byte seed; 0 or KERR_INVALID. */
int ctl_keys_parse_seed(const char *seed_hex, unsigned char seed[32]);

#endif
