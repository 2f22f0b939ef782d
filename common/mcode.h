/*
 * mcode: the member code a member shows from the mall's app.
 *
 *   KM1.<member_id>.<tier>.<points>.<issued_unix>.<sig>
 *
 * <sig> is the unpadded base64url Ed25519 signature, by the central's signing
 * key, of every byte before the last dot. member_id is 1..32 of [A-Za-z0-9_-],
 * tier one of standard|silver|gold|diamond, points and issued_unix decimal
 * integers without sign or leading zeros (points ≤ 10^12).
 *
 * Contract: mcode_verify() is the only way the kiosk accepts a code. It checks
 * in this order, and reports the first failure: length and ASCII, the format,
 * the signature, then age against `now` (older than max_age_s: EXPIRED; more
 * than max_future_s ahead: FROM_FUTURE). It never reads past len and never
 * allocates. mcode_sign() is for the central (and tests) only.
 */
#ifndef MCODE_H
#define MCODE_H

#include <stddef.h>
#include <stdint.h>

#define MCODE_MAX_LEN 200
#define MCODE_ID_MAX 32

typedef enum {
  MCODE_OK = 0,
  MCODE_EMPTY,         /* nothing to read */
  MCODE_TOO_LONG,      /* more than MCODE_MAX_LEN bytes */
  MCODE_NOT_ASCII,     /* a byte outside printable ASCII */
  MCODE_NOT_MEMBER,    /* does not start with "KM1." (a URL, a payment code) */
  MCODE_MALFORMED,     /* starts like ours but a field is wrong */
  MCODE_BAD_SIGNATURE, /* well formed, signature does not verify */
  MCODE_EXPIRED,       /* older than max_age_s */
  MCODE_FROM_FUTURE,   /* issued more than max_future_s ahead of now */
} mcode_status;

typedef struct {
  char member_id[MCODE_ID_MAX + 1];
  char tier[16];
  int64_t points;
  int64_t issued;
} mcode_claims;

typedef struct {
  int64_t max_age_s;    /* 120 by default */
  int64_t max_future_s; /* 30 by default */
} mcode_policy;

#define MCODE_POLICY_DEFAULT {120, 30}

/* Parses the format only (no signature, no clock). */
mcode_status mcode_parse(const char *text, size_t len, mcode_claims *out);

mcode_status mcode_verify(const char *text, size_t len,
                          const unsigned char public_key[32], int64_t now,
                          const mcode_policy *policy, mcode_claims *out);

/* Writes a signed code into out (at least MCODE_MAX_LEN + 1 bytes).
 * Returns 0, or KERR_INVALID when the claims are not representable. */
int mcode_sign(const mcode_claims *claims, const unsigned char secret_key[64],
               char *out, size_t outlen);

/* English detail for logs, e.g. "code expired". */
const char *mcode_status_str(mcode_status status);

/* Translation key for the member-facing message, e.g. "scan.error.expired". */
const char *mcode_status_msgid(mcode_status status);

/* 1 if tier is one of the four tier codes. */
int mcode_tier_valid(const char *tier);

#endif
