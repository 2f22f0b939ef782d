#include "ctl_env.h"

#include <sodium.h>
#include <string.h>

#include "kerr.h"

static int id_ok(const char *s, size_t n) {
  size_t i;
  if (n == 0 || n > 64) return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return 0;
  }
  return 1;
}

/* 1 when s (n bytes) is the unpadded base64url of a 32-byte key. */
static int parse_pk(const char *s, size_t n, unsigned char pk[32]) {
  size_t len = 0;
  const char *end = NULL;
  return n == 43 &&
         sodium_base642bin(pk, 32, s, n, NULL, &len, &end,
                           sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
         len == 32 && end == s + n;
}

int ctl_env_add_kiosk(ctl_env *env, const char *id_secret, char *msg) {
  const char *colon = strchr(id_secret, ':'), *last;
  size_t idn, sn;
  ctl_kiosk *k;
  if (!colon)
    return kerr_set(msg, KERR_INVALID, "--kiosk wants ID:SECRET[:PUBKEY]");
  idn = (size_t)(colon - id_secret);
  sn = strlen(colon + 1);
  if (!id_ok(id_secret, idn))
    return kerr_set(msg, KERR_INVALID,
                    "--kiosk: id must be 1-64 of [A-Za-z0-9._-]");
  if (env->nkiosks == CTL_ENV_MAX_KIOSKS)
    return kerr_set(msg, KERR_INVALID, "--kiosk: at most %d kiosks",
                    CTL_ENV_MAX_KIOSKS);
  k = &env->kiosks[env->nkiosks];
  memset(k, 0, sizeof *k);
  last = strrchr(colon + 1, ':');
  if (last && parse_pk(last + 1, strlen(last + 1), k->voucher_pk)) {
    k->has_voucher_pk = 1;
    sn = (size_t)(last - colon - 1);
  }
  if (sn == 0 || sn > 128)
    return kerr_set(msg, KERR_INVALID, "--kiosk: secret must be 1-128 bytes");
  memcpy(k->id, id_secret, idn);
  k->id[idn] = '\0';
  memcpy(k->secret, colon + 1, sn);
  k->secret[sn] = '\0';
  env->nkiosks++;
  return KERR_OK;
}

void ctl_env_demo_voucher_key(ctl_env *env) {
  unsigned char seed[32], sk[64];
  size_t i;
  _Static_assert(sizeof CTL_ENV_DEMO_VOUCHER_SEED == 33, "a 32-byte seed");
  memcpy(seed, CTL_ENV_DEMO_VOUCHER_SEED, 32);
  for (i = 0; i < env->nkiosks; i++) {
    if (strcmp(env->kiosks[i].id, "demo-kiosk") == 0 &&
        !env->kiosks[i].has_voucher_pk) {
      crypto_sign_seed_keypair(env->kiosks[i].voucher_pk, sk, seed);
      env->kiosks[i].has_voucher_pk = 1;
    }
  }
  sodium_memzero(sk, sizeof sk);
}

int ctl_env_kiosk_voucher_key(const ctl_env *env, sqlite3 *conn,
                              const char *kiosk_id, unsigned char pk[32]) {
  sqlite3_stmt *st;
  size_t i;
  int rc;
  for (i = 0; i < env->nkiosks; i++) {
    if (strcmp(env->kiosks[i].id, kiosk_id) == 0 &&
        env->kiosks[i].has_voucher_pk) {
      memcpy(pk, env->kiosks[i].voucher_pk, 32);
      return KERR_OK;
    }
  }
  if ((rc = ctl_db_prepare(conn, "SELECT voucher_key FROM kiosks WHERE id=?",
                           &st, NULL)) != 0)
    return rc;
  sqlite3_bind_text(st, 1, kiosk_id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const char *b64 = (const char *)sqlite3_column_text(st, 0);
    rc = b64 && parse_pk(b64, strlen(b64), pk) ? KERR_OK : KERR_NOT_FOUND;
  } else {
    rc = rc == SQLITE_DONE ? KERR_NOT_FOUND : KERR_DB;
  }
  ctl_db_finish(st);
  return rc;
}

int ctl_env_kiosk_secret(const ctl_env *env, const char *kiosk_id,
                         char *secret, size_t cap) {
  sqlite3 *conn;
  sqlite3_stmt *st;
  size_t i;
  int rc;

  for (i = 0; i < env->nkiosks; i++) {
    if (strcmp(env->kiosks[i].id, kiosk_id) == 0) {
      size_t n = strlen(env->kiosks[i].secret);
      if (n + 1 > cap) return KERR_INVALID;
      memcpy(secret, env->kiosks[i].secret, n + 1);
      return KERR_OK;
    }
  }
  conn = ctl_db_acquire(env->db);
  rc = ctl_db_prepare(conn, "SELECT secret FROM kiosks WHERE id=?", &st, NULL);
  if (rc == 0) {
    sqlite3_bind_text(st, 1, kiosk_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      const char *s = (const char *)sqlite3_column_text(st, 0);
      size_t n = s ? strlen(s) : 0;
      rc = (s && n + 1 <= cap) ? KERR_OK : KERR_INVALID;
      if (rc == KERR_OK) memcpy(secret, s, n + 1);
    } else {
      rc = rc == SQLITE_DONE ? KERR_NOT_FOUND : KERR_DB;
    }
    ctl_db_finish(st);
  }
  ctl_db_release(env->db, conn);
  return rc;
}
