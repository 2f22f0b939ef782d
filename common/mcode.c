#include "mcode.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "kerr.h"

#define SIG_B64_LEN 86 /* 64 bytes, base64url without padding */

static const char *const tiers[] = {"standard", "silver", "gold", "diamond"};

int mcode_tier_valid(const char *tier) {
  size_t i;
  for (i = 0; i < sizeof tiers / sizeof tiers[0]; i++)
    if (strcmp(tier, tiers[i]) == 0) return 1;
  return 0;
}

/* Parses a decimal field [s, s+n) without sign or leading zero. */
static int parse_uint(const char *s, size_t n, int64_t max, int64_t *out) {
  int64_t v = 0;
  size_t i;
  if (n == 0 || n > 19 || (n > 1 && s[0] == '0')) return -1;
  for (i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    if (v > (max - (s[i] - '0')) / 10) return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

static int id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

mcode_status mcode_parse(const char *text, size_t len, mcode_claims *out) {
  const char *field[6];
  size_t flen[6], nfields = 0, start = 0, i;

  if (len == 0) return MCODE_EMPTY;
  if (len > MCODE_MAX_LEN) return MCODE_TOO_LONG;
  for (i = 0; i < len; i++)
    if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e)
      return MCODE_NOT_ASCII;
  if (len < 4 || memcmp(text, "KM1.", 4) != 0) return MCODE_NOT_MEMBER;

  for (i = 0; i <= len; i++) {
    if (i == len || text[i] == '.') {
      if (nfields == 6) return MCODE_MALFORMED;
      field[nfields] = text + start;
      flen[nfields] = i - start;
      nfields++;
      start = i + 1;
    }
  }
  if (nfields != 6) return MCODE_MALFORMED;

  memset(out, 0, sizeof *out);
  if (flen[1] == 0 || flen[1] > MCODE_ID_MAX) return MCODE_MALFORMED;
  for (i = 0; i < flen[1]; i++)
    if (!id_char(field[1][i])) return MCODE_MALFORMED;
  memcpy(out->member_id, field[1], flen[1]);

  if (flen[2] >= sizeof out->tier) return MCODE_MALFORMED;
  memcpy(out->tier, field[2], flen[2]);
  out->tier[flen[2]] = '\0';
  if (!mcode_tier_valid(out->tier)) return MCODE_MALFORMED;

  if (parse_uint(field[3], flen[3], 1000000000000LL, &out->points) != 0)
    return MCODE_MALFORMED;
  if (parse_uint(field[4], flen[4], INT64_MAX / 2, &out->issued) != 0)
    return MCODE_MALFORMED;
  if (flen[5] != SIG_B64_LEN) return MCODE_MALFORMED;
  return MCODE_OK;
}

mcode_status mcode_verify(const char *text, size_t len,
                          const unsigned char public_key[32], int64_t now,
                          const mcode_policy *policy, mcode_claims *out) {
  static const mcode_policy defaults = MCODE_POLICY_DEFAULT;
  unsigned char sig[crypto_sign_BYTES];
  size_t sig_len = 0, signed_len;
  const char *last_dot;
  mcode_status st = mcode_parse(text, len, out);

  if (st != MCODE_OK) return st;
  if (!policy) policy = &defaults;
  last_dot = text + len - SIG_B64_LEN - 1;
  signed_len = (size_t)(last_dot - text);
  if (sodium_base642bin(sig, sizeof sig, last_dot + 1, SIG_B64_LEN, NULL,
                        &sig_len, NULL,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      sig_len != sizeof sig)
    return MCODE_MALFORMED;
  if (crypto_sign_verify_detached(sig, (const unsigned char *)text, signed_len,
                                  public_key) != 0)
    return MCODE_BAD_SIGNATURE;
  if (out->issued > now + policy->max_future_s) return MCODE_FROM_FUTURE;
  if (now - out->issued > policy->max_age_s) return MCODE_EXPIRED;
  return MCODE_OK;
}

int mcode_sign(const mcode_claims *claims, const unsigned char secret_key[64],
               char *out, size_t outlen) {
  unsigned char sig[crypto_sign_BYTES];
  char body[MCODE_MAX_LEN + 1];
  int n;
  size_t id_len = strlen(claims->member_id), i;

  if (id_len == 0 || id_len > MCODE_ID_MAX || !mcode_tier_valid(claims->tier) ||
      claims->points < 0 || claims->points > 1000000000000LL ||
      claims->issued < 0)
    return KERR_INVALID;
  for (i = 0; i < id_len; i++)
    if (!id_char(claims->member_id[i])) return KERR_INVALID;
  n = snprintf(body, sizeof body, "KM1.%s.%s.%lld.%lld", claims->member_id,
               claims->tier, (long long)claims->points,
               (long long)claims->issued);
  if (n < 0 || (size_t)n + 1 + SIG_B64_LEN + 1 > outlen ||
      (size_t)n + 1 + SIG_B64_LEN > MCODE_MAX_LEN)
    return KERR_INVALID;
  crypto_sign_detached(sig, NULL, (const unsigned char *)body, (size_t)n,
                       secret_key);
  memcpy(out, body, (size_t)n);
  out[n] = '.';
  sodium_bin2base64(out + n + 1, outlen - (size_t)n - 1, sig, sizeof sig,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return KERR_OK;
}

const char *mcode_status_str(mcode_status status) {
  switch (status) {
  case MCODE_OK: return "ok";
  case MCODE_EMPTY: return "empty code";
  case MCODE_TOO_LONG: return "code too long";
  case MCODE_NOT_ASCII: return "code has non-ASCII bytes";
  case MCODE_NOT_MEMBER: return "not a member code";
  case MCODE_MALFORMED: return "malformed member code";
  case MCODE_BAD_SIGNATURE: return "bad signature";
  case MCODE_EXPIRED: return "code expired";
  case MCODE_FROM_FUTURE: return "code issued in the future";
  }
  return "unknown";
}

const char *mcode_status_msgid(mcode_status status) {
  switch (status) {
  case MCODE_OK: return "scan.ok";
  case MCODE_EXPIRED: return "scan.error.expired";
  case MCODE_FROM_FUTURE: return "scan.error.future";
  case MCODE_NOT_MEMBER: return "scan.error.not_member";
  case MCODE_BAD_SIGNATURE: return "scan.error.forged";
  case MCODE_EMPTY:
  case MCODE_TOO_LONG:
  case MCODE_NOT_ASCII:
  case MCODE_MALFORMED: return "scan.error.invalid";
  }
  return "scan.error.invalid";
}
