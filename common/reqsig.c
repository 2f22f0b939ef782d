#include "reqsig.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "kerr.h"

static void mac(const char *secret, const char *method, const char *path,
                int64_t timestamp, const void *body, size_t body_len,
                unsigned char out[crypto_auth_hmacsha256_BYTES]) {
  unsigned char body_hash[crypto_hash_sha256_BYTES];
  char body_hex[crypto_hash_sha256_BYTES * 2 + 1];
  char ts[24];
  crypto_auth_hmacsha256_state st;

  crypto_hash_sha256(body_hash, body ? body : (const void *)"", body_len);
  sodium_bin2hex(body_hex, sizeof body_hex, body_hash, sizeof body_hash);
  snprintf(ts, sizeof ts, "%lld", (long long)timestamp);

  crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)method, strlen(method));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)path, strlen(path));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
  crypto_auth_hmacsha256_update(&st, (const unsigned char *)body_hex, strlen(body_hex));
  crypto_auth_hmacsha256_final(&st, out);
  sodium_memzero(&st, sizeof st);
}

void reqsig_sign(const char *secret, const char *method, const char *path,
                 int64_t timestamp, const void *body, size_t body_len,
                 char out_hex[REQSIG_HEX_LEN + 1]) {
  unsigned char m[crypto_auth_hmacsha256_BYTES];
  mac(secret, method, path, timestamp, body, body_len, m);
  sodium_bin2hex(out_hex, REQSIG_HEX_LEN + 1, m, sizeof m);
}

int reqsig_check(const char *secret, const char *method, const char *path,
                 int64_t timestamp, const void *body, size_t body_len,
                 const char *signature_hex) {
  unsigned char want[crypto_auth_hmacsha256_BYTES];
  unsigned char got[crypto_auth_hmacsha256_BYTES];
  size_t got_len = 0;
  const char *end = NULL;

  if (!signature_hex || strlen(signature_hex) != REQSIG_HEX_LEN)
    return KERR_DENIED;
  if (sodium_hex2bin(got, sizeof got, signature_hex, REQSIG_HEX_LEN, NULL,
                     &got_len, &end) != 0 || got_len != sizeof got)
    return KERR_DENIED;
  mac(secret, method, path, timestamp, body, body_len, want);
  return sodium_memcmp(want, got, sizeof want) == 0 ? KERR_OK : KERR_DENIED;
}

int reqsig_skew_ok(int64_t timestamp, int64_t now, int64_t max_skew_s) {
  /* Compared without subtracting the two: a timestamp near INT64_MIN from a
   * request would overflow now - timestamp. */
  return timestamp >= now - max_skew_s && timestamp <= now + max_skew_s;
}
