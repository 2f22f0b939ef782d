/*
 * reqsig: the signature every kiosk request to the central carries.
 *
 *   X-Kiosk-Id:        the kiosk's id
 *   X-Kiosk-Timestamp: unix seconds, decimal
 *   X-Kiosk-Signature: lowercase hex HMAC-SHA256(secret,
 *       METHOD "\n" PATH_WITH_QUERY "\n" TIMESTAMP "\n" hex(SHA-256(body)))
 *
 * Contract: reqsig_sign() writes 64 hex digits and a NUL. reqsig_check()
 * compares in constant time and returns 0 only for a matching signature; the
 * clock skew rule (300 s) is the server's to apply, with reqsig_skew_ok().
 */
#ifndef REQSIG_H
#define REQSIG_H

#include <stddef.h>
#include <stdint.h>

#define REQSIG_HEX_LEN 64
#define REQSIG_MAX_SKEW_S 300

void reqsig_sign(const char *secret, const char *method, const char *path,
                 int64_t timestamp, const void *body, size_t body_len,
                 char out_hex[REQSIG_HEX_LEN + 1]);

/* 0 when signature_hex is the right signature, KERR_DENIED otherwise. */
int reqsig_check(const char *secret, const char *method, const char *path,
                 int64_t timestamp, const void *body, size_t body_len,
                 const char *signature_hex);

/* 1 when |now - timestamp| <= max_skew_s. */
int reqsig_skew_ok(int64_t timestamp, int64_t now, int64_t max_skew_s);

#endif
