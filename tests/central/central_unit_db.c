/*
 * Unit tests of the central's database layer: grouped commits keep exactly
 * the work each writer commits, also with many writers at once; the running
 * ledger sum always equals SUM(delta) and the ledger is append-only; a
 * schema-1 database is upgraded with its balances intact; cached statements
 * are handed out once at a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_db.h"
#include "ctl_ledger.h"

#define DAY 86400
#define WRITERS 16
#define ROUNDS 40

typedef struct {
  char path[64];
  ctl_db *db;
} fixture;

static void remove_db(const char *path) {
  char p[80];
  unlink(path);
  snprintf(p, sizeof p, "%s-wal", path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", path);
  unlink(p);
}

static int open_db(void **state) {
  fixture *f = calloc(1, sizeof *f);
  kerr_msg msg;
  sqlite3 *c;
  int fd, rc;
  snprintf(f->path, sizeof f->path, "/tmp/central-db-XXXXXX");
  if ((fd = mkstemp(f->path)) < 0) return -1;
  close(fd);
  if (ctl_db_open(f->path, 4, &f->db, msg) != 0) return -1;
  if (ctl_db_write_begin(f->db, &c, msg) != 0) return -1;
  rc = ctl_db_exec(c,
                   "INSERT INTO members(id, name, phone, birth_month, "
                   "created_at) VALUES('M1', 'Li Lei', '13800000000', 1, 0),"
                   "('M2', 'Han Meimei', '13800000001', 2, 0)",
                   msg);
  if (ctl_db_write_end(f->db, c, rc == 0, msg) != 0 || rc) return -1;
  *state = f;
  return 0;
}

static int close_db(void **state) {
  fixture *f = *state;
  ctl_db_close(f->db);
  remove_db(f->path);
  free(f);
  return 0;
}

static int64_t query(ctl_db *db, const char *sql) {
  kerr_msg msg;
  int64_t v = -1;
  sqlite3 *c = ctl_db_acquire(db);
  assert_int_equal(ctl_db_int(c, sql, NULL, NULL, -1, &v, msg), 0);
  ctl_db_release(db, c);
  return v;
}

typedef struct {
  ctl_db *db;
  int id;
  int failures;
} writer;

/* Even rounds earn and commit; odd rounds earn and roll back. */
static void *write_many(void *arg) {
  writer *w = arg;
  int i;
  for (i = 0; i < ROUNDS; i++) {
    kerr_msg msg;
    sqlite3 *c;
    int rc = ctl_db_write_begin(w->db, &c, msg), end;
    if (rc) {
      w->failures++;
      continue;
    }
    rc = ctl_ledger_earn(c, w->id % 2 ? "M1" : "M2", 1, "earn", NULL, NULL,
                         1000 * DAY, 2000 * DAY, NULL, msg);
    end = ctl_db_write_end(w->db, c, rc == 0 && i % 2 == 0, msg);
    if (rc || end) w->failures++;
  }
  return NULL;
}

static void grouped_writers_keep_exactly_what_they_commit(void **state) {
  fixture *f = *state;
  pthread_t t[WRITERS];
  writer w[WRITERS];
  int i;
  for (i = 0; i < WRITERS; i++) {
    w[i].db = f->db;
    w[i].id = i;
    w[i].failures = 0;
    assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]), 0);
  }
  for (i = 0; i < WRITERS; i++) {
    pthread_join(t[i], NULL);
    assert_int_equal(w[i].failures, 0);
  }
  assert_int_equal(query(f->db, "SELECT COUNT(*) FROM ledger"),
                   WRITERS * ROUNDS / 2);
  assert_int_equal(query(f->db, "SELECT COUNT(*) FROM lots"),
                   WRITERS * ROUNDS / 2);
  assert_int_equal(query(f->db, "SELECT SUM(ledger_sum) FROM members"),
                   WRITERS * ROUNDS / 2);
}

static void running_sum_is_the_ledger_sum(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  int64_t now = 1000 * DAY, spend, b;
  sqlite3 *c;
  assert_int_equal(ctl_db_write_begin(f->db, &c, msg), 0);
  assert_int_equal(ctl_ledger_earn(c, "M1", 500, "earn", NULL, NULL, now,
                                   now + 10 * DAY, NULL, msg), 0);
  assert_int_equal(ctl_ledger_earn(c, "M1", 70, "earn", NULL, NULL, now,
                                   now + 100 * DAY, NULL, msg), 0);
  assert_int_equal(ctl_ledger_spend(c, "M1", 120, "redeem", "r", NULL, now,
                                    &spend, msg), 0);
  assert_int_equal(ctl_ledger_refund(c, spend, "refund", "v", now, msg), 0);
  assert_int_equal(ctl_ledger_sweep(c, "M1", now + 20 * DAY, msg), 0);
  assert_int_equal(ctl_ledger_balance(c, "M1", now + 20 * DAY, &b, msg), 0);
  assert_int_equal(b, 70);
  /* The ledger is append-only: no row changes, none goes. */
  assert_int_not_equal(ctl_db_exec(c, "UPDATE ledger SET delta=1000", msg), 0);
  assert_non_null(strstr(msg, "never change"));
  assert_int_not_equal(ctl_db_exec(c, "DELETE FROM ledger", msg), 0);
  assert_int_equal(ctl_db_write_end(f->db, c, 1, msg), 0);
  assert_int_equal(query(f->db, "SELECT ledger_sum FROM members WHERE id='M1'"),
                   query(f->db, "SELECT SUM(delta) FROM ledger "
                                "WHERE member_id='M1'"));
  assert_int_equal(query(f->db, "SELECT ledger_sum FROM members WHERE id='M1'"),
                   70);
}

static void same_statement_twice_at_once_is_two_statements(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  sqlite3_stmt *a, *b;
  sqlite3 *c = ctl_db_acquire(f->db);
  const char *sql = "SELECT id FROM members ORDER BY id";
  assert_int_equal(ctl_db_prepare(c, sql, &a, msg), 0);
  assert_int_equal(sqlite3_step(a), SQLITE_ROW);
  assert_int_equal(ctl_db_prepare(c, sql, &b, msg), 0);
  assert_ptr_not_equal(a, b);
  /* b starts from the top while a goes on. */
  assert_int_equal(sqlite3_step(b), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(b, 0), "M1");
  assert_int_equal(sqlite3_step(a), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(a, 0), "M2");
  ctl_db_finish(b);
  ctl_db_finish(a);
  /* Given back, the cached one comes again, reset and unbound. */
  assert_int_equal(ctl_db_prepare(c, sql, &b, msg), 0);
  assert_ptr_equal(a, b);
  assert_int_equal(sqlite3_step(b), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(b, 0), "M1");
  ctl_db_finish(b);
  ctl_db_release(f->db, c);
}

/* The tables later schemas change (2, 3, and 5: kiosks and vouchers), as
 * schema 1 made them. */
static const char schema1[] =
    "CREATE TABLE kiosks(id TEXT PRIMARY KEY, secret TEXT NOT NULL,"
    "  last_seen INTEGER, heartbeat TEXT);"
    "CREATE TABLE members(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    "  phone TEXT NOT NULL, birth_month INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE ledger(id INTEGER PRIMARY KEY,"
    "  member_id TEXT NOT NULL REFERENCES members(id),"
    "  delta INTEGER NOT NULL, reason TEXT NOT NULL, reference TEXT,"
    "  idem_key TEXT, created_at INTEGER NOT NULL);"
    "CREATE INDEX ledger_member ON ledger(member_id, reason, created_at);"
    "CREATE TABLE lots(id INTEGER PRIMARY KEY, member_id TEXT NOT NULL,"
    "  ledger_id INTEGER NOT NULL, amount INTEGER NOT NULL,"
    "  remaining INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
    "CREATE INDEX lots_member ON lots(member_id, expires_at);"
    "CREATE TABLE vouchers(id TEXT PRIMARY KEY, redemption_id TEXT NOT NULL);"
    "CREATE TABLE redemptions(id TEXT PRIMARY KEY, day TEXT NOT NULL);"
    "CREATE TABLE idem(kiosk_id TEXT NOT NULL, key TEXT NOT NULL,"
    "  status INTEGER NOT NULL, body TEXT NOT NULL);"
    "INSERT INTO members VALUES('M1', 'a', '1', 1, 0), ('M2', 'b', '2', 2, 0);"
    "INSERT INTO ledger(member_id, delta, reason, created_at) VALUES"
    "  ('M1', 300, 'earn', 0), ('M1', -120, 'redeem', 0),"
    "  ('M2', 50, 'earn', 0);"
    "INSERT INTO lots VALUES(1, 'M1', 1, 300, 180, 99999999999),"
    "  (2, 'M2', 3, 50, 50, 99999999999);"
    "PRAGMA user_version=1;";

static void schema_1_upgrades_with_balances_intact(void **state) {
  char path[64];
  kerr_msg msg;
  sqlite3 *raw;
  ctl_db *db;
  sqlite3 *c;
  int64_t b1 = -1, b2 = -1;
  int fd;
  (void)state;
  snprintf(path, sizeof path, "/tmp/central-v1-XXXXXX");
  assert_true((fd = mkstemp(path)) >= 0);
  close(fd);
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  assert_int_equal(sqlite3_exec(raw, schema1, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(raw);
  assert_int_equal(ctl_db_open(path, 1, &db, msg), 0);
  c = ctl_db_acquire(db);
  assert_int_equal(ctl_ledger_balance(c, "M1", 1000, &b1, msg), 0);
  assert_int_equal(ctl_ledger_balance(c, "M2", 1000, &b2, msg), 0);
  assert_int_equal(b1, 180);
  assert_int_equal(b2, 50);
  assert_int_equal(ctl_db_int(c, "PRAGMA user_version", NULL, NULL, 0, &b1,
                              msg),
                   0);
  assert_int_equal(b1, CTL_DB_SCHEMA_VERSION);
  ctl_db_release(db, c);
  ctl_db_close(db);
  remove_db(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          grouped_writers_keep_exactly_what_they_commit, open_db, close_db),
      cmocka_unit_test_setup_teardown(running_sum_is_the_ledger_sum, open_db,
                                      close_db),
      cmocka_unit_test_setup_teardown(
          same_statement_twice_at_once_is_two_statements, open_db, close_db),
      cmocka_unit_test(schema_1_upgrades_with_balances_intact),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
