#include "ctl_staff.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"

#define PASSWORD_MAX 128
#define TOKEN_LEN 43 /* 32 random bytes, unpadded base64url */
#define TOUCH_EVERY_S 60
#define COOKIE "kc_staff"

typedef struct {
  char user[CTL_STAFF_USER_MAX + 1], role[8], csrf[TOKEN_LEN + 1];
  int64_t expires_at, last_seen;
} session;

static int secure_cookies;

void ctl_staff_secure_cookies(int on) { secure_cookies = on; }

const char *const *ctl_staff_headers(void) {
  static const char *const headers[] = {
      "Cache-Control", "no-store",
      "X-Content-Type-Options", "nosniff",
      "X-Frame-Options", "DENY",
      "Referrer-Policy", "no-referrer",
      /* Nothing may load from elsewhere, and no inline script runs. */
      "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data:; style-src 'self'; "
      "script-src 'self'; connect-src 'self'; object-src 'none'; "
      "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
      NULL, NULL};
  return headers;
}

int ctl_staff_hash(const char *password, char out[crypto_pwhash_STRBYTES],
                   char *msg) {
  size_t n = strlen(password);
  if (n == 0 || n > PASSWORD_MAX)
    return kerr_set(msg, KERR_INVALID, "a password is 1 to %d bytes",
                    PASSWORD_MAX);
  if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return kerr_set(msg, KERR_NOMEM, "crypto_pwhash_str: out of memory");
  return KERR_OK;
}

static int user_ok(const char *s, size_t n) {
  size_t i;
  if (n == 0 || n > CTL_STAFF_USER_MAX) return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return 0;
  }
  return 1;
}

/* Splits USER:ROLE:HASH into the caller's buffers. */
static int split(const char *arg, char *user, char *role, const char **hash,
                 char *msg) {
  const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
  size_t un, rn;
  if (!c2) return kerr_set(msg, KERR_INVALID, "--staff wants USER:ROLE:HASH");
  un = (size_t)(c1 - arg);
  rn = (size_t)(c2 - c1 - 1);
  if (!user_ok(arg, un))
    return kerr_set(msg, KERR_INVALID,
                    "--staff: user must be 1-%d of [A-Za-z0-9._-]",
                    CTL_STAFF_USER_MAX);
  if (!((rn == 4 && memcmp(c1 + 1, "desk", 4) == 0) ||
        (rn == 5 && memcmp(c1 + 1, "admin", 5) == 0)))
    return kerr_set(msg, KERR_INVALID, "--staff: role is desk or admin");
  if (strncmp(c2 + 1, "$argon2", 7) != 0 ||
      strlen(c2 + 1) >= crypto_pwhash_STRBYTES)
    return kerr_set(msg, KERR_INVALID,
                    "--staff: HASH is what kiosk-central --hash-password "
                    "prints");
  memcpy(user, arg, un);
  user[un] = '\0';
  memcpy(role, c1 + 1, rn);
  role[rn] = '\0';
  *hash = c2 + 1;
  return KERR_OK;
}

int ctl_staff_parse(const char *arg, char *msg) {
  char user[CTL_STAFF_USER_MAX + 1], role[8];
  const char *hash;
  return split(arg, user, role, &hash, msg);
}

static int upsert(sqlite3 *conn, const char *user, const char *role,
                  const char *hash, int64_t now, int replace, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(
      conn,
      replace ? "INSERT INTO staff(user, role, hash, created_at) "
                "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(user) DO UPDATE SET "
                "role=excluded.role, hash=excluded.hash"
              : "INSERT OR IGNORE INTO staff(user, role, hash, created_at) "
                "VALUES(?1, ?2, ?3, ?4)",
      &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, now);
  rc = sqlite3_step(st) == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "staff %s: %s", user, sqlite3_errmsg(conn));
  ctl_db_finish(st);
  return rc;
}

static int write_one(ctl_db *db, const char *user, const char *role,
                     const char *hash, int64_t now, int replace, char *msg) {
  sqlite3 *conn;
  int rc = ctl_db_write_begin(db, &conn, msg), end;
  if (rc) return rc;
  rc = upsert(conn, user, role, hash, now, replace, msg);
  end = ctl_db_write_end(db, conn, rc == 0, rc ? NULL : msg);
  return rc ? rc : end;
}

int ctl_staff_add(ctl_db *db, const char *arg, int64_t now, char *msg) {
  char user[CTL_STAFF_USER_MAX + 1], role[8];
  const char *hash;
  int rc = split(arg, user, role, &hash, msg);
  return rc ? rc : write_one(db, user, role, hash, now, 1, msg);
}

int ctl_staff_seed_demo(ctl_db *db, int64_t now, char *msg) {
  static const char *const demo[][3] = {{"desk", "desk", "desk-demo"},
                                        {"admin", "admin", "admin-demo"}};
  size_t i;
  for (i = 0; i < sizeof demo / sizeof demo[0]; i++) {
    char hash[crypto_pwhash_STRBYTES];
    int64_t n;
    sqlite3 *conn = ctl_db_acquire(db);
    int rc = ctl_db_int(conn, "SELECT COUNT(*) FROM staff WHERE user=?",
                        demo[i][0], NULL, 0, &n, msg);
    ctl_db_release(db, conn);
    /* Hashing is deliberately slow: only when the account is missing. */
    if (rc == 0 && n == 0 && (rc = ctl_staff_hash(demo[i][2], hash, msg)) == 0)
      rc = write_one(db, demo[i][0], demo[i][1], hash, now, 0, msg);
    if (rc) return rc;
  }
  return KERR_OK;
}

int ctl_staff_audit(sqlite3 *conn, const char *user, int64_t at,
                    const char *action, const char *target,
                    const char *detail, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "INSERT INTO staff_audit(at, user, action, target, "
                          "detail) VALUES(?, ?, ?, ?, ?)",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, at);
  sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
  if (target) sqlite3_bind_text(st, 4, target, -1, SQLITE_STATIC);
  if (detail) sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
  rc = sqlite3_step(st) == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "audit: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  return rc;
}

static void token(char out[TOKEN_LEN + 1]) {
  unsigned char rnd[32];
  randombytes_buf(rnd, sizeof rnd);
  sodium_bin2base64(out, TOKEN_LEN + 1, rnd, sizeof rnd,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(rnd, sizeof rnd);
}

static void id_hash(const char *id, char hex[65]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, (const unsigned char *)id, strlen(id));
  sodium_bin2hex(hex, 65, h, sizeof h);
}

/* The session cookie's id, hashed; -1 when there is no well-formed one. */
static int cookie_hash(const char *cookie, char hex[65]) {
  const char *p = cookie;
  while (p && *p) {
    size_t n;
    while (*p == ' ' || *p == ';') p++;
    n = strcspn(p, ";");
    if (n == sizeof COOKIE + TOKEN_LEN &&
        memcmp(p, COOKIE "=", sizeof COOKIE) == 0) {
      char id[TOKEN_LEN + 1];
      size_t i;
      memcpy(id, p + sizeof COOKIE, TOKEN_LEN);
      id[TOKEN_LEN] = '\0';
      for (i = 0; i < TOKEN_LEN; i++)
        if (!user_ok(id + i, 1) || id[i] == '.') return -1;
      id_hash(id, hex);
      return 0;
    }
    p += n;
  }
  return -1;
}

static void set_cookie(ctl_req *req, const char *id, int max_age) {
  snprintf(req->set_cookie, sizeof req->set_cookie,
           COOKIE "=%s; Path=/v1/staff; Max-Age=%d; HttpOnly; "
                  "SameSite=Strict%s",
           id, max_age, secure_cookies ? "; Secure" : "");
}

static int lookup(sqlite3 *conn, const char *hash, session *s, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT s.user, u.role, s.csrf, s.expires_at, "
                          "s.last_seen FROM staff_sessions s JOIN staff u "
                          "ON u.user=s.user WHERE s.id_hash=? "
                          "AND u.disabled=0",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    snprintf(s->user, sizeof s->user, "%s", sqlite3_column_text(st, 0));
    snprintf(s->role, sizeof s->role, "%s", sqlite3_column_text(st, 1));
    snprintf(s->csrf, sizeof s->csrf, "%s", sqlite3_column_text(st, 2));
    s->expires_at = sqlite3_column_int64(st, 3);
    s->last_seen = sqlite3_column_int64(st, 4);
    rc = KERR_OK;
  } else {
    rc = rc == SQLITE_DONE
             ? KERR_NOT_FOUND
             : kerr_set(msg, KERR_DB, "session: %s", sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  return rc;
}

static int live(const session *s, int64_t now) {
  return now <= s->expires_at && now - s->last_seen <= CTL_STAFF_IDLE_S;
}

/* Answers 401 (clearing the cookie) or 500; 0 with *s filled. */
static int current(const ctl_env *env, ctl_req *req, session *s,
                   char hash[65]) {
  kerr_msg msg;
  sqlite3 *conn;
  int rc;
  if (cookie_hash(req->cookie, hash) != 0)
    return ctl_req_error(req, 401, "unauthorized", "log in first");
  conn = ctl_db_acquire(env->db);
  rc = lookup(conn, hash, s, msg);
  ctl_db_release(env->db, conn);
  if (rc == KERR_NOT_FOUND || (rc == 0 && !live(s, req->now))) {
    set_cookie(req, "", 0);
    return ctl_req_error(req, 401, "unauthorized",
                         "the session has ended: log in again");
  }
  if (rc) return ctl_req_fail(req, msg);
  return 0;
}

/* Moves last_seen and drops ended sessions; a failure only costs idle time. */
static void touch(const ctl_env *env, const char *hash, int64_t now) {
  kerr_msg msg;
  sqlite3 *conn;
  sqlite3_stmt *st;
  int rc = ctl_db_write_begin(env->db, &conn, msg);
  if (rc) {
    klog_warn("central", "session touch: %s", msg);
    return;
  }
  if ((rc = ctl_db_prepare(conn,
                           "UPDATE staff_sessions SET last_seen=? "
                           "WHERE id_hash=?",
                           &st, msg)) == 0) {
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE
             ? 0
             : kerr_set(msg, KERR_DB, "touch: %s", sqlite3_errmsg(conn));
    ctl_db_finish(st);
  }
  if (rc == 0 && (rc = ctl_db_prepare(conn,
                                      "DELETE FROM staff_sessions WHERE "
                                      "expires_at<?1 OR last_seen<?1-?2",
                                      &st, msg)) == 0) {
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, CTL_STAFF_IDLE_S);
    rc = sqlite3_step(st) == SQLITE_DONE
             ? 0
             : kerr_set(msg, KERR_DB, "sweep: %s", sqlite3_errmsg(conn));
    ctl_db_finish(st);
  }
  if (ctl_db_write_end(env->db, conn, rc == 0, rc ? NULL : msg) != 0 || rc)
    klog_warn("central", "session touch: %s", msg);
}

static int safe_method(const char *m) {
  return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

int ctl_staff_check(const ctl_env *env, ctl_req *req, int admin) {
  session s;
  char hash[65];
  req->staff = 1;
  if (current(env, req, &s, hash) != 0) return -1;
  if (!safe_method(req->method) &&
      (!req->csrf_token || strlen(req->csrf_token) != TOKEN_LEN ||
       sodium_memcmp(req->csrf_token, s.csrf, TOKEN_LEN) != 0))
    return ctl_req_error(req, 403, "csrf_failed",
                         "X-CSRF-Token is missing or wrong");
  if (admin && strcmp(s.role, "admin") != 0)
    return ctl_req_error(req, 403, "forbidden", "this needs role admin");
  if (req->now - s.last_seen >= TOUCH_EVERY_S) touch(env, hash, req->now);
  memcpy(req->staff_user, s.user, sizeof req->staff_user);
  memcpy(req->staff_role, s.role, sizeof req->staff_role);
  return 0;
}

/* Verifying against a real hash keeps an unknown user as slow as a known
 * one, so timing does not tell which user names exist. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static void make_dummy(void) {
  kerr_msg msg;
  if (ctl_staff_hash("no such user", dummy_hash, msg) != 0) dummy_hash[0] = 0;
}

typedef struct {
  char role[8], hash[crypto_pwhash_STRBYTES];
  int found;
} account;

static int load_account(sqlite3 *conn, const char *user, account *a,
                        char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn, "SELECT role, hash FROM staff WHERE user=?",
                          &st, msg);
  if (rc) return rc;
  memset(a, 0, sizeof *a);
  sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    a->found = 1;
    snprintf(a->role, sizeof a->role, "%s", sqlite3_column_text(st, 0));
    snprintf(a->hash, sizeof a->hash, "%s", sqlite3_column_text(st, 1));
  }
  rc = rc == SQLITE_ROW || rc == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "staff: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  return rc;
}

/* sql has ?1 = user and may use ?2 = a, ?3 = b (binding a parameter the
 * statement lacks is a harmless SQLITE_RANGE). */
static int exec_user(sqlite3 *conn, const char *sql, const char *user,
                     int64_t a, int64_t b, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn, sql, &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, a);
  sqlite3_bind_int64(st, 3, b);
  rc = sqlite3_step(st) == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "staff: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  return rc;
}

static int json_body(const ctl_req *req) {
  const char *ct = req->content_type_in;
  /* A cross-site form can post text/plain without asking first; it cannot
   * send application/json. */
  return ct && strncmp(ct, "application/json", 16) == 0 &&
         (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

/* In the write transaction: decides the login and writes its audit rows.
 * Returns the HTTP status to answer (200, 401, 403 disabled, 429) or a
 * negative KERR. */
static int decide(sqlite3 *conn, const char *user, const account *a,
                  int right, int64_t now, int64_t *locked_until,
                  char *msg) {
  int64_t failures = 0, disabled = 0;
  int rc;
  if (!a->found) {
    rc = ctl_staff_audit(conn, user, now, "login_failed", NULL, "unknown user",
                         msg);
    return rc ? rc : 401;
  }
  if ((rc = ctl_db_int(conn, "SELECT locked_until FROM staff WHERE user=?",
                       user, NULL, 0, locked_until, msg)) != 0 ||
      (rc = ctl_db_int(conn, "SELECT failures FROM staff WHERE user=?", user,
                       NULL, 0, &failures, msg)) != 0 ||
      (rc = ctl_db_int(conn, "SELECT disabled FROM staff WHERE user=?", user,
                       NULL, 0, &disabled, msg)) != 0)
    return rc;
  if (*locked_until > now) {
    rc = ctl_staff_audit(conn, user, now, "login_refused", NULL,
                         "account locked", msg);
    return rc ? rc : 429;
  }
  /* Only the right password learns that the account is disabled; a wrong
   * one counts towards the lock as for any account. */
  if (right && disabled) {
    rc = ctl_staff_audit(conn, user, now, "login_refused", NULL,
                         "account disabled", msg);
    return rc ? rc : 403;
  }
  if (right) {
    rc = exec_user(conn,
                   "UPDATE staff SET failures=0 WHERE user=?1",
                   user, 0, 0, msg);
    return rc ? rc : 200;
  }
  failures++;
  if (failures >= CTL_STAFF_MAX_FAILURES) {
    *locked_until = now + CTL_STAFF_LOCK_S;
    if ((rc = exec_user(conn,
                        "UPDATE staff SET failures=0, locked_until=?2 "
                        "WHERE user=?1",
                        user, *locked_until, 0, msg)) != 0 ||
        (rc = ctl_staff_audit(conn, user, now, "login_failed", NULL,
                              "wrong password", msg)) != 0 ||
        (rc = ctl_staff_audit(conn, user, now, "account_locked", NULL,
                              "5 wrong passwords", msg)) != 0)
      return rc;
    return 429;
  }
  rc = exec_user(conn, "UPDATE staff SET failures=?2 WHERE user=?1",
                 user, failures, 0, msg);
  if (rc == 0)
    rc = ctl_staff_audit(conn, user, now, "login_failed", NULL,
                         "wrong password", msg);
  return rc ? rc : 401;
}

static int new_session(sqlite3 *conn, const char *user, int64_t now,
                       char id[TOKEN_LEN + 1], char csrf[TOKEN_LEN + 1],
                       char *msg) {
  char hash[65];
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "INSERT INTO staff_sessions(id_hash, user, csrf, "
                          "created_at, last_seen, expires_at) "
                          "VALUES(?, ?, ?, ?, ?, ?)",
                          &st, msg);
  if (rc) return rc;
  token(id);
  token(csrf);
  id_hash(id, hash);
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, now);
  sqlite3_bind_int64(st, 5, now);
  sqlite3_bind_int64(st, 6, now + CTL_STAFF_SESSION_S);
  rc = sqlite3_step(st) == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "session: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  if (rc == 0) rc = ctl_staff_audit(conn, user, now, "login", NULL, NULL, msg);
  return rc;
}

static json_t *session_json(const char *user, const char *role,
                            const char *csrf, int64_t expires_at) {
  return json_pack("{s:s, s:s, s:s, s:I, s:i}", "user", user, "role", role,
                   "csrf_token", csrf, "expires_at", (json_int_t)expires_at,
                   "idle_timeout_s", CTL_STAFF_IDLE_S);
}

void ctl_staff_route_login(const ctl_env *env, ctl_req *req) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  kerr_msg msg;
  json_t *body;
  const char *user, *password;
  char id[TOKEN_LEN + 1], csrf[TOKEN_LEN + 1];
  int64_t locked_until = 0;
  account a;
  sqlite3 *conn;
  int right, rc;

  req->staff = 1;
  if (!json_body(req)) {
    ctl_req_error(req, 400, "invalid_request",
                  "login wants Content-Type: application/json");
    return;
  }
  if (!(body = ctl_req_body_object(req))) return;
  if (ctl_req_field_str(req, body, "user", CTL_STAFF_USER_MAX, &user) ||
      ctl_req_field_str(req, body, "password", PASSWORD_MAX, &password)) {
    json_decref(body);
    return;
  }
  conn = ctl_db_acquire(env->db);
  rc = load_account(conn, user, &a, msg);
  ctl_db_release(env->db, conn);
  if (rc) {
    json_decref(body);
    ctl_req_fail(req, msg);
    return;
  }
  /* The slow part, outside the write lock. */
  if (a.found) {
    right = crypto_pwhash_str_verify(a.hash, password, strlen(password)) == 0;
  } else {
    pthread_once(&once, make_dummy);
    if (dummy_hash[0] &&
        crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
      klog_warn("central", "login: a password matched the dummy hash");
    right = 0;
  }
  if ((rc = ctl_db_write_begin(env->db, &conn, msg)) != 0) {
    json_decref(body);
    ctl_req_fail(req, msg);
    return;
  }
  rc = decide(conn, user, &a, right, req->now, &locked_until, msg);
  if (rc == 200 && new_session(conn, user, req->now, id, csrf, msg) != 0)
    rc = KERR_DB;
  /* Failed attempts are kept too: the lockout and the audit need them. */
  {
    int end = ctl_db_write_end(env->db, conn, rc > 0, rc > 0 ? msg : NULL);
    if (rc > 0 && end) rc = end;
  }
  if (rc == 200) {
    set_cookie(req, id, CTL_STAFF_SESSION_S);
    ctl_req_json(req, 200,
                 session_json(user, a.role, csrf,
                              req->now + CTL_STAFF_SESSION_S));
  } else if (rc == 429) {
    ctl_req_error(req, 429, "account_locked",
                  "too many wrong passwords: try again in %lld s",
                  (long long)(locked_until - req->now));
  } else if (rc == 403) {
    ctl_req_error(req, 403, "account_disabled",
                  "this account is disabled: an admin can enable it");
  } else if (rc == 401) {
    ctl_req_error(req, 401, "bad_credentials", "wrong user or password");
  } else {
    ctl_req_fail(req, msg);
  }
  sodium_memzero(id, sizeof id);
  json_decref(body);
}

void ctl_staff_route_logout(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  char hash[65];
  sqlite3 *conn;
  sqlite3_stmt *st;
  int rc, end;
  if (cookie_hash(req->cookie, hash) != 0) {
    ctl_req_error(req, 401, "unauthorized", "log in first");
    return;
  }
  if ((rc = ctl_db_write_begin(env->db, &conn, msg)) != 0) {
    ctl_req_fail(req, msg);
    return;
  }
  if ((rc = ctl_db_prepare(conn, "DELETE FROM staff_sessions WHERE id_hash=?",
                           &st, msg)) == 0) {
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE
             ? 0
             : kerr_set(msg, KERR_DB, "logout: %s", sqlite3_errmsg(conn));
    ctl_db_finish(st);
  }
  if (rc == 0)
    rc = ctl_staff_audit(conn, req->staff_user, req->now, "logout", NULL, NULL,
                         msg);
  end = ctl_db_write_end(env->db, conn, rc == 0, rc ? NULL : msg);
  if (rc || end) {
    ctl_req_fail(req, msg);
    return;
  }
  set_cookie(req, "", 0);
  ctl_req_json(req, 204, NULL);
}

void ctl_staff_route_session(const ctl_env *env, ctl_req *req) {
  session s;
  char hash[65];
  if (current(env, req, &s, hash) != 0) return;
  ctl_req_json(req, 200, session_json(s.user, s.role, s.csrf, s.expires_at));
}

int ctl_staff_query_int(ctl_req *req, const char *name, int64_t fallback,
                        int64_t min, int64_t max, int64_t *out) {
  const char *q = strchr(req->path_query, '?');
  size_t n = strlen(name);
  *out = fallback;
  while (q && *q) {
    q++;
    if (strncmp(q, name, n) == 0 && q[n] == '=') {
      char *end = NULL;
      long long v;
      errno = 0;
      v = strtoll(q + n + 1, &end, 10);
      if (errno || end == q + n + 1 || (*end && *end != '&') || v < min ||
          v > max)
        return ctl_req_error(req, 400, "invalid_request",
                             "query %s must be between %lld and %lld", name,
                             (long long)min, (long long)max);
      *out = v;
      return 0;
    }
    q = strchr(q, '&');
  }
  return 0;
}

void ctl_staff_route_audit(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  int64_t limit;
  sqlite3 *conn;
  sqlite3_stmt *st;
  json_t *rows;
  int rc;
  if (ctl_staff_query_int(req, "limit", 100, 1, 1000, &limit) != 0) return;
  rows = json_array();
  conn = ctl_db_acquire(env->db);
  rc = ctl_db_prepare(conn,
                      "SELECT id, at, user, action, target, detail FROM "
                      "staff_audit ORDER BY id DESC LIMIT ?",
                      &st, msg);
  if (rc == 0) {
    sqlite3_bind_int64(st, 1, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const char *target = (const char *)sqlite3_column_text(st, 4);
      const char *detail = (const char *)sqlite3_column_text(st, 5);
      json_array_append_new(
          rows,
          json_pack("{s:I, s:I, s:s, s:s, s:o, s:o}", "id",
                    (json_int_t)sqlite3_column_int64(st, 0), "at",
                    (json_int_t)sqlite3_column_int64(st, 1), "user",
                    (const char *)sqlite3_column_text(st, 2), "action",
                    (const char *)sqlite3_column_text(st, 3), "target",
                    target ? json_string(target) : json_null(), "detail",
                    detail ? json_string(detail) : json_null()));
    }
    rc = rc == SQLITE_DONE
             ? 0
             : kerr_set(msg, KERR_DB, "audit: %s", sqlite3_errmsg(conn));
    ctl_db_finish(st);
  }
  ctl_db_release(env->db, conn);
  if (rc) {
    json_decref(rows);
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200, json_pack("{s:o}", "entries", rows));
}
