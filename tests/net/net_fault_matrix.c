/* The fault matrix: the sync worker drains a real outbox into the real
 * kiosk-central (--demo) through kiosk-faultproxy (faultproxy.h), one fault
 * mode per test. For each: enqueue check-ins and redemptions for the demo
 * members, let the fault hit them for a while (an outage: the worker probes
 * once per backoff), then bring the link back flaky (every other request
 * meets the fault, so each transaction meets it once) with sync_kick(), and
 * let it drain. Then every transaction must have ended acked or rejected
 * exactly once, the queue must be empty, and the central's own records must
 * show each accepted transaction once: member balances (GET /v1/members),
 * item stock (GET /v1/catalog), redemption, voucher and ledger rows (its
 * database, read directly) and each voucher (GET /v1/vouchers/{code}).
 * reset, truncated, slow and garbage let the central apply a request whose
 * answer the kiosk never sees: the retry under the same Idempotency-Key must
 * get the first answer, not a second charge.
 *
 * Also prints the slowest sync_enqueue() call per mode (the UI thread's
 * cost, which must not depend on the central); nothing asserts on time.
 * Waits are bounded for liveness only. Exits 77 when kiosk-central or the
 * proxy is not built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../reliability/report_row.h"
#include "faultproxy.h"
#include "klog.h"
#include "net_spawn.h"
#include "net_testdir.h"
#include "sync.h"

#define MAX_TXN 32
#define WAIT_S 30

static const char *members[] = {"M100001", "M100002", "M100003", "M100004"};
static char g_central_bin[PATH_MAX], g_proxy_bin[PATH_MAX];

typedef struct {
  int queued, acked, rejected, retrying, dead;
  long status;                 /* of the final answer */
  char key[OUTBOX_KEY_LEN + 1];
  char member[OUTBOX_MEMBER_MAX];
  outbox_kind kind;
  int attempts;
  long long charged, awarded;  /* from the central's answer */
  char redemption_id[32], voucher[160], error[48];
} txn_seen;

typedef struct {
  char dir[PATH_MAX], db[PATH_MAX + 16], kdir[PATH_MAX + 16];
  spawn_child central;
  int central_port;
  faultproxy fp;
  api *direct;            /* to the central, bypassing the proxy */
  outbox *ob;
  sync_worker *sw;
  char gift[32], soldout[32]; /* catalog items: redeemable, out of stock */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  txn_seen t[MAX_TXN + 1]; /* by outbox id */
  int nqueued, nfinal, nretrying, nother;
  long long enqueue_max_us;
  int enqueue_calls;
} fixture;

static void on_event(void *ctx, sync_event *ev) {
  fixture *f = ctx;
  pthread_mutex_lock(&f->mu);
  txn_seen *s = ev->txn_id > 0 && ev->txn_id <= MAX_TXN ? &f->t[ev->txn_id] : NULL;
  if (!s) {
    f->nother++;
  } else if (ev->type == SYNC_QUEUED) {
    s->queued += ev->rc == KERR_OK;
    f->nqueued++;
    memcpy(s->key, ev->key, sizeof s->key);
    memcpy(s->member, ev->member_id, sizeof s->member);
    s->kind = ev->kind;
  } else if (ev->type == SYNC_RETRYING) {
    s->retrying++;
    f->nretrying++;
  } else if (ev->type == SYNC_ACKED || ev->type == SYNC_REJECTED) {
    *(ev->type == SYNC_ACKED ? &s->acked : &s->rejected) += 1;
    f->nfinal++;
    s->status = ev->status;
    s->attempts = ev->attempts;
    snprintf(s->error, sizeof s->error, "%s", ev->error_code);
    json_t *b = ev->body;
    s->charged += json_integer_value(json_object_get(b, "points_charged"));
    s->awarded += json_integer_value(json_object_get(b, "points_awarded"));
    const char *rid = json_string_value(json_object_get(b, "redemption_id"));
    const char *code = json_string_value(
        json_object_get(json_object_get(b, "voucher"), "code"));
    snprintf(s->redemption_id, sizeof s->redemption_id, "%s", rid ? rid : "");
    snprintf(s->voucher, sizeof s->voucher, "%s", code ? code : "");
  } else {
    s->dead++;
    f->nother++;
  }
  pthread_cond_broadcast(&f->cv);
  pthread_mutex_unlock(&f->mu);
  sync_event_free(ev);
}

/* Waits until *counter >= n (read under the lock); 0 when it got there. */
static int wait_count(fixture *f, const int *counter, int n) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += WAIT_S;
  pthread_mutex_lock(&f->mu);
  while (*counter < n)
    if (pthread_cond_timedwait(&f->cv, &f->mu, &until) != 0)
      break;
  int ok = *counter >= n;
  pthread_mutex_unlock(&f->mu);
  return ok ? 0 : -1;
}

static long get(fixture *f, const char *path, json_t **out) {
  kerr_msg msg;
  api_response r;
  if (api_request(f->direct, "GET", path, NULL, NULL, &r, msg) != KERR_OK)
    fail_msg("GET %s: %s", path, msg);
  long st = r.status;
  *out = r.body;
  r.body = NULL;
  api_response_clear(&r);
  return st;
}

static long long balance(fixture *f, const char *member) {
  char path[64];
  json_t *b;
  snprintf(path, sizeof path, "/v1/members/%s", member);
  assert_int_equal(get(f, path, &b), 200);
  long long points = json_integer_value(json_object_get(b, "points"));
  json_decref(b);
  return points;
}

static long long stock(fixture *f, const char *item) {
  json_t *b, *it;
  size_t i;
  long long n = -1;
  assert_int_equal(get(f, "/v1/catalog", &b), 200);
  json_array_foreach(json_object_get(b, "items"), i, it)
    if (strcmp(json_string_value(json_object_get(it, "id")), item) == 0)
      n = json_integer_value(json_object_get(it, "stock"));
  json_decref(b);
  return n;
}

/* From the live catalog: the cheapest item any member may redeem without a
 * daily or total limit, and one that is out of stock (a sure rejection). */
static void pick_items(fixture *f) {
  json_t *b, *h, *it;
  size_t i;
  assert_int_equal(get(f, "/v1/health", &h), 200);
  json_int_t now = json_integer_value(json_object_get(h, "time"));
  json_decref(h);
  assert_int_equal(get(f, "/v1/catalog", &b), 200);
  json_int_t best = -1;
  json_array_foreach(json_object_get(b, "items"), i, it) {
    const char *id = json_string_value(json_object_get(it, "id"));
    json_int_t cost = json_integer_value(json_object_get(it, "points_cost"));
    json_int_t n = json_integer_value(json_object_get(it, "stock"));
    if (strcmp(json_string_value(json_object_get(it, "min_tier")), "standard") ||
        json_integer_value(json_object_get(it, "valid_from")) > now ||
        json_integer_value(json_object_get(it, "valid_to")) < now)
      continue;
    if (n == 0)
      snprintf(f->soldout, sizeof f->soldout, "%s", id);
    else if (n >= 10 && json_is_null(json_object_get(it, "limit_per_day")) &&
             json_is_null(json_object_get(it, "limit_total")) &&
             (best < 0 || cost < best)) {
      best = cost;
      snprintf(f->gift, sizeof f->gift, "%s", id);
    }
  }
  json_decref(b);
  if (!f->gift[0] || !f->soldout[0])
    fail_msg("the demo catalog has no unlimited item (%s) or none out of "
             "stock (%s)", f->gift, f->soldout);
}

static int teardown(void **state) {
  fixture *f = *state;
  if (!f)
    return 0;
  sync_stop(f->sw);
  outbox_close(f->ob);
  api_close(f->direct);
  faultproxy_stop(&f->fp);
  spawn_stop(&f->central);
  testdir_remove(f->kdir);
  testdir_remove(f->dir);
  pthread_cond_destroy(&f->cv);
  pthread_mutex_destroy(&f->mu);
  free(f);
  return 0;
}

/* cmocka runs no teardown after a failed setup: stop the children here. */
static int setup_failed(void **state, const char *why) {
  fprintf(stderr, "setup: %s\n", why);
  teardown(state);
  *state = NULL;
  return -1;
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  kerr_msg msg;
  if (!f)
    return -1;
  pthread_mutex_init(&f->mu, NULL);
  pthread_cond_init(&f->cv, NULL);
  *state = f;
  if (testdir_make(f->dir, sizeof f->dir) != 0)
    return setup_failed(state, "cannot make a temporary folder");
  snprintf(f->db, sizeof f->db, "%s/central.db", f->dir);
  snprintf(f->kdir, sizeof f->kdir, "%s/kiosk", f->dir);
  char log[PATH_MAX + 16], lines[1][128] = {""};
  snprintf(log, sizeof log, "%s/central.log", f->dir);
  const char *argv[] = {g_central_bin, "--demo", "--listen", "127.0.0.1:0",
                        "--db", f->db, NULL};
  if (spawn_start(&f->central, argv, log, lines, 1) != 0)
    return setup_failed(state, "kiosk-central did not start");
  const char *colon = strrchr(lines[0], ':');
  f->central_port = colon ? (int)strtol(colon + 1, NULL, 10) : 0;
  if (faultproxy_start(&f->fp, g_proxy_bin, f->central_port, NULL) != 0)
    return setup_failed(state, "kiosk-faultproxy did not start");
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", f->central_port);
  api_config ac = {.base_url = url, .kiosk_id = "demo-kiosk",
                   .secret = "demo-secret", .timeout_ms = 5000};
  if (api_open(&ac, &f->direct, msg) != KERR_OK ||
      outbox_open(f->kdir, &f->ob, msg) != KERR_OK)
    return setup_failed(state, msg);
  return 0;
}

/* A short backoff so a fault is met several times in a second or two; a
 * short timeout only where the proxy is slow (5 s), so the kiosk gives up
 * there, and room elsewhere so a loaded machine adds no timeouts. */
static void start_sync(fixture *f, int max_attempts, long timeout_ms) {
  kerr_msg msg;
  sync_config cfg = {
      .max_attempts = max_attempts,
      .api = {.base_url = f->fp.url, .kiosk_id = "demo-kiosk",
              .secret = "demo-secret", .timeout_ms = timeout_ms},
      .backoff_base_ms = 50,
      .backoff_cap_ms = 400,
  };
  if (sync_start(&cfg, f->ob, on_event, f, &f->sw, msg) != KERR_OK)
    fail_msg("sync_start: %s", msg);
}

static void proxy(fixture *f, const char *line) {
  char reply[256];
  if (faultproxy_cmd(&f->fp, line, reply, sizeof reply) != 0)
    fail_msg("faultproxy '%s': %s", line, reply);
}

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Transaction i of the batch: four check-ins (one per member), then two
 * redemptions of the gift per member (M100001 can afford one: its second is
 * refused for points), then one of the sold-out item. */
#define BATCH 13

static void enqueue_one(fixture *f, int i) {
  char body[160];
  outbox_kind kind = OUTBOX_CHECKIN;
  const char *m = members[i % 4], *item = i < 12 ? f->gift : f->soldout;
  if (i < 4) {
    snprintf(body, sizeof body, "{\"member_id\":\"%s\"}", m);
  } else {
    kind = OUTBOX_REDEMPTION;
    snprintf(body, sizeof body,
             "{\"member_id\":\"%s\",\"item_id\":\"%s\",\"quantity\":1}", m, item);
  }
  long long t0 = now_us();
  int rc = sync_enqueue(f->sw, kind, m, body, 0, i, NULL);
  long long us = now_us() - t0;
  assert_int_equal(rc, KERR_OK);
  if (us > f->enqueue_max_us)
    f->enqueue_max_us = us;
  f->enqueue_calls++;
}

/* The central's records this test looks at; the demo data seeds some of
 * them (past redemptions in the ledger), so checks compare before and after. */
typedef struct {
  long long balance[4], gift_stock, soldout_stock;
  long long redemptions, vouchers, redeem_rows, answers;
} ledger_view;

static long long db_count(fixture *f, const char *sql, const char *arg);

static void view(fixture *f, ledger_view *v) {
  for (int i = 0; i < 4; i++)
    v->balance[i] = balance(f, members[i]);
  v->gift_stock = stock(f, f->gift);
  v->soldout_stock = stock(f, f->soldout);
  v->redemptions = db_count(f, "SELECT COUNT(*) FROM redemptions", NULL);
  v->vouchers = db_count(f, "SELECT COUNT(*) FROM vouchers", NULL);
  v->redeem_rows = db_count(f, "SELECT COUNT(*) FROM ledger WHERE reason='redeem'", NULL);
  v->answers = db_count(f, "SELECT COUNT(*) FROM idem WHERE kiosk_id='demo-kiosk'", NULL);
}

static long long db_count(fixture *f, const char *sql, const char *arg) {
  sqlite3 *db;
  sqlite3_stmt *st;
  long long n = -1;
  if (sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    fail_msg("open %s: %s", f->db, sqlite3_errmsg(db));
  sqlite3_busy_timeout(db, 5000);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  if (arg)
    sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

/* What the central's records must show after n transactions, given the
 * view before them and what the kiosk heard. */
static void check_ledger(fixture *f, int n, const ledger_view *before) {
  ledger_view after;
  view(f, &after);
  long long charged[4] = {0}, awarded[4] = {0}, redeemed = 0;
  for (int id = 1; id <= n; id++) {
    txn_seen *s = &f->t[id];
    if (s->queued != 1 || s->acked + s->rejected != 1 || s->dead)
      fail_msg("txn %d: queued %d, acked %d, rejected %d, dead %d", id,
               s->queued, s->acked, s->rejected, s->dead);
    int m = -1;
    for (int i = 0; i < 4; i++)
      if (strcmp(s->member, members[i]) == 0)
        m = i;
    assert_true(m >= 0);
    charged[m] += s->charged;
    awarded[m] += s->awarded;
    if (s->kind != OUTBOX_REDEMPTION || !s->acked)
      continue;
    redeemed++;
    /* The central charged this key once, and what the kiosk holds is the
     * answer to that one charge (a second run would have a new id). */
    assert_int_equal(db_count(f, "SELECT COUNT(*) FROM ledger WHERE "
                                 "reason='redeem' AND idem_key=?1", s->key), 1);
    assert_int_equal(db_count(f, "SELECT COUNT(*) FROM ledger WHERE "
                                 "reason='redeem' AND reference=?1",
                              s->redemption_id), 1);
    char path[200];
    json_t *v;
    snprintf(path, sizeof path, "/v1/vouchers/%s", s->voucher);
    assert_int_equal(get(f, path, &v), 200);
    assert_string_equal(json_string_value(json_object_get(v, "member_id")), s->member);
    json_decref(v);
    for (int k = 1; k < id; k++)
      if (f->t[k].acked && f->t[k].kind == OUTBOX_REDEMPTION)
        assert_string_not_equal(f->t[k].redemption_id, s->redemption_id);
  }
  for (int i = 0; i < 4; i++) {
    long long want = before->balance[i] - charged[i] + awarded[i];
    if (after.balance[i] != want)
      fail_msg("%s: before %lld, charged %lld, awarded %lld: want %lld, the "
               "central has %lld", members[i], before->balance[i], charged[i],
               awarded[i], want, after.balance[i]);
  }
  assert_int_equal(before->gift_stock - after.gift_stock, redeemed);
  assert_int_equal(after.soldout_stock, 0);
  assert_int_equal(after.redemptions - before->redemptions, redeemed);
  assert_int_equal(after.vouchers - before->vouchers, redeemed);
  assert_int_equal(after.redeem_rows - before->redeem_rows, redeemed);
  /* The central stored one answer per key, however often a key came. */
  assert_int_equal(after.answers - before->answers, n);
  kerr_msg msg;
  outbox_stats_t st;
  assert_int_equal(outbox_stats(f->ob, outbox_now_ms(), &st, msg), KERR_OK);
  assert_int_equal(st.depth, 0);
  assert_int_equal(st.dead, 0);
  assert_int_equal(st.acked + st.rejected, n);
  assert_int_equal(f->nother, 0);
}

/* The whole matrix cell for one mode: see the top comment. applied: the
 * mode forwards requests (the central applies them) and withholds the
 * answer, so every key must have reached the central at least twice. */
static void run_mode(void **state, const char *mode, int applied) {
  fixture *f = *state;
  ledger_view before;
  pick_items(f);
  view(f, &before);
  char line[64];
  snprintf(line, sizeof line, "mode %s", mode);
  proxy(f, line);
  start_sync(f, 0, strcmp(mode, "slow") == 0 ? 1000 : 3000);
  for (int i = 0; i < BATCH / 2; i++)
    enqueue_one(f, i);
  /* The rest arrives while the worker is in the fault, maybe in the middle
   * of a 5 s answer: the caller must not feel it. */
  if (wait_count(f, &f->nretrying, 1) != 0)
    fail_msg("%s: the worker never met the fault", mode);
  for (int i = BATCH / 2; i < BATCH; i++) {
    enqueue_one(f, i);
    struct timespec gap = {0, 100 * 1000 * 1000}; /* spans a request under way */
    nanosleep(&gap, NULL);
  }
  if (wait_count(f, &f->nretrying, 3) != 0)
    fail_msg("%s: only %d failed attempts", mode, f->nretrying);
  /* The link comes back flaky: every other request meets the fault, so each
   * transaction (check-in, redemption, refusal) meets it once and then gets
   * through on its retry. */
  proxy(f, "mode pass");
  snprintf(line, sizeof line, "mode %s every 2", mode);
  proxy(f, line);
  sync_kick(f->sw);
  if (wait_count(f, &f->nfinal, BATCH) != 0)
    fail_msg("%s: %d of %d transactions final", mode, f->nfinal, BATCH);
  proxy(f, "mode pass");
  long faults = faultproxy_stat(&f->fp, mode);
  long forwarded = faultproxy_stat(&f->fp, "forwarded");
  int acked = 0, rejected = 0, retried = 0;
  for (int id = 1; id <= BATCH; id++) {
    acked += f->t[id].acked;
    rejected += f->t[id].rejected;
    retried += f->t[id].retrying > 0;
  }
  printf("%-9s: %d acked, %d rejected, %d retried; proxy: %ld faults, %ld "
         "forwarded; max sync_enqueue %lld us over %d calls\n", mode, acked,
         rejected, retried, faults, forwarded, f->enqueue_max_us,
         f->enqueue_calls);
  assert_true(faults >= 3);
  assert_true(acked >= 1 && rejected >= 1);
  /* curl itself resends a request whose reused connection died before any
   * answer byte, so `down` reaches the worker only on fresh connections. */
  if (strcmp(mode, "down") != 0)
    assert_int_equal(retried, BATCH);
  if (applied)
    assert_true(forwarded >= 2 * BATCH);
  check_ledger(f, BATCH, &before);
  char row[64]; /* one row of tests/reliability/REPORT.md per mode */
  snprintf(row, sizeof row, "net_fault_matrix_%s", mode);
  report_rowf(row, "sync worker through the fault proxy, checked in the central's records",
              BATCH, BATCH - acked - rejected,
              "mode %s: %d acked, %d rejected, %d retried, %ld faults injected",
              mode, acked, rejected, retried, faults);
}

static void down_central_the_queue_drains_once_after_it_is_back(void **state) {
  run_mode(state, "down", 0);
}

static void slow_central_enqueue_never_waits_and_nothing_is_charged_twice(void **state) {
  run_mode(state, "slow", 1);
}

static void reset_mid_answer_the_retry_gets_the_first_answer(void **state) {
  run_mode(state, "reset", 1);
}

static void http_500_is_retried_and_applied_once(void **state) {
  run_mode(state, "http500", 0);
}

static void http_429_is_retried_and_applied_once(void **state) {
  run_mode(state, "http429", 0);
}

static void malformed_json_answer_the_retry_gets_the_first_answer(void **state) {
  run_mode(state, "garbage", 1);
}

static void truncated_answer_the_retry_gets_the_first_answer(void **state) {
  run_mode(state, "truncated", 1);
}

/* Exactly one fault on exactly one redemption: the central applied it, the
 * kiosk saw an error, the second attempt (same key) got the first answer. */
static void one_fault(void **state, const char *mode) {
  fixture *f = *state;
  ledger_view before;
  pick_items(f);
  view(f, &before);
  char line[64];
  snprintf(line, sizeof line, "mode %s 1", mode);
  proxy(f, line);
  start_sync(f, 0, 3000);
  enqueue_one(f, 6); /* a redemption the member can afford */
  if (wait_count(f, &f->nfinal, 1) != 0)
    fail_msg("%s once: not final", mode);
  txn_seen *s = &f->t[1];
  assert_int_equal(s->acked, 1);
  assert_int_equal(s->status, 201);
  assert_int_equal(s->retrying, 1);
  assert_int_equal(s->attempts, 2);
  assert_int_equal(faultproxy_stat(&f->fp, mode), 1);
  assert_int_equal(faultproxy_stat(&f->fp, "forwarded"), 2);
  check_ledger(f, 1, &before);
}

static void one_reset_then_the_retry_replays_the_first_answer(void **state) {
  one_fault(state, "reset");
}

static void one_truncated_answer_then_the_retry_replays_the_first_answer(void **state) {
  one_fault(state, "truncated");
}

/* The real-central side of net_sync's max_attempts case: a central that
 * only ever fails makes the transaction DEAD after max_attempts, and since
 * nothing got through, nothing is charged. */
static void a_central_that_keeps_failing_makes_it_dead_and_charges_nothing(void **state) {
  fixture *f = *state;
  ledger_view before, after;
  pick_items(f);
  view(f, &before);
  proxy(f, "mode http500");
  start_sync(f, 3, 3000);
  enqueue_one(f, 6);
  if (wait_count(f, &f->nother, 1) != 0)
    fail_msg("not dead after %d attempts", f->nretrying);
  txn_seen *s = &f->t[1];
  assert_int_equal(s->dead, 1);
  assert_int_equal(s->acked + s->rejected, 0);
  assert_int_equal(f->nretrying, 2);
  assert_int_equal(faultproxy_stat(&f->fp, "http500"), 3);
  assert_int_equal(faultproxy_stat(&f->fp, "forwarded"), 0);
  view(f, &after);
  assert_memory_equal(&before, &after, sizeof before);
  outbox_txn t;
  kerr_msg msg;
  assert_int_equal(outbox_get(f->ob, 1, &t, msg), KERR_OK);
  assert_int_equal(t.state, OUTBOX_DEAD);
  assert_int_equal(t.attempts, 3);
  assert_non_null(strstr(t.last_error, "500"));
  outbox_txn_free(&t);
}

int main(int argc, char **argv) {
  const char *build = getenv("KIOSK_BUILD_DIR");
  snprintf(g_central_bin, sizeof g_central_bin, "%s/kiosk-central", build ? build : ".");
  if (argc > 1)
    snprintf(g_proxy_bin, sizeof g_proxy_bin, "%s", argv[1]);
  else
    snprintf(g_proxy_bin, sizeof g_proxy_bin, "%s/tests/net/kiosk-faultproxy",
             build ? build : ".");
  if (access(g_central_bin, X_OK) != 0 || access(g_proxy_bin, X_OK) != 0) {
    printf("skipped: %s or %s not built\n", g_central_bin, g_proxy_bin);
    return 77;
  }
  klog_set_level(KLOG_ERROR);
  const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
      T(down_central_the_queue_drains_once_after_it_is_back),
      T(slow_central_enqueue_never_waits_and_nothing_is_charged_twice),
      T(reset_mid_answer_the_retry_gets_the_first_answer),
      T(http_500_is_retried_and_applied_once),
      T(http_429_is_retried_and_applied_once),
      T(malformed_json_answer_the_retry_gets_the_first_answer),
      T(truncated_answer_the_retry_gets_the_first_answer),
      T(one_reset_then_the_retry_replays_the_first_answer),
      T(one_truncated_answer_then_the_retry_replays_the_first_answer),
      T(a_central_that_keeps_failing_makes_it_dead_and_charges_nothing),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
