/*
 * pin: the admin PIN, kept only as a libsodium crypto_pwhash_str string
 * (Argon2id), and the lockout after wrong tries.
 *
 * Five wrong PINs in a row lock the pad for five minutes; while locked no
 * PIN is checked at all (not even the right one), and when the lock runs
 * out the member of staff has five tries again. A right PIN resets the
 * count.
 *
 * Contract: no clock reads: the caller passes monotonic milliseconds, so
 * tests drive time directly. pin_hash() costs about 20 ms and 16 MiB here
 * (PIN_OPSLIMIT, PIN_MEMLIMIT), and so does pin_try() with a hash made by
 * it; a hash string with other limits (made elsewhere) is verified with its
 * own. The lockout lives in memory: a restart ends it (a restart needs the
 * power switch or the admin screen, both behind the mall's doors). A PIN is
 * 4 to 12 digits.
 */
#ifndef PIN_H
#define PIN_H

#include <stddef.h>
#include <stdint.h>

#include "kerr.h"

#define PIN_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define PIN_MAX_TRIES 5
#define PIN_LOCK_MS (5u * 60u * 1000u)
#define PIN_MIN_DIGITS 4
#define PIN_MAX_DIGITS 12
#define PIN_DEMO "2580"

typedef struct pin pin;

typedef enum {
  PIN_OK,      /* right: the pad opens */
  PIN_WRONG,   /* wrong: pin_tries_left() say how many remain */
  PIN_LOCKED,  /* locked now (this try made it so, or it already was) */
  PIN_NOT_SET, /* no hash configured: the admin screen stays closed */
} pin_result;

/* 1 when s is 4 to 12 ASCII digits. */
int pin_well_formed(const char *s);
/* Hashes a PIN (pin_well_formed) into out (PIN_HASH_MAX bytes). */
int pin_hash(const char *pin_text, char *out, char *msg);

/* hash may be NULL or "" (no PIN set). KERR_INVALID when it is not a
 * crypto_pwhash_str string. */
int pin_new(const char *hash, pin **out, char *msg);
void pin_free(pin *p);

pin_result pin_try(pin *p, const char *entered, uint64_t now_ms);
/* 0 when no hash was configured (pin_try says PIN_NOT_SET). */
int pin_is_set(const pin *p);
int pin_tries_left(const pin *p);
/* Milliseconds until the lock ends, 0 when not locked. */
uint64_t pin_locked_for(const pin *p, uint64_t now_ms);

#endif
