#include "pin.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Argon2id with 2 passes over 16 MiB: about 20 ms here, short enough to
 * check a PIN between two frames. A 4-digit PIN cannot resist an offline
 * search of a stolen config whatever the cost; the hash keeps the PIN out of
 * plain sight, the lockout guards the pad. */
#define PIN_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PIN_MEMLIMIT (16u << 20)

struct pin {
  char hash[PIN_HASH_MAX];
  int wrong;             /* wrong tries in a row */
  uint64_t locked_until; /* 0 when not locked */
};

int pin_well_formed(const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n < PIN_MIN_DIGITS || n > PIN_MAX_DIGITS) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

int pin_hash(const char *pin_text, char *out, char *msg) {
  if (!pin_well_formed(pin_text))
    return kerr_set(msg, KERR_INVALID, "a PIN is %d to %d digits",
                    PIN_MIN_DIGITS, PIN_MAX_DIGITS);
  if (sodium_init() < 0)
    return kerr_set(msg, KERR_DEVICE, "libsodium did not initialise");
  if (crypto_pwhash_str(out, pin_text, strlen(pin_text), PIN_OPSLIMIT,
                        PIN_MEMLIMIT) != 0)
    return kerr_set(msg, KERR_NOMEM, "crypto_pwhash_str: out of memory");
  return KERR_OK;
}

int pin_new(const char *hash, pin **out, char *msg) {
  if (hash && *hash &&
      (strlen(hash) >= PIN_HASH_MAX ||
       strncmp(hash, crypto_pwhash_STRPREFIX, strlen(crypto_pwhash_STRPREFIX))))
    return kerr_set(msg, KERR_INVALID,
                    "admin pin_hash is not a %s... string (make one with "
                    "kiosk --hash-pin)",
                    crypto_pwhash_STRPREFIX);
  if (sodium_init() < 0)
    return kerr_set(msg, KERR_DEVICE, "libsodium did not initialise");
  pin *p = calloc(1, sizeof *p);
  if (!p) return kerr_set(msg, KERR_NOMEM, "out of memory");
  if (hash) memcpy(p->hash, hash, strlen(hash) + 1);
  *out = p;
  return KERR_OK;
}

void pin_free(pin *p) {
  if (!p) return;
  sodium_memzero(p, sizeof *p);
  free(p);
}

uint64_t pin_locked_for(const pin *p, uint64_t now_ms) {
  return p->locked_until > now_ms ? p->locked_until - now_ms : 0;
}

int pin_tries_left(const pin *p) { return PIN_MAX_TRIES - p->wrong; }

int pin_is_set(const pin *p) { return p->hash[0] != '\0'; }

pin_result pin_try(pin *p, const char *entered, uint64_t now_ms) {
  if (!p->hash[0]) return PIN_NOT_SET;
  if (p->locked_until) {
    if (now_ms < p->locked_until) return PIN_LOCKED;
    p->locked_until = 0;
    p->wrong = 0;
  }
  /* A malformed entry counts as wrong without spending a hash on it. */
  if (pin_well_formed(entered) &&
      crypto_pwhash_str_verify(p->hash, entered, strlen(entered)) == 0) {
    p->wrong = 0;
    return PIN_OK;
  }
  if (++p->wrong >= PIN_MAX_TRIES) {
    p->locked_until = now_ms + PIN_LOCK_MS;
    return PIN_LOCKED;
  }
  return PIN_WRONG;
}
