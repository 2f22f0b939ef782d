/* The durable queue against a real sqlite file in a temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "net_testdir.h"
#include "outbox.h"

typedef struct {
  char dir[PATH_MAX];
  outbox *ob;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  kerr_msg msg;
  if (!f || testdir_make(f->dir, sizeof f->dir) != 0)
    return -1;
  if (outbox_open(f->dir, &f->ob, msg) != KERR_OK) {
    fprintf(stderr, "outbox_open: %s\n", msg);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  outbox_close(f->ob);
  testdir_remove(f->dir);
  free(f);
  return 0;
}

static int64_t put(outbox *ob, outbox_kind kind, const char *member,
                   int64_t points) {
  kerr_msg msg;
  int64_t id = 0;
  char body[128];
  snprintf(body, sizeof body, "{\"member_id\":\"%s\",\"n\":%lld}",
           member ? member : "", (long long)points);
  int rc = outbox_enqueue(ob, kind, member, body, points, &id, NULL, msg);
  if (rc)
    fail_msg("enqueue: %s", msg);
  return id;
}

/* Claims at now; returns the id or 0 when nothing is due. */
static int64_t claim(outbox *ob, int64_t now) {
  outbox_txn t;
  kerr_msg msg;
  int rc = outbox_claim_next(ob, now, &t, msg);
  if (rc == KERR_NOT_FOUND)
    return 0;
  if (rc)
    fail_msg("claim: %s", msg);
  assert_int_equal(t.state, OUTBOX_SENDING);
  int64_t id = t.id;
  outbox_txn_free(&t);
  return id;
}

static outbox_state state_of(outbox *ob, int64_t id) {
  outbox_txn t;
  kerr_msg msg;
  assert_int_equal(outbox_get(ob, id, &t, msg), KERR_OK);
  outbox_state s = t.state;
  outbox_txn_free(&t);
  return s;
}

static int64_t far_future(void) { return outbox_now_ms() + 3600 * 1000; }

static void enqueue_gives_a_random_128_bit_hex_key_and_keeps_the_body(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  int64_t id1, id2;
  char k1[OUTBOX_KEY_LEN + 1], k2[OUTBOX_KEY_LEN + 1];
  const char *body = "{\"member_id\":\"M100003\",\"item_id\":\"G01\",\"quantity\":1}";
  assert_int_equal(outbox_enqueue(f->ob, OUTBOX_REDEMPTION, "M100003", body,
                                  800, &id1, k1, msg), KERR_OK);
  assert_int_equal(outbox_enqueue(f->ob, OUTBOX_CHECKIN, "M100001",
                                  "{\"member_id\":\"M100001\"}", 0, &id2, k2,
                                  msg), KERR_OK);
  assert_int_equal(strlen(k1), OUTBOX_KEY_LEN);
  assert_int_equal(strspn(k1, "0123456789abcdef"), OUTBOX_KEY_LEN);
  assert_string_not_equal(k1, k2);
  assert_true(id2 > id1);

  outbox_txn t;
  assert_int_equal(outbox_get(f->ob, id1, &t, msg), KERR_OK);
  assert_string_equal(t.body, body);
  assert_string_equal(t.key, k1);
  assert_string_equal(t.member_id, "M100003");
  assert_int_equal(t.kind, OUTBOX_REDEMPTION);
  assert_int_equal(t.state, OUTBOX_PENDING);
  assert_int_equal(t.points, 800);
  assert_int_equal(t.attempts, 0);
  assert_true(t.created_ms > 0 && t.created_ms <= outbox_now_ms());
  outbox_txn_free(&t);
}

static void claims_go_oldest_first_and_ack_keeps_the_answer(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  int64_t a = put(f->ob, OUTBOX_CHECKIN, "M1", 0);
  int64_t b = put(f->ob, OUTBOX_CHECKIN, "M2", 0);
  int64_t c = put(f->ob, OUTBOX_CHECKIN, "M3", 0);
  int64_t now = far_future();
  assert_int_equal(claim(f->ob, now), a);
  assert_int_equal(claim(f->ob, now), b);
  assert_int_equal(outbox_mark_acked(f->ob, a, 201, "{\"points_awarded\":10}", msg), KERR_OK);
  assert_int_equal(claim(f->ob, now), c);
  assert_int_equal(claim(f->ob, now), 0);

  outbox_txn t;
  assert_int_equal(outbox_get(f->ob, a, &t, msg), KERR_OK);
  assert_int_equal(t.state, OUTBOX_ACKED);
  assert_int_equal(t.answer_status, 201);
  assert_string_equal(t.answer_body, "{\"points_awarded\":10}");
  assert_int_equal(t.attempts, 1);
  assert_true(t.done_ms > 0);
  outbox_txn_free(&t);
  /* Final means final: an acked transaction cannot be acked or retried. */
  assert_int_equal(outbox_mark_acked(f->ob, a, 201, NULL, msg), KERR_INVALID);
  assert_int_equal(outbox_mark_retry(f->ob, a, 0, "x", msg), KERR_INVALID);
  assert_non_null(strstr(msg, "acked"));
  assert_int_equal(outbox_mark_acked(f->ob, 9999, 201, NULL, msg), KERR_NOT_FOUND);
}

static void a_members_later_txn_waits_for_the_earlier_one(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  int64_t m1a = put(f->ob, OUTBOX_REDEMPTION, "M1", 100);
  int64_t m1b = put(f->ob, OUTBOX_REDEMPTION, "M1", 200);
  int64_t m2 = put(f->ob, OUTBOX_CHECKIN, "M2", 0);
  int64_t anon = put(f->ob, OUTBOX_PRINT_RECORD, NULL, 0);
  int64_t now = far_future();

  assert_int_equal(claim(f->ob, now), m1a);
  /* m1b is held back while m1a is sending; others pass it. */
  assert_int_equal(claim(f->ob, now), m2);
  assert_int_equal(claim(f->ob, now), anon);
  assert_int_equal(claim(f->ob, now), 0);

  /* A retry puts m1a back in the queue later: m1b must still wait. */
  int64_t later = now + 5000;
  assert_int_equal(outbox_mark_retry(f->ob, m1a, later, "HTTP 503", msg), KERR_OK);
  assert_int_equal(claim(f->ob, now), 0);
  int64_t due = 0;
  assert_int_equal(outbox_next_due(f->ob, &due, msg), KERR_OK);
  assert_int_equal(due, later);
  assert_int_equal(claim(f->ob, later), m1a);
  assert_int_equal(outbox_mark_rejected(f->ob, m1a, 422, "{\"error\":\"insufficient_points\"}",
                                        "insufficient_points", msg), KERR_OK);
  /* Rejected is final, so the member's next one may go. */
  assert_int_equal(claim(f->ob, later), m1b);
  assert_int_equal(state_of(f->ob, m1a), OUTBOX_REJECTED);
}

static void retry_waits_until_its_time_and_counts_attempts(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  int64_t id = put(f->ob, OUTBOX_PARKING, "M1", 0);
  int64_t t0 = far_future();
  assert_int_equal(claim(f->ob, t0), id);
  assert_int_equal(outbox_mark_retry(f->ob, id, t0 + 1000, "connect refused", msg), KERR_OK);
  assert_int_equal(claim(f->ob, t0 + 999), 0);
  assert_int_equal(claim(f->ob, t0 + 1000), id);
  assert_int_equal(outbox_mark_retry(f->ob, id, t0 + 60000, "timeout", msg), KERR_OK);
  /* The network came back: everything is due now. */
  assert_int_equal(outbox_retry_all(f->ob, t0 + 1001, msg), KERR_OK);
  outbox_txn t;
  assert_int_equal(outbox_claim_next(f->ob, t0 + 1001, &t, msg), KERR_OK);
  assert_int_equal(t.attempts, 3);
  assert_string_equal(t.last_error, "timeout");
  outbox_txn_free(&t);
  assert_int_equal(outbox_next_due(f->ob, &t0, msg), KERR_NOT_FOUND);
}

static void sending_goes_back_to_pending_on_restart_with_the_same_key(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  char key[OUTBOX_KEY_LEN + 1];
  int64_t id;
  assert_int_equal(outbox_enqueue(f->ob, OUTBOX_REDEMPTION, "M1", "{\"a\":1}",
                                  300, &id, key, msg), KERR_OK);
  assert_int_equal(claim(f->ob, far_future()), id);
  /* The process "dies" while sending: close without marking anything. */
  outbox_close(f->ob);
  assert_int_equal(outbox_open(f->dir, &f->ob, msg), KERR_OK);
  outbox_txn t;
  assert_int_equal(outbox_get(f->ob, id, &t, msg), KERR_OK);
  assert_int_equal(t.state, OUTBOX_PENDING);
  assert_string_equal(t.key, key);
  outbox_txn_free(&t);
  assert_int_equal(outbox_claim_next(f->ob, far_future(), &t, msg), KERR_OK);
  assert_int_equal(t.id, id);
  assert_string_equal(t.key, key);
  assert_int_equal(t.attempts, 2);
  outbox_txn_free(&t);
  int n = -1;
  assert_int_equal(outbox_recover(f->ob, &n, msg), KERR_OK);
  assert_int_equal(n, 1);
}

static void bad_input_is_refused_and_leaves_the_queue_unchanged(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  outbox_stats_t st;
  assert_int_equal(outbox_enqueue(f->ob, OUTBOX_CHECKIN, "M1", "{not json", 0,
                                  NULL, NULL, msg), KERR_INVALID);
  assert_non_null(strstr(msg, "JSON"));
  assert_int_equal(outbox_enqueue(f->ob, (outbox_kind)9, "M1", "{}", 0, NULL,
                                  NULL, msg), KERR_INVALID);
  char longid[100];
  memset(longid, 'x', sizeof longid - 1);
  longid[sizeof longid - 1] = '\0';
  assert_int_equal(outbox_enqueue(f->ob, OUTBOX_CHECKIN, longid, "{}", 0, NULL,
                                  NULL, msg), KERR_INVALID);
  assert_int_equal(outbox_stats(f->ob, outbox_now_ms(), &st, msg), KERR_OK);
  assert_int_equal(st.depth, 0);
}

static void stats_count_depth_age_and_final_states(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  outbox_stats_t st;
  int64_t a = put(f->ob, OUTBOX_CHECKIN, "M1", 0);
  int64_t b = put(f->ob, OUTBOX_CHECKIN, "M2", 0);
  int64_t c = put(f->ob, OUTBOX_CHECKIN, "M3", 0);
  put(f->ob, OUTBOX_CHECKIN, "M4", 0);
  int64_t now = far_future();
  assert_int_equal(claim(f->ob, now), a);
  assert_int_equal(claim(f->ob, now), b);
  assert_int_equal(outbox_mark_acked(f->ob, a, 201, NULL, msg), KERR_OK);
  assert_int_equal(outbox_mark_rejected(f->ob, b, 404, NULL, "not_found", msg), KERR_OK);
  assert_int_equal(outbox_mark_dead(f->ob, c, "operator", msg), KERR_OK);
  assert_int_equal(outbox_stats(f->ob, now, &st, msg), KERR_OK);
  assert_int_equal(st.depth, 1);
  assert_int_equal(st.acked, 1);
  assert_int_equal(st.rejected, 1);
  assert_int_equal(st.dead, 1);
  assert_true(st.oldest_pending_age_ms >= 3600 * 1000 - 1000);

  int n = 0;
  assert_int_equal(outbox_prune(f->ob, now + 1, &n, msg), KERR_OK);
  assert_int_equal(n, 1);
  assert_int_equal(outbox_get(f->ob, a, &(outbox_txn){0}, msg), KERR_NOT_FOUND);
  assert_int_equal(outbox_stats(f->ob, now, &st, msg), KERR_OK);
  assert_int_equal(st.acked, 0);
  assert_int_equal(st.rejected, 1);
}

static void pending_points_count_queued_and_acked_after_the_code(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  int64_t p = -1;
  int64_t a = put(f->ob, OUTBOX_REDEMPTION, "M1", 500);
  int64_t b = put(f->ob, OUTBOX_REDEMPTION, "M1", 300);
  put(f->ob, OUTBOX_PARKING, "M1", 40);
  put(f->ob, OUTBOX_REDEMPTION, "M2", 1000);
  assert_int_equal(outbox_pending_points_for_member(f->ob, "M1", INT64_MAX, &p, msg), KERR_OK);
  assert_int_equal(p, 840);
  int64_t now = far_future();
  int64_t before_ack = outbox_now_ms() - 1;
  assert_int_equal(claim(f->ob, now), a);
  assert_int_equal(outbox_mark_acked(f->ob, a, 201, NULL, msg), KERR_OK);
  assert_int_equal(claim(f->ob, now), b);
  assert_int_equal(outbox_mark_rejected(f->ob, b, 422, NULL, "out_of_stock", msg), KERR_OK);
  /* A code issued before the ack still shows the 500 points. */
  assert_int_equal(outbox_pending_points_for_member(f->ob, "M1", before_ack, &p, msg), KERR_OK);
  assert_int_equal(p, 540);
  assert_int_equal(outbox_pending_points_for_member(f->ob, "M1", INT64_MAX, &p, msg), KERR_OK);
  assert_int_equal(p, 40);
  assert_int_equal(outbox_pending_points_for_member(f->ob, "M9", 0, &p, msg), KERR_OK);
  assert_int_equal(p, 0);
}

static void files_are_private_to_the_kiosk_user(void **state) {
  fixture *f = *state;
  put(f->ob, OUTBOX_CHECKIN, "M1", 0);
  const char *names[] = {"", "outbox.sqlite", "outbox.sqlite-wal", "outbox.sqlite-shm"};
  for (size_t i = 0; i < 4; i++) {
    char p[PATH_MAX + 32];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", f->dir, names[i]);
    assert_int_equal(stat(p, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
  }
}

static void a_second_process_cannot_open_the_same_queue(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  outbox *other = NULL;
  assert_int_equal(outbox_open(f->dir, &other, msg), KERR_BUSY);
  assert_null(other);
  assert_non_null(strstr(msg, "in use"));
}

static void schema_is_versioned_and_a_newer_one_is_refused(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  char p[PATH_MAX + 32];
  snprintf(p, sizeof p, "%s/%s", f->dir, OUTBOX_FILE);
  outbox_close(f->ob);
  f->ob = NULL;
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(outbox_open(f->dir, &f->ob, msg), KERR_DB);
  assert_non_null(strstr(msg, "newer"));
  assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=1", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(outbox_open(f->dir, &f->ob, msg), KERR_OK);
  assert_int_equal(outbox_check(f->ob, msg), KERR_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
      T(enqueue_gives_a_random_128_bit_hex_key_and_keeps_the_body),
      T(claims_go_oldest_first_and_ack_keeps_the_answer),
      T(a_members_later_txn_waits_for_the_earlier_one),
      T(retry_waits_until_its_time_and_counts_attempts),
      T(sending_goes_back_to_pending_on_restart_with_the_same_key),
      T(bad_input_is_refused_and_leaves_the_queue_unchanged),
      T(stats_count_depth_age_and_final_states),
      T(pending_points_count_queued_and_acked_after_the_code),
      T(files_are_private_to_the_kiosk_user),
      T(a_second_process_cannot_open_the_same_queue),
      T(schema_is_versioned_and_a_newer_one_is_refused),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
