#include "ctl_env.h"

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

int ctl_env_add_kiosk(ctl_env *env, const char *id_secret, char *msg) {
  const char *colon = strchr(id_secret, ':');
  size_t idn, sn;
  if (!colon)
    return kerr_set(msg, KERR_INVALID, "--kiosk wants ID:SECRET");
  idn = (size_t)(colon - id_secret);
  sn = strlen(colon + 1);
  if (!id_ok(id_secret, idn))
    return kerr_set(msg, KERR_INVALID,
                    "--kiosk: id must be 1-64 of [A-Za-z0-9._-]");
  if (sn == 0 || sn > 128)
    return kerr_set(msg, KERR_INVALID, "--kiosk: secret must be 1-128 bytes");
  if (env->nkiosks == CTL_ENV_MAX_KIOSKS)
    return kerr_set(msg, KERR_INVALID, "--kiosk: at most %d kiosks",
                    CTL_ENV_MAX_KIOSKS);
  memcpy(env->kiosks[env->nkiosks].id, id_secret, idn);
  env->kiosks[env->nkiosks].id[idn] = '\0';
  memcpy(env->kiosks[env->nkiosks].secret, colon + 1, sn + 1);
  env->nkiosks++;
  return KERR_OK;
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
