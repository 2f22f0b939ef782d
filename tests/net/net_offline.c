/* Unit tests of the kiosk's offline redemption (net/offline.h) and its
 * voucher key (net/kvkey.h), on real sqlite files in temporary folders:
 * every refusal, the points the queue already holds, the daily cap, the
 * code's shape and signature, settling, and the key file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvkey.h"
#include "net_testdir.h"
#include "offline.h"

#define NOW 1767225600 /* 2026-01-01 00:00 UTC */

typedef struct {
  char dir[PATH_MAX];
  kvkey key;
  outbox *ob;
  offline *off;
  mcode_claims member;
  offline_policy policy;
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  kerr_msg msg;
  assert_non_null(f);
  assert_int_equal(testdir_make(f->dir, sizeof f->dir), 0);
  kvkey_demo(&f->key);
  assert_int_equal(outbox_open(f->dir, &f->ob, msg), KERR_OK);
  assert_int_equal(offline_open(f->dir, &f->key, f->ob, &f->off, msg), KERR_OK);
  snprintf(f->member.member_id, sizeof f->member.member_id, "M100004");
  snprintf(f->member.tier, sizeof f->member.tier, "diamond");
  f->member.points = 1000;
  f->member.issued = NOW - 60;
  f->policy = (offline_policy){.enabled = 1, .max_points = 2000, .max_per_day = 2};
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  offline_close(f->off);
  outbox_close(f->ob);
  testdir_remove(f->dir);
  free(f);
  return 0;
}

static offline_request req(fx *f, const char *item, int offline_ok, int64_t pts) {
  return (offline_request){.member = &f->member, .item_id = item,
                           .item_offline = offline_ok, .quantity = 1,
                           .points = pts};
}

static offline_verdict verdict_of(fx *f, offline_request rq) {
  offline_verdict v = (offline_verdict)-1;
  kerr_msg msg;
  assert_int_equal(offline_check(f->off, &f->policy, &rq, NOW, &v, msg), KERR_OK);
  return v;
}

static void refused_when_the_mall_turned_offline_redemption_off(void **state) {
  fx *f = *state;
  f->policy.enabled = 0;
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 100)), OFFLINE_MODE_OFF);
}

static void refused_for_an_item_not_offline_redeemable(void **state) {
  fx *f = *state;
  assert_int_equal(verdict_of(f, req(f, "G002", 0, 100)), OFFLINE_NOT_REDEEMABLE);
}

static void refused_over_the_points_cap_per_redemption(void **state) {
  fx *f = *state;
  f->member.points = 100000;
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 2001)), OFFLINE_OVER_CAP);
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 2000)), OFFLINE_ALLOWED);
  f->policy.max_points = -1;
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 90000)), OFFLINE_ALLOWED);
}

static void refused_over_the_points_in_the_member_code(void **state) {
  fx *f = *state;
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 1001)), OFFLINE_OVER_POINTS);
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 1000)), OFFLINE_ALLOWED);
}

/* What this kiosk queued for the member, or had acknowledged after the code
 * was issued, is not in the code's balance yet. */
static void points_already_queued_for_the_member_count_against_the_code(void **state) {
  fx *f = *state;
  kerr_msg msg;
  outbox_txn t;
  int64_t id;
  assert_int_equal(outbox_enqueue(f->ob, OUTBOX_REDEMPTION, "M100004",
                                  "{\"member_id\":\"M100004\"}", 700, &id,
                                  NULL, msg), KERR_OK);
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 301)), OFFLINE_OVER_POINTS);
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 300)), OFFLINE_ALLOWED);
  /* Acknowledged after the code was issued: still not in the code. */
  assert_int_equal(outbox_claim_next(f->ob, outbox_now_ms(), &t, msg), KERR_OK);
  outbox_txn_free(&t);
  assert_int_equal(outbox_mark_acked(f->ob, id, 201, "{}", msg), KERR_OK);
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 301)), OFFLINE_OVER_POINTS);
  /* Another member's queue is not this member's. */
  snprintf(f->member.member_id, sizeof f->member.member_id, "M100001");
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 1000)), OFFLINE_ALLOWED);
}

static void issue_one(fx *f, offline_voucher *v, int64_t now) {
  offline_request rq = req(f, "P001", 1, 100);
  offline_verdict verdict;
  kerr_msg msg;
  assert_int_equal(offline_issue(f->off, &f->policy, &rq, now, &verdict, v, msg),
                   KERR_OK);
  assert_int_equal(verdict, OFFLINE_ALLOWED);
}

static void refused_over_the_daily_cap_of_provisional_vouchers(void **state) {
  fx *f = *state;
  offline_voucher v;
  kerr_msg msg;
  for (int i = 0; i < 2; i++) {
    issue_one(f, &v, NOW);
    assert_int_equal(offline_mark_provisional(f->off, v.code, msg), KERR_OK);
    offline_voucher_free(&v);
  }
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 100)), OFFLINE_DAILY_CAP);
  /* Signed but confirmed in time (never printed 待确认) does not count:
   * only the provisional ones do. And the next day starts again. */
  offline_policy p = f->policy;
  offline_request rq = req(f, "P001", 1, 100);
  offline_verdict verdict;
  assert_int_equal(offline_check(f->off, &p, &rq, NOW + 2 * 86400, &verdict, msg),
                   KERR_OK);
  assert_int_equal(verdict, OFFLINE_ALLOWED);
  f->policy.max_per_day = 3;
  issue_one(f, &v, NOW); /* signed, not provisional */
  offline_voucher_free(&v);
  assert_int_equal(verdict_of(f, req(f, "P001", 1, 100)), OFFLINE_ALLOWED);
}

static void a_refusal_issues_nothing(void **state) {
  fx *f = *state;
  offline_request rq = req(f, "G002", 0, 100);
  offline_verdict verdict;
  offline_voucher v;
  offline_stats_t st;
  kerr_msg msg;
  assert_int_equal(offline_issue(f->off, &f->policy, &rq, NOW, &verdict, &v, msg),
                   KERR_OK);
  assert_int_equal(verdict, OFFLINE_NOT_REDEEMABLE);
  assert_null(v.body);
  assert_int_equal(v.code[0], '\0');
  assert_int_equal(offline_stats(f->off, &st, msg), KERR_OK);
  assert_int_equal(st.queued, 0);
}

static void the_voucher_is_a_kv1_code_signed_by_the_kiosk_key(void **state) {
  fx *f = *state;
  offline_voucher v;
  char head[64];
  issue_one(f, &v, NOW);
  snprintf(head, sizeof head, "KV1.%s.P001.M100004.%lld.", v.voucher_id,
           (long long)(NOW + OFFLINE_VALID_DAYS * 86400));
  assert_int_equal(strncmp(v.code, head, strlen(head)), 0);
  assert_int_equal(v.voucher_id[0], 'O');
  assert_int_equal(strlen(v.voucher_id), 13);
  assert_true(kvkey_verify(f->key.pk, v.code));
  /* One flipped byte and it no longer verifies. */
  v.code[6] = v.code[6] == 'A' ? 'B' : 'A';
  assert_false(kvkey_verify(f->key.pk, v.code));
  json_t *b = json_loads(v.body, 0, NULL);
  assert_non_null(b);
  assert_string_equal(json_string_value(json_object_get(b, "item_id")), "P001");
  assert_int_equal(json_integer_value(json_object_get(
                       json_object_get(b, "offline_voucher"), "issued_at")),
                   NOW);
  assert_non_null(offline_body_code(b));
  json_decref(b);
  offline_voucher_free(&v);
}

static void bad_requests_are_errors_not_verdicts(void **state) {
  fx *f = *state;
  offline_request rq = req(f, "P0.01", 1, 100); /* a dot would split the code */
  offline_verdict verdict;
  kerr_msg msg;
  assert_int_equal(offline_check(f->off, &f->policy, &rq, NOW, &verdict, msg),
                   KERR_INVALID);
  rq = req(f, "P001", 1, 100);
  rq.quantity = 11;
  assert_int_equal(offline_check(f->off, &f->policy, &rq, NOW, &verdict, msg),
                   KERR_INVALID);
}

/* The central's answer settles the voucher: rejected, it is void with the
 * central's reason, and it shows in the stats and the admin list. */
static void a_rejected_redemption_voids_the_voucher_with_the_reason(void **state) {
  fx *f = *state;
  offline_voucher v1, v2;
  outbox_txn t;
  int64_t id1, id2;
  kerr_msg msg;
  issue_one(f, &v1, NOW);
  issue_one(f, &v2, NOW);
  assert_int_equal(offline_mark_provisional(f->off, v2.code, msg), KERR_OK);
  assert_int_equal(outbox_enqueue(f->ob, OUTBOX_REDEMPTION, "M100004", v1.body,
                                  100, &id1, NULL, msg), KERR_OK);
  assert_int_equal(outbox_enqueue(f->ob, OUTBOX_REDEMPTION, "M100001", v2.body,
                                  100, &id2, NULL, msg), KERR_OK);
  for (int i = 0; i < 2; i++) {
    assert_int_equal(outbox_claim_next(f->ob, outbox_now_ms(), &t, msg), KERR_OK);
    outbox_txn_free(&t);
  }
  sync_event ev = {.type = SYNC_ACKED, .txn_id = id1, .kind = OUTBOX_REDEMPTION};
  offline_entry e;
  assert_int_equal(offline_settle(f->off, &ev, &e, msg), KERR_OK);
  assert_int_equal(e.state, OFFLINE_CONFIRMED);
  sync_event rej = {.type = SYNC_REJECTED, .txn_id = id2, .kind = OUTBOX_REDEMPTION,
                    .status = 409, .error_code = "insufficient_points"};
  assert_int_equal(offline_settle(f->off, &rej, &e, msg), KERR_OK);
  assert_int_equal(e.state, OFFLINE_VOID);
  assert_string_equal(e.reason, "insufficient_points");
  assert_true(e.provisional);
  /* Once: a second event changes nothing. */
  sync_event again = {.type = SYNC_ACKED, .txn_id = id2, .kind = OUTBOX_REDEMPTION};
  assert_int_equal(offline_settle(f->off, &again, &e, msg), KERR_OK);
  assert_int_equal(e.state, OFFLINE_VOID);

  offline_stats_t st;
  assert_int_equal(offline_stats(f->off, &st, msg), KERR_OK);
  assert_int_equal(st.confirmed, 1);
  assert_int_equal(st.voided, 1);
  assert_int_equal(st.voided_provisional, 1);
  assert_int_equal(st.queued, 0);
  offline_entry list[4];
  int n = 0;
  assert_int_equal(offline_list_void(f->off, list, 4, &n, msg), KERR_OK);
  assert_int_equal(n, 1);
  assert_string_equal(list[0].code, v2.code);
  offline_voucher_free(&v1);
  offline_voucher_free(&v2);
}

static void a_redemption_without_an_offline_voucher_is_not_settled(void **state) {
  fx *f = *state;
  int64_t id;
  kerr_msg msg;
  assert_int_equal(outbox_enqueue(f->ob, OUTBOX_REDEMPTION, "M100004",
                                  "{\"member_id\":\"M100004\"}", 1, &id, NULL, msg),
                   KERR_OK);
  sync_event ev = {.type = SYNC_ACKED, .txn_id = id, .kind = OUTBOX_REDEMPTION};
  assert_int_equal(offline_settle(f->off, &ev, NULL, msg), KERR_NOT_FOUND);
  assert_int_equal(offline_mark_provisional(f->off, "KV1.nothing", msg),
                   KERR_NOT_FOUND);
}

/* The queue would not take the redemption: the voucher is forgotten, but
 * never one that is on paper already. */
static void a_voucher_that_was_never_queued_is_discarded(void **state) {
  fx *f = *state;
  offline_voucher a, b;
  offline_entry e;
  kerr_msg msg;
  issue_one(f, &a, NOW);
  issue_one(f, &b, NOW);
  assert_int_equal(offline_discard(f->off, a.code, msg), KERR_OK);
  assert_int_equal(offline_get(f->off, a.code, &e, msg), KERR_NOT_FOUND);
  assert_int_equal(offline_mark_provisional(f->off, b.code, msg), KERR_OK);
  assert_int_equal(offline_discard(f->off, b.code, msg), KERR_INVALID);
  assert_int_equal(offline_get(f->off, b.code, &e, msg), KERR_OK);
  offline_voucher_free(&a);
  offline_voucher_free(&b);
}

static void policy_comes_from_the_kiosk_config(void **state) {
  (void)state;
  offline_policy p;
  json_t *cfg = json_pack("{s:{s:i, s:i}}", "offline_limits",
                          "max_points_per_redemption", 2000,
                          "max_redemptions_per_member_per_day", 2);
  offline_policy_from_config(cfg, 1, &p);
  assert_int_equal(p.enabled, 1);
  assert_int_equal(p.max_points, 2000);
  assert_int_equal(p.max_per_day, 2);
  json_decref(cfg);
  offline_policy_from_config(NULL, 0, &p); /* none cached: the defaults */
  assert_int_equal(p.enabled, 0);
  assert_int_equal(p.max_points, OFFLINE_DEFAULT_MAX_POINTS);
  assert_int_equal(p.max_per_day, OFFLINE_DEFAULT_PER_DAY);
}

/* The key file: made once (0600), the same key on every later start, and
 * never silently replaced when damaged. */
static void the_kiosk_key_is_created_once_private_and_kept(void **state) {
  fx *f = *state;
  char sub[PATH_MAX + 16], path[PATH_MAX + 64];
  kvkey a, b;
  kerr_msg msg;
  struct stat sb;
  snprintf(sub, sizeof sub, "%s/keys", f->dir);
  assert_int_equal(kvkey_load(sub, &a, msg), KERR_OK);
  snprintf(path, sizeof path, "%s/%s", sub, KVKEY_FILE);
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0600);
  assert_int_equal(kvkey_load(sub, &b, msg), KERR_OK);
  assert_memory_equal(a.pk, b.pk, 32);
  assert_int_equal(strlen(a.pk_b64), 43);
  char code[256];
  assert_int_equal(kvkey_sign(&a, "KV1.O1.P001.M1.9", code, sizeof code), KERR_OK);
  assert_true(kvkey_verify(b.pk, code));
  kvkey demo;
  kvkey_demo(&demo);
  assert_false(kvkey_verify(demo.pk, code));
  /* Damaged: an error naming the file, not a new key. */
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs("not a key\n", fp);
  fclose(fp);
  assert_int_equal(kvkey_load(sub, &b, msg), KERR_CONFIG);
  assert_non_null(strstr(msg, KVKEY_FILE));
  unlink(path);
  rmdir(sub);
  kvkey_wipe(&a);
}

/* The demo key is public and fixed: kiosk-central --demo knows it. */
static void the_demo_key_comes_from_the_documented_seed(void **state) {
  (void)state;
  unsigned char pk[32], sk[64];
  kvkey k;
  kvkey_demo(&k);
  crypto_sign_seed_keypair(pk, sk, (const unsigned char *)"demo-kiosk voucher key, public!!");
  assert_memory_equal(k.pk, pk, 32);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(refused_when_the_mall_turned_offline_redemption_off, setup, teardown),
      cmocka_unit_test_setup_teardown(refused_for_an_item_not_offline_redeemable, setup, teardown),
      cmocka_unit_test_setup_teardown(refused_over_the_points_cap_per_redemption, setup, teardown),
      cmocka_unit_test_setup_teardown(refused_over_the_points_in_the_member_code, setup, teardown),
      cmocka_unit_test_setup_teardown(points_already_queued_for_the_member_count_against_the_code, setup, teardown),
      cmocka_unit_test_setup_teardown(refused_over_the_daily_cap_of_provisional_vouchers, setup, teardown),
      cmocka_unit_test_setup_teardown(a_refusal_issues_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(the_voucher_is_a_kv1_code_signed_by_the_kiosk_key, setup, teardown),
      cmocka_unit_test_setup_teardown(bad_requests_are_errors_not_verdicts, setup, teardown),
      cmocka_unit_test_setup_teardown(a_rejected_redemption_voids_the_voucher_with_the_reason, setup, teardown),
      cmocka_unit_test_setup_teardown(a_redemption_without_an_offline_voucher_is_not_settled, setup, teardown),
      cmocka_unit_test_setup_teardown(a_voucher_that_was_never_queued_is_discarded, setup, teardown),
      cmocka_unit_test(policy_comes_from_the_kiosk_config),
      cmocka_unit_test_setup_teardown(the_kiosk_key_is_created_once_private_and_kept, setup, teardown),
      cmocka_unit_test(the_demo_key_comes_from_the_documented_seed),
  };
  if (sodium_init() < 0) return 1;
  return cmocka_run_group_tests(tests, NULL, NULL);
}
