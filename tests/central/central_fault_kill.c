/*
 * Fault: kiosk-central killed (SIGKILL) in the middle of a stream of
 * concurrent redemptions, which the server commits in groups. After a
 * restart on the same database: every redemption that was answered 201 is
 * there (its voucher reads issued, its Idempotency-Key replays the same
 * answer), a kiosk retrying the requests that got no answer is charged once
 * for each, and ledger, vouchers, stored answers and stock agree with the
 * redemptions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../reliability/report_row.h"
#include "central_client.h"

#define THREADS 24
#define PER_THREAD 40
#define KILL_AFTER 150 /* 201s seen before the kill */
#define STOCK 1000000

static central_server srv;
static atomic_int created, killed;

typedef struct {
  int id;
  long status[PER_THREAD];
  char body[PER_THREAD][600];
} worker;

static const char body[] = "{\"member_id\":\"M100004\",\"item_id\":\"KILL\"}";

static void key_of(int t, int i, char *out, size_t cap) {
  snprintf(out, cap, "kill-%d-%d", t, i);
}

static long redeem(int t, int i, char *out, size_t cap) {
  char key[32];
  central_req_opts o = {0};
  central_resp r;
  long status = 0;
  key_of(t, i, key, sizeof key);
  o.idem_key = key;
  if (central_client_request(&srv, "POST", "/v1/redemptions", body,
                             strlen(body), &o, &r) == 0) {
    status = r.status;
    snprintf(out, cap, "%s", r.body ? r.body : "");
  }
  central_client_resp_free(&r);
  return status;
}

static void *work(void *arg) {
  worker *w = arg;
  int i;
  /* Requests never sent count as unanswered: the kiosk retries them. */
  for (i = 0; i < PER_THREAD && !atomic_load(&killed); i++) {
    w->status[i] = redeem(w->id, i, w->body[i], sizeof w->body[i]);
    if (w->status[i] == 201) atomic_fetch_add(&created, 1);
  }
  return NULL;
}

static int64_t sql_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* An item nobody runs out of and a member who can pay for all of it. */
static void prepare(const char *path) {
  sqlite3 *db;
  char sql[1024];
  snprintf(sql, sizeof sql,
           "BEGIN;"
           "INSERT INTO items SELECT 'KILL', 99, kind, name_zh, name_en, "
           "desc_zh, desc_en, image, 1, NULL, NULL, NULL, 'standard', %d, "
           "NULL, NULL, valid_from, valid_to, 0, 7, pickup_zh, pickup_en "
           "FROM items WHERE id='G002';"
           "INSERT INTO ledger(member_id, delta, reason, reference, "
           "created_at) VALUES('M100004', %d, 'earn', 'test', "
           "strftime('%%s','now'));"
           "INSERT INTO lots(member_id, ledger_id, amount, remaining, "
           "expires_at) VALUES('M100004', last_insert_rowid(), %d, %d, "
           "strftime('%%s','now') + 86400);"
           "COMMIT;",
           STOCK, STOCK, STOCK, STOCK);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

static void killed_server_keeps_every_acknowledged_redemption(void **state) {
  static worker w[THREADS];
  pthread_t t[THREADS];
  char dir[256], out[600];
  int i, j, acked = 0, unanswered = 0;
  int64_t n;
  sqlite3 *db;
  (void)state;

  assert_int_equal(central_client_start(&srv, NULL, NULL, 0), 0);
  snprintf(dir, sizeof dir, "%s", srv.dir);
  assert_int_equal(central_client_stop(&srv), 0);
  prepare(srv.db);
  assert_int_equal(central_client_start(&srv, NULL, dir, 0), 0);

  for (i = 0; i < THREADS; i++) {
    w[i].id = i;
    assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
  }
  /* Kill once enough answers are out, while requests are in flight. */
  while (atomic_load(&created) < KILL_AFTER) {
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  kill(srv.pid, SIGKILL);
  atomic_store(&killed, 1);
  for (i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  assert_int_equal(central_client_stop(&srv), 128 + SIGKILL);

  assert_int_equal(central_client_start(&srv, NULL, dir, 0), 0);
  for (i = 0; i < THREADS; i++) {
    for (j = 0; j < PER_THREAD; j++) {
      long status = redeem(i, j, out, sizeof out);
      assert_int_equal(status, 201);
      if (w[i].status[j] == 201) {
        /* Acknowledged before the kill: stored, and replayed unchanged. */
        acked++;
        assert_string_equal(out, w[i].body[j]);
      } else {
        assert_int_equal(w[i].status[j], 0); /* no answer, never an error */
        unanswered++;
      }
    }
  }
  assert_true(acked >= KILL_AFTER);
  assert_true(unanswered > 0);
  assert_int_equal(central_client_stop(&srv), 0);

  /* One of everything per key: nothing lost, nothing doubled. */
  assert_int_equal(sqlite3_open(srv.db, &db), SQLITE_OK);
  n = sql_int(db, "SELECT COUNT(*) FROM redemptions WHERE item_id='KILL'");
  assert_int_equal(n, THREADS * PER_THREAD);
  assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM vouchers "
                               "WHERE item_id='KILL' AND status='issued'"),
                   n);
  assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM ledger l JOIN "
                               "redemptions r ON l.reference=r.id "
                               "WHERE r.item_id='KILL'"),
                   n);
  assert_int_equal(sql_int(db, "SELECT COUNT(*) FROM idem "
                               "WHERE key LIKE 'kill-%' AND status=201"),
                   n);
  assert_int_equal(sql_int(db, "SELECT stock FROM items WHERE id='KILL'"),
                   STOCK - n);
  assert_int_equal(sql_int(db, "SELECT ledger_sum FROM members "
                               "WHERE id='M100004'"),
                   sql_int(db, "SELECT SUM(delta) FROM ledger "
                               "WHERE member_id='M100004'"));
  sqlite3_close(db);
  central_client_cleanup(&srv);
  report_rowf("central_fault_kill",
              "kiosk-central SIGKILLed under concurrent redemptions, restarted, all retried", 1,
              0, "%d answers acknowledged before the kill replayed unchanged, %d unanswered "
              "applied once on retry", acked, unanswered);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(killed_server_keeps_every_acknowledged_redemption),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
