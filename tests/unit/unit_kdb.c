/* The sqlite plumbing under the outbox and the print journal (kdb.h): private
 * files, one process, WAL, migrations, and errors that keep sqlite's words. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdb.h"

static const char *const two_migrations[] = {
    "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);",
    "ALTER TABLE t ADD COLUMN n INTEGER NOT NULL DEFAULT 0;",
};

enum { S_INS, S_COUNT_ROWS, S_N };
static const char *const stmts[S_N] = {
    [S_INS] = "INSERT INTO t(name) VALUES(?1)",
    [S_COUNT_ROWS] = "SELECT count(*) FROM t",
};

static const kdb_spec base = {
    .name = "test store",
    .log = "unit_kdb",
    .db_file = "store.sqlite",
    .lock_file = "store.lock",
    .migrations = two_migrations,
    .nmigrations = 2,
    .stmts = stmts,
    .nstmts = S_N,
};

typedef struct {
  char root[PATH_MAX];
  char dir[PATH_MAX];  /* root/a/b: kdb_open must make both levels */
  char path[PATH_MAX + 32];
  kdb *k;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  const char *tmp = getenv("TMPDIR");
  snprintf(f->root, sizeof f->root, "%s/unit-kdb.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(f->root)) {
    free(f);
    return -1;
  }
  snprintf(f->dir, sizeof f->dir, "%.*s/a/b", PATH_MAX - 8, f->root);
  snprintf(f->path, sizeof f->path, "%s/store.sqlite", f->dir);
  *state = f;
  return 0;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(p);
}

static int teardown(void **state) {
  fixture *f = *state;
  kdb_close(f->k);
  nftw(f->root, rm_one, 8, FTW_DEPTH | FTW_PHYS);
  free(f);
  return 0;
}

static int open_store(fixture *f, const kdb_spec *spec, char *msg) {
  return kdb_open(f->dir, spec, &f->k, msg);
}

static int64_t query_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Reads a value from the file with a connection of its own, as an admin
 * with the sqlite3 tool would. */
static int64_t file_int(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  int64_t v = query_int(db, sql);
  sqlite3_close(db);
  return v;
}

static void file_exec(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

static void insert(kdb *k, const char *name) {
  kerr_msg msg;
  sqlite3_stmt *st = kdb_stmt(k, S_INS);
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  int changes = 0;
  assert_int_equal(kdb_run(k, st, &changes, msg, "insert"), KERR_OK);
  assert_int_equal(changes, 1);
}

static void mode_is(const char *path, mode_t want) {
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, want);
}

static void open_makes_private_folders_and_files_in_wal_with_full_sync(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  mode_t old = umask(0); /* what kdb asks for must be what the files get */
  int rc = open_store(f, &base, msg);
  umask(old);
  assert_int_equal(rc, KERR_OK);
  insert(f->k, "a");
  char p[PATH_MAX + 40];
  snprintf(p, sizeof p, "%.*s/a", PATH_MAX - 8, f->root);
  mode_is(p, 0700);
  mode_is(f->dir, 0700);
  mode_is(f->path, 0600);
  snprintf(p, sizeof p, "%s-wal", f->path);
  mode_is(p, 0600);
  snprintf(p, sizeof p, "%s-shm", f->path);
  mode_is(p, 0600);
  snprintf(p, sizeof p, "%s/store.lock", f->dir);
  mode_is(p, 0600);
  assert_string_equal(kdb_path(f->k), f->path);
  sqlite3 *db = kdb_db(f->k);
  assert_int_equal(query_int(db, "PRAGMA synchronous"), 2); /* FULL */
  assert_int_equal(query_int(db, "PRAGMA journal_size_limit"), 4194304);
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
}

static void a_second_open_is_busy_until_the_first_is_closed(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  assert_int_equal(open_store(f, &base, msg), KERR_OK);
  kdb *other = (kdb *)1;
  assert_int_equal(kdb_open(f->dir, &base, &other, msg), KERR_BUSY);
  assert_null(other);
  assert_non_null(strstr(msg, "test store: "));
  assert_non_null(strstr(msg, f->dir));
  assert_non_null(strstr(msg, "in use by another process"));
  kdb_close(f->k);
  f->k = NULL;
  assert_int_equal(kdb_open(f->dir, &base, &other, msg), KERR_OK);
  kdb_close(other);
}

static void migrations_run_in_order_once_and_later_ones_on_top(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  kdb_spec first = base;
  first.nmigrations = 1;
  first.nstmts = 0;
  assert_int_equal(open_store(f, &first, msg), KERR_OK);
  assert_int_equal(query_int(kdb_db(f->k), "PRAGMA user_version"), 1);
  assert_int_equal(kdb_exec(f->k, "INSERT INTO t(name) VALUES('kept')", msg, "seed"), KERR_OK);
  kdb_close(f->k);
  f->k = NULL;

  assert_int_equal(open_store(f, &base, msg), KERR_OK);
  sqlite3 *db = kdb_db(f->k);
  assert_int_equal(query_int(db, "PRAGMA user_version"), 2);
  assert_int_equal(query_int(db, "SELECT n FROM t WHERE name='kept'"), 0);
  kdb_close(f->k);
  f->k = NULL;
  /* Opening again at the same version changes nothing. */
  assert_int_equal(open_store(f, &base, msg), KERR_OK);
  assert_int_equal(query_int(kdb_db(f->k), "SELECT count(*) FROM t"), 1);
}

static void a_newer_schema_is_refused_and_left_as_it_was(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  assert_int_equal(open_store(f, &base, msg), KERR_OK);
  kdb_close(f->k);
  f->k = NULL;
  file_exec(f->path, "PRAGMA user_version=7");
  assert_int_equal(open_store(f, &base, msg), KERR_DB);
  assert_null(f->k);
  assert_non_null(strstr(msg, "test store: "));
  assert_non_null(strstr(msg, f->path));
  assert_non_null(strstr(msg, "has schema 7, this build knows up to 2"));
  assert_non_null(strstr(msg, "newer kiosk"));
  assert_int_equal(file_int(f->path, "PRAGMA user_version"), 7);
}

static void a_failing_migration_is_rolled_back_with_sqlites_message(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  static const char *const bad[] = {
      "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);",
      "CREATE TABLE u(x); CREATE TABLE u(x);",
  };
  kdb_spec spec = base;
  spec.migrations = bad;
  spec.nstmts = 0;
  assert_int_equal(open_store(f, &spec, msg), KERR_DB);
  assert_null(f->k);
  assert_non_null(strstr(msg, "test store migrate: "));
  assert_non_null(strstr(msg, "table u already exists"));
  assert_non_null(strstr(msg, f->path));
  /* The first migration stays; the second left nothing behind. */
  assert_int_equal(file_int(f->path, "PRAGMA user_version"), 1);
  assert_int_equal(file_int(f->path, "SELECT count(*) FROM sqlite_schema WHERE name='u'"), 0);
}

static void statements_come_reset_and_unbound_and_constraints_are_invalid(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  assert_int_equal(open_store(f, &base, msg), KERR_OK);
  insert(f->k, "a");
  /* Same statement again: the old "a" binding must be gone (NOT NULL). */
  int changes = -1;
  sqlite3_stmt *st = kdb_stmt(f->k, S_INS);
  assert_int_equal(kdb_run(f->k, st, &changes, msg, "insert"), KERR_INVALID);
  assert_int_equal(changes, -1);
  assert_non_null(strstr(msg, "test store insert: NOT NULL constraint failed: t.name"));
  assert_non_null(strstr(msg, f->path));
  st = kdb_stmt(f->k, S_INS);
  sqlite3_bind_text(st, 1, "a", -1, SQLITE_STATIC);
  assert_int_equal(kdb_run(f->k, st, NULL, msg, "insert"), KERR_INVALID);
  assert_non_null(strstr(msg, "UNIQUE constraint failed"));
  st = kdb_stmt(f->k, S_COUNT_ROWS);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 1);
}

static void sqlite_results_map_to_project_codes_with_hint_code_and_file(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  static const struct {
    int rc, want;
    const char *hint;
  } cases[] = {
      {SQLITE_FULL, KERR_IO, "disk full: "},
      {SQLITE_READONLY_DBMOVED, KERR_IO, "state directory not writable: "},
      {SQLITE_PERM, KERR_IO, "state directory not writable: "},
      {SQLITE_IOERR_FSYNC, KERR_IO, ""},
      {SQLITE_CANTOPEN, KERR_IO, ""},
      {SQLITE_BUSY, KERR_BUSY, ""},
      {SQLITE_LOCKED_SHAREDCACHE, KERR_BUSY, ""},
      {SQLITE_CONSTRAINT_CHECK, KERR_INVALID, ""},
      {SQLITE_CORRUPT, KERR_DB, ""},
      {SQLITE_ERROR, KERR_DB, ""},
  };
  assert_int_equal(open_store(f, &base, msg), KERR_OK);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char want[128];
    assert_int_equal(kdb_err(f->k, cases[i].rc, msg, "probe"), cases[i].want);
    snprintf(want, sizeof want, "test store probe: %s", cases[i].hint);
    assert_non_null(strstr(msg, want));
    snprintf(want, sizeof want, "(sqlite code %d", cases[i].rc);
    assert_non_null(strstr(msg, want));
    assert_non_null(strstr(msg, f->path));
  }
}

static void a_statement_that_does_not_prepare_fails_the_open(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  static const char *const broken[] = {"SELECT nope FROM t"};
  kdb_spec spec = base;
  spec.stmts = broken;
  spec.nstmts = 1;
  assert_int_equal(open_store(f, &spec, msg), KERR_DB);
  assert_null(f->k);
  assert_non_null(strstr(msg, "test store prepare: no such column: nope"));
  /* The failed open let go of the lock. */
  assert_int_equal(open_store(f, &base, msg), KERR_OK);
}

static void a_state_dir_that_cannot_be_made_says_which_and_why(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  char file[PATH_MAX + 16], sub[PATH_MAX + 32];
  snprintf(file, sizeof file, "%s/plain", f->root);
  int fd = open(file, O_WRONLY | O_CREAT, 0600);
  assert_true(fd >= 0);
  close(fd);
  snprintf(sub, sizeof sub, "%s/state", file);
  kdb *k = NULL;
  assert_int_equal(kdb_open(sub, &base, &k, msg), KERR_IO);
  assert_null(k);
  assert_non_null(strstr(msg, "test store: state dir "));
  assert_non_null(strstr(msg, "not writable: mkdir: Not a directory"));
  assert_int_equal(kdb_open("", &base, &k, msg), KERR_INVALID);
  assert_int_equal(kdb_open(NULL, &base, &k, msg), KERR_INVALID);
}

static void integrity_check_passes_a_sound_file_and_catches_a_damaged_one(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  assert_int_equal(open_store(f, &base, msg), KERR_OK);
  for (int i = 0; i < 200; i++) {
    char name[32];
    snprintf(name, sizeof name, "member-%03d", i);
    insert(f->k, name);
  }
  assert_int_equal(kdb_check(f->k, msg), KERR_OK);
  int64_t root = query_int(kdb_db(f->k), "SELECT rootpage FROM sqlite_schema"
                                         " WHERE name='sqlite_autoindex_t_1'");
  int64_t page = query_int(kdb_db(f->k), "PRAGMA page_size");
  kdb_close(f->k); /* the last close checkpoints the WAL into the file */
  f->k = NULL;

  /* Scribble over the unique index's root page, as a bad sector would. */
  int fd = open(f->path, O_WRONLY);
  assert_true(fd >= 0);
  char junk[64];
  memset(junk, 0x5a, sizeof junk);
  assert_int_equal(pwrite(fd, junk, sizeof junk, (off_t)((root - 1) * page)), (ssize_t)sizeof junk);
  close(fd);

  assert_int_equal(open_store(f, &base, msg), KERR_OK);
  assert_int_equal(kdb_check(f->k, msg), KERR_DB);
  assert_non_null(strstr(msg, "test store"));
  assert_non_null(strstr(msg, f->path));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(open_makes_private_folders_and_files_in_wal_with_full_sync,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(a_second_open_is_busy_until_the_first_is_closed, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(migrations_run_in_order_once_and_later_ones_on_top, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_newer_schema_is_refused_and_left_as_it_was, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_failing_migration_is_rolled_back_with_sqlites_message,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          statements_come_reset_and_unbound_and_constraints_are_invalid, setup, teardown),
      cmocka_unit_test_setup_teardown(
          sqlite_results_map_to_project_codes_with_hint_code_and_file, setup, teardown),
      cmocka_unit_test_setup_teardown(a_statement_that_does_not_prepare_fails_the_open, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(a_state_dir_that_cannot_be_made_says_which_and_why, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          integrity_check_passes_a_sound_file_and_catches_a_damaged_one, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
