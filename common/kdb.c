#include "kdb.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klog.h"

struct kdb {
  sqlite3 *db;
  int lock_fd;
  const kdb_spec *spec;
  char path[PATH_MAX];
  sqlite3_stmt **st;
};

sqlite3 *kdb_db(kdb *k) { return k->db; }

const char *kdb_path(const kdb *k) { return k->path; }

sqlite3_stmt *kdb_stmt(kdb *k, int i) {
  sqlite3_reset(k->st[i]);
  sqlite3_clear_bindings(k->st[i]);
  return k->st[i];
}

/* The person reading the log must see "disk is full" or "readonly
 * database", the OS's reason when sqlite has one, and which file. */
int kdb_err(kdb *k, int rc, char *msg, const char *what) {
  int code = KERR_DB;
  const char *hint = "";
  switch (rc & 0xff) {
  case SQLITE_FULL: code = KERR_IO; hint = "disk full: "; break;
  case SQLITE_READONLY:
  case SQLITE_PERM: code = KERR_IO; hint = "state directory not writable: "; break;
  case SQLITE_IOERR:
  case SQLITE_CANTOPEN: code = KERR_IO; break;
  case SQLITE_BUSY:
  case SQLITE_LOCKED: code = KERR_BUSY; break;
  case SQLITE_CONSTRAINT: code = KERR_INVALID; break;
  default: break;
  }
  int sys = sqlite3_system_errno(k->db);
  return kerr_set(msg, code, "%s %s: %s%s (sqlite code %d%s%s) in %s", k->spec->name, what,
                  hint, sqlite3_errmsg(k->db), rc, sys ? ", " : "", sys ? strerror(sys) : "",
                  k->path);
}

int kdb_exec(kdb *k, const char *sql, char *msg, const char *what) {
  int rc = sqlite3_exec(k->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? KERR_OK : kdb_err(k, rc, msg, what);
}

int kdb_run(kdb *k, sqlite3_stmt *st, int *changes, char *msg, const char *what) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return kdb_err(k, rc, msg, what);
  if (changes)
    *changes = sqlite3_changes(k->db);
  return KERR_OK;
}

int kdb_check(kdb *k, char *msg) {
  sqlite3_stmt *st = NULL;
  int src = sqlite3_prepare_v2(k->db, "PRAGMA integrity_check", -1, &st, NULL);
  int rc = KERR_OK;
  if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
    const char *r = (const char *)sqlite3_column_text(st, 0);
    if (!r || strcmp(r, "ok") != 0)
      rc = kerr_set(msg, KERR_DB, "%s %s: integrity_check: %s", k->spec->name, k->path,
                    r ? r : "(null)");
  } else {
    rc = kdb_err(k, src, msg, "integrity_check");
  }
  sqlite3_finalize(st);
  return rc;
}

static int mkdirs(const char *name, const char *dir, char *msg) {
  char p[PATH_MAX];
  size_t n = strlen(dir);
  if (n == 0 || n >= sizeof p)
    return kerr_set(msg, KERR_INVALID, "%s: bad state dir '%s'", name, dir);
  memcpy(p, dir, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (p[i] != '/' && p[i] != '\0')
      continue;
    char c = p[i];
    p[i] = '\0';
    if (mkdir(p, 0700) != 0 && errno != EEXIST)
      return kerr_set(msg, KERR_IO, "%s: state dir %s not writable: mkdir: %s", name, p,
                      strerror(errno));
    p[i] = c;
  }
  return KERR_OK;
}

static int take_lock(kdb *k, const char *dir, char *msg) {
  const char *name = k->spec->name;
  char p[PATH_MAX];
  if (snprintf(p, sizeof p, "%s/%s", dir, k->spec->lock_file) >= (int)sizeof p)
    return kerr_set(msg, KERR_INVALID, "%s: state dir path too long", name);
  k->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (k->lock_fd < 0)
    return kerr_set(msg, KERR_IO, "%s: state dir %s not writable: %s", name, dir,
                    strerror(errno));
  if (flock(k->lock_fd, LOCK_EX | LOCK_NB) != 0)
    return kerr_set(msg, KERR_BUSY, "%s: %s is in use by another process", name, dir);
  return KERR_OK;
}

/* sqlite gives the -wal and -shm files the database file's mode, so creating
 * the database 0600 ourselves keeps all three private. */
static int create_private(kdb *k, char *msg) {
  const char *name = k->spec->name;
  int fd = open(k->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return kerr_set(msg, KERR_IO, "%s: state directory not writable: open %s: %s", name,
                    k->path, strerror(errno));
  int rc = KERR_OK;
  if (fchmod(fd, 0600) != 0)
    rc = kerr_set(msg, KERR_IO, "%s: chmod %s: %s", name, k->path, strerror(errno));
  close(fd);
  return rc;
}

static int migrate(kdb *k, char *msg) {
  const kdb_spec *s = k->spec;
  sqlite3_stmt *st = NULL;
  int64_t ver = 0;
  int rc = sqlite3_prepare_v2(k->db, "PRAGMA user_version", -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    ver = sqlite3_column_int64(st, 0);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_OK)
    return kdb_err(k, rc, msg, "user_version");
  if (ver > s->nmigrations)
    return kerr_set(msg, KERR_DB,
                    "%s: %s has schema %lld, this build knows up to %d "
                    "(written by a newer kiosk?)",
                    s->name, k->path, (long long)ver, s->nmigrations);
  while (ver < s->nmigrations) {
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version=%lld", (long long)ver + 1);
    if ((rc = kdb_exec(k, "BEGIN IMMEDIATE", msg, "migrate")))
      return rc;
    if ((rc = kdb_exec(k, s->migrations[ver], msg, "migrate")) ||
        (rc = kdb_exec(k, bump, msg, "migrate")) || (rc = kdb_exec(k, "COMMIT", msg, "migrate"))) {
      sqlite3_exec(k->db, "ROLLBACK", NULL, NULL, NULL);
      return rc;
    }
    klog_info(s->log, "schema of %s migrated to version %lld", k->path, (long long)ver + 1);
    ver++;
  }
  return KERR_OK;
}

static int configure(kdb *k, char *msg) {
  int rc;
  sqlite3_extended_result_codes(k->db, 1);
  sqlite3_busy_timeout(k->db, 5000);
  sqlite3_stmt *st = NULL;
  int src = sqlite3_prepare_v2(k->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
  if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
    const char *mode = (const char *)sqlite3_column_text(st, 0);
    src = mode && strcmp(mode, "wal") == 0 ? SQLITE_OK : SQLITE_CANTOPEN;
  }
  sqlite3_finalize(st);
  if (src != SQLITE_OK)
    return kdb_err(k, src, msg, "journal_mode=WAL");
  if ((rc = kdb_exec(k, "PRAGMA synchronous=FULL", msg, "open")) ||
      (rc = kdb_exec(k, "PRAGMA journal_size_limit=4194304", msg, "open")) ||
      (rc = migrate(k, msg)))
    return rc;
  for (int i = 0; i < k->spec->nstmts; i++) {
    src = sqlite3_prepare_v3(k->db, k->spec->stmts[i], -1, SQLITE_PREPARE_PERSISTENT, &k->st[i],
                             NULL);
    if (src != SQLITE_OK)
      return kdb_err(k, src, msg, "prepare");
  }
  return KERR_OK;
}

int kdb_open(const char *dir, const kdb_spec *spec, kdb **out, char *msg) {
  *out = NULL;
  if (!dir)
    return kerr_set(msg, KERR_INVALID, "%s: no state dir", spec->name);
  kdb *k = calloc(1, sizeof *k);
  if (k)
    k->st = calloc((size_t)spec->nstmts + 1, sizeof *k->st);
  if (!k || !k->st) {
    free(k);
    return kerr_set(msg, KERR_NOMEM, "%s: out of memory", spec->name);
  }
  k->lock_fd = -1;
  k->spec = spec;
  int rc = mkdirs(spec->name, dir, msg);
  if (!rc && snprintf(k->path, sizeof k->path, "%s/%s", dir, spec->db_file) >=
                 (int)sizeof k->path)
    rc = kerr_set(msg, KERR_INVALID, "%s: state dir path too long", spec->name);
  if (!rc)
    rc = take_lock(k, dir, msg);
  if (!rc)
    rc = create_private(k, msg);
  if (!rc) {
    int src = sqlite3_open_v2(k->path, &k->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                              NULL);
    if (src != SQLITE_OK)
      rc = k->db ? kdb_err(k, src, msg, "open")
                 : kerr_set(msg, KERR_NOMEM, "%s: sqlite3_open: no memory", spec->name);
  }
  if (!rc)
    rc = configure(k, msg);
  if (rc) {
    kdb_close(k);
    return rc;
  }
  *out = k;
  return KERR_OK;
}

void kdb_close(kdb *k) {
  if (!k)
    return;
  for (int i = 0; i < k->spec->nstmts; i++)
    sqlite3_finalize(k->st[i]);
  if (k->db)
    sqlite3_close(k->db);
  if (k->lock_fd >= 0)
    close(k->lock_fd); /* drops the flock */
  free(k->st);
  free(k);
}
