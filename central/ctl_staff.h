/*
 * ctl_staff: the web console's staff accounts, sessions, CSRF tokens, roles,
 * lockout and audit log. Staff logins are separate from kiosk signatures.
 *
 * Contract:
 * - Passwords are kept only as libsodium crypto_pwhash_str() strings
 *   (Argon2id, interactive limits); ctl_staff_hash() makes one
 *   (kiosk-central --hash-password). Roles are "desk" and "admin".
 * - Login (POST /v1/staff/login, JSON only): a wrong password or an unknown
 *   user is 401 bad_credentials after the same hashing work. Five wrong
 *   passwords in a row lock the account for five minutes: the fifth and every
 *   attempt until then, right or wrong, is 429 account_locked. A right
 *   password resets the count. The right password of an account an admin
 *   has disabled (ctl_accounts) is 403 account_disabled.
 * - A session is a random 256-bit id in the cookie kc_staff (HttpOnly,
 *   SameSite=Strict, Path=/v1/staff); the database keeps only its SHA-256,
 *   so a copy of the database opens no session. It ends 12 h after login, 30
 *   minutes after its last request, or at logout. Sessions live in the
 *   database and survive a restart.
 * - Every session has a CSRF token (given at login and by GET
 *   /v1/staff/session); every staff request but GET must carry it in
 *   X-CSRF-Token. SameSite=Strict already keeps the cookie off cross-site
 *   requests; the token is the second lock.
 * - ctl_staff_check() guards every staff route: 401 unauthorized without a
 *   live session (a disabled account has none), 403 csrf_failed without the right token, 403 forbidden when
 *   the route is admin-only. On success req->staff_user and staff_role are
 *   set. Staff answers are never cached (req->staff, ctl_staff_headers).
 * - ctl_staff_audit() appends a row (time, user, action, target, detail) in
 *   the caller's write transaction, so an action and its audit row are kept
 *   or lost together. The audit table is append-only (triggers).
 */
#ifndef CTL_STAFF_H
#define CTL_STAFF_H

#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>

#include "ctl_env.h"
#include "ctl_req.h"

#define CTL_STAFF_USER_MAX 32
#define CTL_STAFF_MAX_FAILURES 5
#define CTL_STAFF_LOCK_S 300
#define CTL_STAFF_SESSION_S (12 * 3600)
#define CTL_STAFF_IDLE_S 1800

/* out gets a crypto_pwhash_str string. KERR_INVALID for an empty or over
 * 128-byte password, KERR_NOMEM when Argon2 cannot get its memory. */
int ctl_staff_hash(const char *password, char out[crypto_pwhash_STRBYTES],
                   char *msg);

/* Checks USER:ROLE:HASH (the --staff flag) without touching anything. */
int ctl_staff_parse(const char *arg, char *msg);
/* Creates or replaces the account USER:ROLE:HASH. */
int ctl_staff_add(ctl_db *db, const char *arg, int64_t now, char *msg);
/* Adds desk/desk-demo and admin/admin-demo unless those users exist. */
int ctl_staff_seed_demo(ctl_db *db, int64_t now, char *msg);

/* Marks session cookies Secure (the console is served through TLS). */
void ctl_staff_secure_cookies(int on);

/* admin: the route needs role admin. 0, or -1 with req answered. */
int ctl_staff_check(const ctl_env *env, ctl_req *req, int admin);

/* Header name/value pairs for every console answer, NULL-terminated. */
const char *const *ctl_staff_headers(void);

int ctl_staff_audit(sqlite3 *conn, const char *user, int64_t at,
                    const char *action, const char *target,
                    const char *detail, char *msg);

void ctl_staff_route_login(const ctl_env *env, ctl_req *req);
void ctl_staff_route_logout(const ctl_env *env, ctl_req *req);
void ctl_staff_route_session(const ctl_env *env, ctl_req *req);
/* GET /v1/staff/audit?limit=N (admin): newest first. */
void ctl_staff_route_audit(const ctl_env *env, ctl_req *req);

/* An integer query parameter of req->path_query; fallback when absent. -1
 * with a 400 invalid_request answered when it is not in [min, max]. */
int ctl_staff_query_int(ctl_req *req, const char *name, int64_t fallback,
                        int64_t min, int64_t max, int64_t *out);

#endif
