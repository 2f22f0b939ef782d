/*
 * ctl_vouchers: the vouchers a redemption hands out, and the service desk's
 * routes to look one up, mark it used, or void it.
 *
 *   KV1.<voucher_id>.<item_id>.<member_id>.<expires_unix>.<sig>
 *
 * <sig> is the unpadded base64url Ed25519 signature, by the central's key,
 * of every byte before the last dot (the same scheme as member codes).
 *
 * Contract: status moves issued -> used | void, each once; an issued voucher
 * past expires_at reads as expired (and can still be voided, so an
 * uncollected gift gives its points back). Voiding refunds the redemption's
 * points to the lots they came from and puts the stock back, in one
 * transaction; refunded points keep their lots' expiry dates, so points of a
 * lot that has expired meanwhile expire again at once. A code that does not verify is 422 invalid_code; one that
 * verifies but is unknown is 404 not_found; a second use or void is 409 with
 * voucher_used, voucher_void or voucher_expired. Offline vouchers (below)
 * answer with offline: true, issued_by (the kiosk), issued_at and
 * void_reason (the central's refusal, null otherwise); an offline code not
 * registered yet is 404 not_found (its redemption may still be queued).
 */
#ifndef CTL_VOUCHERS_H
#define CTL_VOUCHERS_H

#include <jansson.h>
#include <sqlite3.h>

#include "ctl_env.h"
#include "ctl_req.h"

/* Inside a write transaction: creates the voucher and returns
 * {code, expires_at, pickup:{zh,en}} in *out. */
int ctl_vouchers_issue(const ctl_env *env, sqlite3 *conn,
                       const char *redemption_id, const char *item_id,
                       const char *member_id, int64_t quantity,
                       int64_t expires_at, const char *pickup_zh,
                       const char *pickup_en, json_t **out, char *msg);

/* 1 when code is a KV1 code with a valid signature of this central. */
int ctl_vouchers_verify(const ctl_env *env, const char *code);

/* Offline vouchers: the same KV1 shape with a voucher id of "O" and 12
 * uppercase hex digits, signed by the issuing kiosk's voucher key
 * (ctl_env_kiosk_voucher_key). The fields of such a code, without checking
 * the signature: 0 or KERR_INVALID. */
typedef struct {
  char voucher_id[16], item_id[33], member_id[33];
  int64_t expires_at;
} ctl_voucher_fields;
int ctl_vouchers_offline_fields(const char *code, ctl_voucher_fields *out);

/* 1 when code carries a valid Ed25519 signature by pk (a kiosk's key). */
int ctl_vouchers_check_signed(const unsigned char pk[32], const char *code);

/* Any voucher code the desk may look up, on conn: 0 when it is the
 * central's, or a registered offline voucher whose kiosk's key signed it;
 * KERR_NOT_FOUND for an offline code not registered (yet: it may still be
 * queued at its kiosk); KERR_INVALID when it does not verify; KERR_DB. */
int ctl_vouchers_check(const ctl_env *env, sqlite3 *conn, const char *code);

/* Inside a write transaction: registers a kiosk's offline voucher under its
 * own code (fields from ctl_vouchers_offline_fields, signature checked by
 * the caller), issued for redemption_id, or void with void_reason when the
 * redemption was refused (redemption_id ""). For an issued one *out gets
 * {code, expires_at, pickup:{zh,en}, offline: true}. */
int ctl_vouchers_register(sqlite3 *conn, const char *code,
                          const ctl_voucher_fields *f, int64_t quantity,
                          const char *kiosk_id, int64_t issued_at,
                          const char *redemption_id, const char *void_reason,
                          int64_t now, const char *pickup_zh,
                          const char *pickup_en, json_t **out, char *msg);

/* Inside the caller's write transaction: marks voucher `code` used (to_void
 * 0) or void (points and stock back). Returns 1 when it changed (req holds
 * the 200 answer), 0 when refused (req holds the 4xx), -1 on failure (req
 * holds a 500; the caller must not commit). */
int ctl_vouchers_change(const ctl_env *env, sqlite3 *conn, ctl_req *req,
                        const char *code, int to_void);

void ctl_vouchers_route_get(const ctl_env *env, ctl_req *req);
void ctl_vouchers_route_use(const ctl_env *env, ctl_req *req);
void ctl_vouchers_route_void(const ctl_env *env, ctl_req *req);

#endif
