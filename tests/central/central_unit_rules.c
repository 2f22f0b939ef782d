/*
 * Unit tests of the central's rules without HTTP: plate numbers, and the
 * points ledger (spend order, expiry, refunds, never below zero).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_db.h"
#include "ctl_ledger.h"
#include "ctl_plate.h"

#define DAY 86400

static void plates_follow_the_national_format(void **state) {
  static const char *const good[] = {
      "粤B12345", "京A88888", "沪C5D678", "粤BD12345", "粤BFA1234", "浙A12345D",
      "粤B1234学", "粤B12345学", "粤B6789挂", "粤Z1234港", "粤b12345", "粤B 12345", "粤B·12345"};
  static const char *const bad[] = {
      "",          "ABC123",    "粤I12345",  "粤O12345", "粤B1234",
      "粤B123456", "粤B123学", "港B12345",  "粤B12I45", "粤BDI2345",
      "粤B1234DD", "粤BX12345", "粤B12345学学", "粤B12345\xff"};
  char out[CTL_PLATE_MAX + 1];
  size_t i;
  (void)state;
  for (i = 0; i < sizeof good / sizeof good[0]; i++) {
    if (ctl_plate_normalize(good[i], out, sizeof out) != 0)
      fprintf(stderr, "refused %s\n", good[i]);
    assert_int_equal(ctl_plate_normalize(good[i], out, sizeof out), 0);
  }
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (ctl_plate_normalize(bad[i], out, sizeof out) == 0)
      fprintf(stderr, "accepted %s\n", bad[i]);
    assert_int_equal(ctl_plate_normalize(bad[i], out, sizeof out), -1);
  }
  assert_int_equal(ctl_plate_normalize("粤b 123·45", out, sizeof out), 0);
  assert_string_equal(out, "粤B12345");
}

typedef struct {
  char path[64];
  ctl_db *db;
  sqlite3 *conn;
} fixture;

static int open_db(void **state) {
  fixture *f = calloc(1, sizeof *f);
  kerr_msg msg;
  int fd;
  snprintf(f->path, sizeof f->path, "/tmp/central-unit-XXXXXX");
  fd = mkstemp(f->path);
  if (fd < 0) return -1;
  close(fd);
  if (ctl_db_open(f->path, 1, &f->db, msg) != 0) return -1;
  f->conn = ctl_db_acquire(f->db);
  ctl_db_exec(f->conn,
              "INSERT INTO members(id, name, phone, birth_month, created_at) "
              "VALUES('M1', 'Li Lei', '13800000000', 1, 0)",
              NULL);
  *state = f;
  return 0;
}

static int close_db(void **state) {
  fixture *f = *state;
  char p[80];
  ctl_db_release(f->db, f->conn);
  ctl_db_close(f->db);
  unlink(f->path);
  snprintf(p, sizeof p, "%s-wal", f->path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", f->path);
  unlink(p);
  free(f);
  return 0;
}

static int64_t bal(fixture *f, int64_t now) {
  int64_t b = -1;
  assert_int_equal(ctl_ledger_balance(f->conn, "M1", now, &b, NULL), 0);
  return b;
}

static void spending_uses_the_lots_that_expire_first(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  json_t *exp;
  int64_t now = 1000 * DAY;
  assert_int_equal(ctl_ledger_earn(f->conn, "M1", 300, "earn", NULL, NULL, now,
                                   now + 100 * DAY, NULL, msg), 0);
  assert_int_equal(ctl_ledger_earn(f->conn, "M1", 200, "earn", NULL, NULL, now,
                                   now + 10 * DAY, NULL, msg), 0);
  assert_int_equal(ctl_ledger_spend(f->conn, "M1", 250, "redeem", "r1", NULL,
                                    now, NULL, msg), 0);
  assert_int_equal(bal(f, now), 250);
  /* The 200 lot (10 days) went first, then 50 of the 300 lot. */
  assert_int_equal(ctl_ledger_expiring(f->conn, "M1", now, 90, &exp, msg), 0);
  assert_int_equal(json_array_size(exp), 0);
  json_decref(exp);
  assert_int_equal(ctl_ledger_expiring(f->conn, "M1", now, 120, &exp, msg), 0);
  assert_int_equal(json_array_size(exp), 1);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(exp, 0),
                                                      "points")),
                   250);
  json_decref(exp);
}

static void balance_never_goes_below_zero(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  int64_t now = 1000 * DAY;
  assert_int_equal(ctl_ledger_earn(f->conn, "M1", 100, "earn", NULL, NULL, now,
                                   now + DAY, NULL, msg), 0);
  assert_int_equal(ctl_ledger_spend(f->conn, "M1", 101, "redeem", NULL, NULL,
                                    now, NULL, msg),
                   KERR_DENIED);
  assert_int_equal(bal(f, now), 100);
  /* After expiry nothing is left to spend. */
  assert_int_equal(ctl_ledger_spend(f->conn, "M1", 1, "redeem", NULL, NULL,
                                    now + 2 * DAY, NULL, msg),
                   KERR_DENIED);
  assert_int_equal(bal(f, now + 2 * DAY), 0);
}

static void expiry_sweep_keeps_the_balance(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  int64_t now = 1000 * DAY, later = now + 20 * DAY, rows;
  assert_int_equal(ctl_ledger_earn(f->conn, "M1", 500, "earn", NULL, NULL, now,
                                   now + 10 * DAY, NULL, msg), 0);
  assert_int_equal(ctl_ledger_earn(f->conn, "M1", 70, "earn", NULL, NULL, now,
                                   now + 100 * DAY, NULL, msg), 0);
  assert_int_equal(bal(f, later), 70);
  assert_int_equal(ctl_ledger_sweep(f->conn, "M1", later, msg), 0);
  assert_int_equal(bal(f, later), 70);
  assert_int_equal(ctl_db_int(f->conn,
                              "SELECT SUM(delta) FROM ledger WHERE member_id=?",
                              "M1", NULL, 0, &rows, msg),
                   0);
  assert_int_equal(rows, 70); /* the plain sum, once swept */
}

static void refund_returns_points_to_their_lots(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  int64_t now = 1000 * DAY, spend;
  assert_int_equal(ctl_ledger_earn(f->conn, "M1", 400, "earn", NULL, NULL, now,
                                   now + 30 * DAY, NULL, msg), 0);
  assert_int_equal(ctl_ledger_spend(f->conn, "M1", 300, "redeem", NULL, NULL,
                                    now, &spend, msg), 0);
  assert_int_equal(bal(f, now), 100);
  assert_int_equal(ctl_ledger_refund(f->conn, spend, "refund", "v", now, msg),
                   0);
  assert_int_equal(bal(f, now), 400);
  /* The refunded points keep their lot's expiry. */
  assert_int_equal(bal(f, now + 31 * DAY), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(plates_follow_the_national_format),
      cmocka_unit_test_setup_teardown(spending_uses_the_lots_that_expire_first,
                                      open_db, close_db),
      cmocka_unit_test_setup_teardown(balance_never_goes_below_zero, open_db,
                                      close_db),
      cmocka_unit_test_setup_teardown(expiry_sweep_keeps_the_balance, open_db,
                                      close_db),
      cmocka_unit_test_setup_teardown(refund_returns_points_to_their_lots,
                                      open_db, close_db),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
