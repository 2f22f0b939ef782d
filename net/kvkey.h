/*
 * kvkey: the kiosk's own Ed25519 key, which signs the provisional vouchers it
 * issues while the central cannot be asked (offline.h).
 *
 * The key lives in the state directory as KVKEY_FILE: the 32-byte seed as 64
 * lowercase hex digits and a newline, mode 0600. kvkey_load() creates it on
 * the first start (temporary file, fsync, link: a crash never leaves a half
 * key, and two starts at once end up with the same key) and reads it on every
 * later one. The public half (kvkey.pk_b64, unpadded base64url, 43
 * characters) goes into the central's kiosk table or its flag
 * `--kiosk ID:SECRET:PUBKEY`; `kiosk --voucher-key` prints it.
 *
 * Demo key: kvkey_demo() derives the key from the public seed
 * KVKEY_DEMO_SEED (32 ASCII bytes). `kiosk-central --demo` knows its public
 * half for demo-kiosk, so `kiosk --demo` signs with it. Anybody can sign with
 * it: never run a real mall with --demo.
 *
 * Contract: a file that exists but does not hold exactly one seed is
 * KERR_CONFIG, never silently replaced (the central would refuse every
 * voucher the new key signs). The secret half never leaves the process and
 * is never logged; kvkey_wipe() clears it.
 */
#ifndef KVKEY_H
#define KVKEY_H

#include <stddef.h>

#include "kerr.h"

#define KVKEY_FILE "voucher-key"
#define KVKEY_DEMO_SEED "demo-kiosk voucher key, public!!"
#define KVKEY_SIG_B64 86 /* characters of an unpadded base64url signature */

typedef struct {
  unsigned char pk[32];
  unsigned char sk[64];
  char pk_b64[44];
} kvkey;

/* Reads dir/KVKEY_FILE, creating it (and dir, 0700) on the first start. */
int kvkey_load(const char *dir, kvkey *out, char *msg);

/* The demo kiosk's key (KVKEY_DEMO_SEED). */
void kvkey_demo(kvkey *out);

/* out = head "." base64url(Ed25519(head)); KERR_INVALID when it does not fit
 * in cap bytes. */
int kvkey_sign(const kvkey *k, const char *head, char *out, size_t cap);

/* 1 when code is head "." sig with sig a valid signature by public key pk. */
int kvkey_verify(const unsigned char pk[32], const char *code);

void kvkey_wipe(kvkey *k);

#endif
