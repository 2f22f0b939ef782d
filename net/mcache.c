#include "mcache.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kdb.h"

static const char *const migrations[] = {
    "CREATE TABLE member ("
    " member_id TEXT PRIMARY KEY,"
    " profile TEXT NOT NULL,"
    " seen_at INTEGER NOT NULL);"
    "CREATE INDEX member_seen ON member(seen_at);",
};

enum { ST_PUT, ST_GET, ST_EXPIRE, ST_WIPE, ST_COUNT, ST_N };
static const char *const stmts[ST_N] = {
    [ST_PUT] = ("INSERT INTO member(member_id, profile, seen_at) VALUES(?1, ?2, ?3) "
                "ON CONFLICT(member_id) DO UPDATE SET profile = ?2, seen_at = ?3"),
    [ST_GET] = "SELECT profile, seen_at FROM member WHERE member_id = ?1 AND seen_at > ?2",
    [ST_EXPIRE] = "DELETE FROM member WHERE seen_at <= ?1",
    [ST_WIPE] = "DELETE FROM member",
    [ST_COUNT] = "SELECT count(*) FROM member",
};

static const kdb_spec spec = {
    .name = "member cache",
    .log = "mcache",
    .db_file = MCACHE_FILE,
    .lock_file = "members.lock",
    .migrations = migrations,
    .nmigrations = 1,
    .stmts = stmts,
    .nstmts = ST_N,
};

struct mcache {
  kdb *k;
  pthread_mutex_t mu;
  mcache_clock clock;
  void *clock_ctx;
};

static int64_t now_of(const mcache *mc) {
  return mc->clock ? mc->clock(mc->clock_ctx) : (int64_t)time(NULL);
}

/* Keys the member screen never shows. */
static int forbidden(const char *key) {
  return strstr(key, "phone") || !strcmp(key, "email") || !strcmp(key, "name") ||
         !strcmp(key, "birthday") || !strcmp(key, "birth_date");
}

static void scrub(json_t *j) {
  if (json_is_object(j)) {
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(j, tmp, key, v) {
      if (forbidden(key)) json_object_del(j, key);
      else scrub(v);
    }
  } else if (json_is_array(j)) {
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v) scrub(v);
  }
}

char *mcache_scrub(const char *profile_json) {
  json_t *j = profile_json ? json_loads(profile_json, 0, NULL) : NULL;
  if (!json_is_object(j)) {
    json_decref(j);
    return NULL;
  }
  scrub(j);
  char *s = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  return s;
}

static int expire_locked(mcache *mc, int *count, char *msg) {
  sqlite3_stmt *st = kdb_stmt(mc->k, ST_EXPIRE);
  sqlite3_bind_int64(st, 1, now_of(mc) - MCACHE_TTL_S);
  int n = 0;
  int rc = kdb_run(mc->k, st, &n, msg, "expire");
  if (rc == KERR_OK && count) *count = n;
  return rc;
}

static void remove_files(const char *dir) {
  static const char *const sfx[] = {"", "-wal", "-shm"};
  char p[1024];
  for (int i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s/%s%s", dir, MCACHE_FILE, sfx[i]);
    unlink(p);
  }
}

int mcache_open(const char *dir, mcache_clock clock, void *clock_ctx,
                mcache **out, char *note, char *msg) {
  *out = NULL;
  if (note) note[0] = '\0';
  mcache *mc = calloc(1, sizeof *mc);
  if (!mc) return kerr_set(msg, KERR_NOMEM, "out of memory");
  mc->clock = clock;
  mc->clock_ctx = clock_ctx;
  int rc = kdb_open(dir, &spec, &mc->k, msg);
  if (rc == KERR_OK) {
    /* A file that opens can still be damaged: check before trusting it. */
    rc = kdb_check(mc->k, msg);
    if (rc != KERR_OK) {
      kdb_close(mc->k);
      mc->k = NULL;
    }
  }
  if (rc == KERR_DB) {
    /* Not a database, damaged, or from a newer kiosk: a cache starts over. */
    if (note) kerr_set(note, KERR_DB, "%s; recreated empty", msg);
    remove_files(dir);
    rc = kdb_open(dir, &spec, &mc->k, msg);
  }
  if (rc == KERR_OK) rc = kdb_exec(mc->k, "PRAGMA synchronous=NORMAL", msg, "setup");
  if (rc == KERR_OK) rc = expire_locked(mc, NULL, msg);
  if (rc != KERR_OK) {
    kdb_close(mc->k);
    free(mc);
    return rc;
  }
  pthread_mutex_init(&mc->mu, NULL);
  *out = mc;
  return KERR_OK;
}

void mcache_close(mcache *mc) {
  if (!mc) return;
  kdb_close(mc->k);
  pthread_mutex_destroy(&mc->mu);
  free(mc);
}

int mcache_put(mcache *mc, const char *member_id, const char *profile_json,
               char *msg) {
  if (!member_id || !*member_id)
    return kerr_set(msg, KERR_INVALID, "member cache put: no member id");
  char *clean = mcache_scrub(profile_json);
  if (!clean) return kerr_set(msg, KERR_INVALID, "member cache put: not a JSON object");
  pthread_mutex_lock(&mc->mu);
  sqlite3_stmt *st = kdb_stmt(mc->k, ST_PUT);
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, clean, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, now_of(mc));
  int rc = kdb_run(mc->k, st, NULL, msg, "put");
  sqlite3_clear_bindings(st);
  if (rc == KERR_OK) rc = expire_locked(mc, NULL, msg);
  pthread_mutex_unlock(&mc->mu);
  free(clean);
  return rc;
}

int mcache_get(mcache *mc, const char *member_id, char **profile_json,
               int64_t *seen_at, char *msg) {
  *profile_json = NULL;
  pthread_mutex_lock(&mc->mu);
  sqlite3_stmt *st = kdb_stmt(mc->k, ST_GET);
  sqlite3_bind_text(st, 1, member_id ? member_id : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now_of(mc) - MCACHE_TTL_S);
  int r = sqlite3_step(st), rc;
  if (r == SQLITE_ROW) {
    const char *p = (const char *)sqlite3_column_text(st, 0);
    *profile_json = p ? strdup(p) : NULL;
    if (seen_at) *seen_at = sqlite3_column_int64(st, 1);
    rc = *profile_json ? KERR_OK : kerr_set(msg, KERR_NOMEM, "out of memory");
  } else if (r == SQLITE_DONE) {
    rc = kerr_set(msg, KERR_NOT_FOUND, "member cache: no recent entry");
  } else {
    rc = kdb_err(mc->k, r, msg, "get");
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  pthread_mutex_unlock(&mc->mu);
  return rc;
}

int mcache_expire(mcache *mc, int *count, char *msg) {
  pthread_mutex_lock(&mc->mu);
  int rc = expire_locked(mc, count, msg);
  pthread_mutex_unlock(&mc->mu);
  return rc;
}

int mcache_wipe(mcache *mc, char *msg) {
  pthread_mutex_lock(&mc->mu);
  int rc = kdb_run(mc->k, kdb_stmt(mc->k, ST_WIPE), NULL, msg, "wipe");
  /* The rows' old pages go too, not only their index entries. */
  if (rc == KERR_OK) rc = kdb_exec(mc->k, "VACUUM", msg, "wipe");
  pthread_mutex_unlock(&mc->mu);
  return rc;
}

int mcache_count(mcache *mc, int *count, char *msg) {
  pthread_mutex_lock(&mc->mu);
  sqlite3_stmt *st = kdb_stmt(mc->k, ST_COUNT);
  int r = sqlite3_step(st), rc = KERR_OK;
  if (r == SQLITE_ROW) *count = sqlite3_column_int(st, 0);
  else rc = kdb_err(mc->k, r, msg, "count");
  sqlite3_reset(st);
  pthread_mutex_unlock(&mc->mu);
  return rc;
}
