/* The sync worker against a scripted local HTTP server and a real outbox:
 * what each kind of answer does to a transaction, and that every retry
 * carries the same Idempotency-Key. Waits are bounded (20 s) for liveness
 * only; nothing asserts on time.
 *
 * Why a fake here and not kiosk-faultproxy in front of the real central
 * (net_fault_matrix.c runs 500, 429, malformed JSON, resets and the rest
 * that way, and max_attempts against the real central): these cases check
 * what each attempt carried (path, body, the same key on all seven), the
 * exact sequence of answers (408, 503 and 401 too, which neither the proxy
 * nor the central gives on demand) and per-member send order, all read from
 * the fake's request log; and they keep this a unit test that needs no
 * server process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "klog.h"
#include "net_fakecentral.h"
#include "net_testdir.h"
#include "sync.h"

#define MAX_EVENTS 512

typedef struct {
  char dir[PATH_MAX];
  outbox *ob;
  fake_central fc;
  sync_worker *sw;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  sync_event *ev[MAX_EVENTS];
  int nev;
} fixture;

static void on_event(void *ctx, sync_event *ev) {
  fixture *f = ctx;
  pthread_mutex_lock(&f->mu);
  if (f->nev < MAX_EVENTS)
    f->ev[f->nev++] = ev;
  else
    sync_event_free(ev);
  pthread_cond_broadcast(&f->cv);
  pthread_mutex_unlock(&f->mu);
}

static int count_type(fixture *f, sync_event_type type) {
  int n = 0;
  for (int i = 0; i < f->nev; i++)
    n += f->ev[i]->type == type;
  return n;
}

/* Waits until n events of the type arrived; fails after 20 s. */
static void wait_for(fixture *f, sync_event_type type, int n) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 20;
  pthread_mutex_lock(&f->mu);
  while (count_type(f, type) < n)
    if (pthread_cond_timedwait(&f->cv, &f->mu, &until) != 0)
      break;
  int got = count_type(f, type);
  pthread_mutex_unlock(&f->mu);
  if (got < n)
    fail_msg("waited for %d events of type %d, got %d", n, (int)type, got);
}

static sync_event *nth(fixture *f, sync_event_type type, int k) {
  for (int i = 0; i < f->nev; i++)
    if (f->ev[i]->type == type && k-- == 0)
      return f->ev[i];
  fail_msg("no event %d of type %d", k, (int)type);
  return NULL;
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  kerr_msg msg;
  if (!f || testdir_make(f->dir, sizeof f->dir) != 0 ||
      outbox_open(f->dir, &f->ob, msg) != KERR_OK)
    return -1;
  pthread_mutex_init(&f->mu, NULL);
  pthread_cond_init(&f->cv, NULL);
  pthread_mutex_init(&f->fc.mu, NULL);
  f->fc.dflt = 201;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  sync_stop(f->sw);
  fake_stop(&f->fc);
  for (int i = 0; i < f->nev; i++)
    sync_event_free(f->ev[i]);
  outbox_close(f->ob);
  testdir_remove(f->dir);
  pthread_mutex_destroy(&f->fc.mu);
  pthread_cond_destroy(&f->cv);
  pthread_mutex_destroy(&f->mu);
  free(f);
  return 0;
}

static void start_sync(fixture *f, int max_attempts) {
  char url[64];
  kerr_msg msg;
  snprintf(url, sizeof url, "http://127.0.0.1:%u", f->fc.port);
  sync_config cfg = {
      .api = {.base_url = url, .kiosk_id = "demo-kiosk", .secret = "demo-secret",
              .timeout_ms = 2000},
      .backoff_base_ms = 5,
      .backoff_cap_ms = 40,
      .max_attempts = max_attempts,
  };
  if (sync_start(&cfg, f->ob, on_event, f, &f->sw, msg) != KERR_OK)
    fail_msg("sync_start: %s", msg);
}

static void script(fixture *f, const int *statuses, int n) {
  pthread_mutex_lock(&f->fc.mu);
  memcpy(f->fc.script, statuses, (size_t)n * sizeof *statuses);
  f->fc.nscript = n;
  f->fc.next = 0;
  pthread_mutex_unlock(&f->fc.mu);
}

static void enqueue(fixture *f, outbox_kind kind, const char *member, int tag) {
  char body[96];
  snprintf(body, sizeof body, "{\"member_id\":\"%s\",\"tag\":%d}", member, tag);
  assert_int_equal(sync_enqueue(f->sw, kind, member, body, 0, tag, NULL), KERR_OK);
}

static outbox_state state_of(fixture *f, int64_t id) {
  outbox_txn t;
  kerr_msg msg;
  assert_int_equal(outbox_get(f->ob, id, &t, msg), KERR_OK);
  outbox_state s = t.state;
  outbox_txn_free(&t);
  return s;
}

static void a_2xx_acks_and_keeps_the_centrals_answer(void **state) {
  fixture *f = *state;
  assert_int_equal(fake_start(&f->fc, 0), 0);
  start_sync(f, 0);
  enqueue(f, OUTBOX_REDEMPTION, "M100003", 7);
  wait_for(f, SYNC_ACKED, 1);
  sync_event *q = nth(f, SYNC_QUEUED, 0), *a = nth(f, SYNC_ACKED, 0);
  assert_int_equal(q->rc, KERR_OK);
  assert_int_equal(q->tag, 7);
  assert_int_equal(a->txn_id, q->txn_id);
  assert_int_equal(a->status, 201);
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(a->body, "voucher"), "code")), "KV1.0");
  assert_string_equal(f->fc.reqs[0].path, "/v1/redemptions");
  assert_string_equal(f->fc.reqs[0].key, q->key);
  assert_non_null(strstr(f->fc.reqs[0].body, "\"tag\":7"));
  outbox_txn t;
  kerr_msg msg;
  assert_int_equal(outbox_get(f->ob, q->txn_id, &t, msg), KERR_OK);
  assert_int_equal(t.state, OUTBOX_ACKED);
  assert_non_null(strstr(t.answer_body, "KV1.0"));
  outbox_txn_free(&t);
}

static void a_4xx_is_final_with_the_centrals_reason(void **state) {
  fixture *f = *state;
  int s[] = {422};
  script(f, s, 1);
  assert_int_equal(fake_start(&f->fc, 0), 0);
  start_sync(f, 0);
  enqueue(f, OUTBOX_REDEMPTION, "M1", 1);
  wait_for(f, SYNC_REJECTED, 1);
  sync_event *r = nth(f, SYNC_REJECTED, 0);
  assert_int_equal(r->status, 422);
  assert_string_equal(r->error_code, "insufficient_points");
  assert_string_equal(r->msg, "scripted 422");
  outbox_txn t;
  kerr_msg msg;
  assert_int_equal(outbox_get(f->ob, r->txn_id, &t, msg), KERR_OK);
  assert_int_equal(t.state, OUTBOX_REJECTED);
  assert_int_equal(t.answer_status, 422);
  assert_string_equal(t.last_error, "insufficient_points: scripted 422");
  outbox_txn_free(&t);
  /* Rejected means never sent again. */
  enqueue(f, OUTBOX_CHECKIN, "M1", 2);
  wait_for(f, SYNC_ACKED, 1);
  assert_int_equal(f->fc.nreqs, 2);
}

static void errors_401_408_429_5xx_and_bad_json_retry_with_the_same_key(void **state) {
  fixture *f = *state;
  int s[] = {500, 429, 408, 503, -1, 401};
  script(f, s, 6);
  assert_int_equal(fake_start(&f->fc, 0), 0);
  start_sync(f, 0);
  enqueue(f, OUTBOX_PARKING, "M2", 1);
  wait_for(f, SYNC_ACKED, 1);
  assert_int_equal(f->fc.nreqs, 7);
  for (int i = 0; i < 7; i++) {
    assert_string_equal(f->fc.reqs[i].key, f->fc.reqs[0].key);
    assert_string_equal(f->fc.reqs[i].body, f->fc.reqs[0].body);
    assert_string_equal(f->fc.reqs[i].path, "/v1/parking/coupons");
  }
  assert_int_equal(count_type(f, SYNC_RETRYING), 6);
  sync_event *r = nth(f, SYNC_RETRYING, 1);
  assert_int_equal(r->status, 429);
  assert_true(r->retry_in_ms >= 0 && r->retry_in_ms <= 40);
  assert_int_equal(nth(f, SYNC_RETRYING, 4)->rc, KERR_PROTO);
  assert_int_equal(nth(f, SYNC_RETRYING, 5)->status, 401);
  assert_int_equal(nth(f, SYNC_ACKED, 0)->attempts, 7);
}

static void a_members_transactions_arrive_in_order_and_queued_is_told_first(void **state) {
  fixture *f = *state;
  int s[] = {503, 503};
  script(f, s, 2);
  assert_int_equal(fake_start(&f->fc, 0), 0);
  start_sync(f, 0);
  for (int i = 0; i < 6; i++)
    enqueue(f, OUTBOX_REDEMPTION, i % 2 ? "MB" : "MA", i);
  wait_for(f, SYNC_ACKED, 6);
  /* Each transaction's SYNC_QUEUED came before its SYNC_ACKED. */
  for (int i = 0; i < f->nev; i++) {
    if (f->ev[i]->type != SYNC_ACKED)
      continue;
    int queued_before = 0;
    for (int k = 0; k < i; k++)
      queued_before |= f->ev[k]->type == SYNC_QUEUED && f->ev[k]->txn_id == f->ev[i]->txn_id;
    assert_true(queued_before);
  }
  /* The accepted order per member is the enqueue order. */
  int last_a = -1, last_b = -1;
  for (int i = 0; i < f->nev; i++) {
    sync_event *e = f->ev[i];
    if (e->type != SYNC_ACKED)
      continue;
    int tag = -1;
    for (int k = 0; k < f->fc.nreqs; k++)
      if (strcmp(f->fc.reqs[k].key, e->key) == 0)
        sscanf(strstr(f->fc.reqs[k].body, "\"tag\":") + 6, "%d", &tag);
    int *last = strcmp(e->member_id, "MA") == 0 ? &last_a : &last_b;
    assert_true(tag > *last);
    *last = tag;
  }
  assert_int_equal(last_a, 4);
  assert_int_equal(last_b, 5);
}

static void a_central_that_is_down_is_retried_and_kick_sends_at_once(void **state) {
  fixture *f = *state;
  /* Learn a free port, then leave it closed: connections are refused. */
  assert_int_equal(fake_start(&f->fc, 0), 0);
  unsigned short port = f->fc.port;
  fake_stop(&f->fc);
  char url[64];
  kerr_msg msg;
  snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
  /* A long backoff: only the kick can bring the transaction through soon. */
  sync_config cfg = {.api = {.base_url = url, .kiosk_id = "k", .secret = "s",
                             .timeout_ms = 2000},
                     .backoff_base_ms = 600000, .backoff_cap_ms = 600000};
  assert_int_equal(sync_start(&cfg, f->ob, on_event, f, &f->sw, msg), KERR_OK);
  enqueue(f, OUTBOX_CHECKIN, "M3", 1);
  enqueue(f, OUTBOX_CHECKIN, "M4", 2);
  wait_for(f, SYNC_RETRYING, 1);
  sync_event *r = nth(f, SYNC_RETRYING, 0);
  assert_int_equal(r->rc, KERR_NET);
  assert_int_equal(r->status, 0);
  assert_true(strlen(r->msg) > 0);
  outbox_stats_t st;
  assert_int_equal(outbox_stats(f->ob, outbox_now_ms(), &st, msg), KERR_OK);
  assert_int_equal(st.depth, 2);
  assert_int_equal(fake_start(&f->fc, port), 0);
  sync_kick(f->sw);
  wait_for(f, SYNC_ACKED, 2);
  assert_int_equal(outbox_stats(f->ob, outbox_now_ms(), &st, msg), KERR_OK);
  assert_int_equal(st.depth, 0);
  /* While the link was down the worker probed once, not once per txn. */
  assert_int_equal(count_type(f, SYNC_RETRYING), 1);
}

static void max_attempts_makes_a_transaction_dead(void **state) {
  fixture *f = *state;
  int s[] = {500, 500, 500};
  script(f, s, 3);
  assert_int_equal(fake_start(&f->fc, 0), 0);
  start_sync(f, 3);
  enqueue(f, OUTBOX_RECEIPT, "M5", 1);
  wait_for(f, SYNC_DEAD, 1);
  sync_event *d = nth(f, SYNC_DEAD, 0);
  assert_int_equal(d->attempts, 3);
  assert_int_equal(state_of(f, d->txn_id), OUTBOX_DEAD);
  assert_string_equal(f->fc.reqs[0].path, "/v1/receipts/claims");
}

static void stop_writes_everything_it_accepted(void **state) {
  fixture *f = *state;
  assert_int_equal(fake_start(&f->fc, 0), 0);
  start_sync(f, 0);
  int accepted = 0;
  for (int i = 0; i < 100; i++)
    if (sync_enqueue(f->sw, OUTBOX_PRINT_RECORD, NULL, "{}", 0, i, NULL) == KERR_OK)
      accepted++;
  assert_true(accepted >= 64);
  sync_stop(f->sw);
  f->sw = NULL;
  assert_int_equal(count_type(f, SYNC_QUEUED), accepted);
  outbox_stats_t st;
  kerr_msg msg;
  assert_int_equal(outbox_stats(f->ob, outbox_now_ms(), &st, msg), KERR_OK);
  assert_int_equal(st.depth + st.acked, accepted);
}

static void backoff_is_full_jitter_under_a_growing_capped_ceiling(void **state) {
  (void)state;
  assert_int_equal(sync_backoff_ms(1, 500, 60000, 0), 0);
  assert_int_equal(sync_backoff_ms(1, 500, 60000, UINT32_MAX), 500);
  assert_int_equal(sync_backoff_ms(2, 500, 60000, UINT32_MAX), 1000);
  assert_int_equal(sync_backoff_ms(5, 500, 60000, UINT32_MAX), 8000);
  assert_int_equal(sync_backoff_ms(8, 500, 60000, UINT32_MAX), 60000);
  assert_int_equal(sync_backoff_ms(1000, 500, 60000, UINT32_MAX), 60000);
  assert_int_equal(sync_backoff_ms(3, 500, 60000, 1u << 31), 1000);
  assert_int_equal(sync_backoff_ms(1000, 500, 5000, 1u << 31), 2500);
}

int main(void) {
  klog_set_level(KLOG_ERROR);
  const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
      T(a_2xx_acks_and_keeps_the_centrals_answer),
      T(a_4xx_is_final_with_the_centrals_reason),
      T(errors_401_408_429_5xx_and_bad_json_retry_with_the_same_key),
      T(a_members_transactions_arrive_in_order_and_queued_is_told_first),
      T(a_central_that_is_down_is_retried_and_kick_sends_at_once),
      T(max_attempts_makes_a_transaction_dead),
      T(stop_writes_everything_it_accepted),
#undef T
      cmocka_unit_test(backoff_is_full_jitter_under_a_growing_capped_ceiling),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
