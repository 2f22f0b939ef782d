/*
 * End to end: the engagement features under concurrency and in numbers.
 * The flash sale F001 (5 units from 10 minutes after the demo seed) refuses
 * before its start, then sells exactly 5 to 64 parallel requests; the
 * lottery never gives a prize below zero stock under 64 parallel draws,
 * answers a replayed key with the same prize, keeps an audit row per draw
 * that cannot be changed, and over many draws its odds hold within a loose
 * statistical bound (no timing anywhere).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "central_client.h"

#define N 64
#define DRAWS 1500

static central_server srv;
static central_client_ctx cx = {.srv = &srv, .key_prefix = "r-"};

typedef struct {
  const char *path;
  char body[128], key[32];
  central_resp resp;
} job;

static void *run(void *arg) {
  job *j = arg;
  central_req_opts o = {.idem_key = j->key, .clock_offset = cx.clock_offset};
  central_client_request(&srv, "POST", j->path, j->body, strlen(j->body), &o,
                         &j->resp);
  return NULL;
}

static json_t *item(json_t *catalog, const char *id) {
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(catalog, "items"), i, it)
    if (strcmp(json_string_value(json_object_get(it, "id")), id) == 0) return it;
  return NULL;
}

static void flash_sale_sells_exactly_its_stock_to_64_at_once(void **state) {
  static job jobs[N];
  static const char *const members[] = {"M100002", "M100003", "M100004"};
  central_resp r;
  int i, ok = 0, sold_out = 0;
  (void)state;
  for (i = 0; i < N; i++) {
    jobs[i].path = "/v1/redemptions";
    snprintf(jobs[i].body, sizeof jobs[i].body,
             "{\"member_id\":\"%s\",\"item_id\":\"F001\"}", members[i % 3]);
    snprintf(jobs[i].key, sizeof jobs[i].key, "flash-%d", i);
  }
  central_client_run_all(jobs, sizeof jobs[0], N, run);
  for (i = 0; i < N; i++) {
    if (jobs[i].resp.status == 201) {
      ok++;
      assert_int_equal(
          json_integer_value(json_object_get(jobs[i].resp.json,
                                             "points_charged")),
          800);
    } else if (strcmp(central_client_error(&jobs[i].resp), "out_of_stock") ==
               0) {
      sold_out++;
    } else {
      fprintf(stderr, "%ld %s\n", jobs[i].resp.status, jobs[i].resp.body);
    }
    central_client_resp_free(&jobs[i].resp);
  }
  assert_int_equal(ok, 5);
  assert_int_equal(sold_out, N - 5);
  r = central_client_call(&cx, "GET", "/v1/catalog", NULL, NULL);
  assert_int_equal(json_integer_value(
                       json_object_get(item(r.json, "F001"), "flash_stock")),
                   0);
  assert_int_equal(
      json_integer_value(json_object_get(item(r.json, "F001"), "stock")), 0);
  central_client_resp_free(&r);
}

/* Remaining stock of each limited prize (LP1..LP3) from GET /v1/lottery. */
static void remaining(json_int_t out[3]) {
  central_resp r = central_client_call(&cx, "GET", "/v1/lottery", NULL, NULL);
  int i;
  assert_int_equal(r.status, 200);
  for (i = 0; i < 3; i++)
    out[i] = json_integer_value(json_object_get(
        json_array_get(json_object_get(r.json, "prizes"), (size_t)i),
        "remaining"));
  central_client_resp_free(&r);
}

static int prize_no(const central_resp *r) {
  const char *id = json_string_value(
      json_object_get(json_object_get(r->json, "prize"), "id"));
  assert_non_null(id);
  return id[2] - '1'; /* LP1..LP5 -> 0..4 */
}

static void lottery_stock_never_below_zero_under_64_draws(void **state) {
  static job jobs[N];
  json_int_t before[3], after[3];
  int won[5] = {0}, i;
  (void)state;
  remaining(before);
  for (i = 0; i < N; i++) {
    jobs[i].path = "/v1/lottery/draws";
    snprintf(jobs[i].body, sizeof jobs[i].body, "{\"member_id\":\"M10000%d\"}",
             i % 4 + 1);
    snprintf(jobs[i].key, sizeof jobs[i].key, "draw-%d", i);
  }
  central_client_run_all(jobs, sizeof jobs[0], N, run);
  for (i = 0; i < N; i++) {
    assert_int_equal(jobs[i].resp.status, 201);
    won[prize_no(&jobs[i].resp)]++;
    central_client_resp_free(&jobs[i].resp);
  }
  remaining(after);
  for (i = 0; i < 3; i++) {
    assert_true(after[i] >= 0);
    assert_int_equal(after[i], before[i] - won[i]);
  }
}

static void lottery_replay_answers_the_same_prize(void **state) {
  central_resp a =
      central_client_call(&cx, "POST", "/v1/lottery/draws",
                          "{\"member_id\":\"M100002\"}", "same-draw");
  central_resp b =
      central_client_call(&cx, "POST", "/v1/lottery/draws",
                          "{\"member_id\":\"M100002\"}", "same-draw");
  (void)state;
  assert_int_equal(a.status, 201);
  assert_int_equal(b.status, 201);
  assert_string_equal(a.body, b.body);
  central_client_resp_free(&a);
  central_client_resp_free(&b);
}

static void lottery_odds_hold_over_many_draws(void **state) {
  int won[5] = {0}, i;
  json_int_t left[3];
  double share;
  sqlite3 *db;
  sqlite3_stmt *st;
  (void)state;
  for (i = 0; i < DRAWS; i++) {
    central_resp r = central_client_change(&cx, "/v1/lottery/draws",
                                           "{\"member_id\":\"M100001\"}");
    assert_int_equal(r.status, 201);
    won[prize_no(&r)]++;
    central_client_resp_free(&r);
  }
  remaining(left);
  for (i = 0; i < 3; i++) assert_true(left[i] >= 0);
  /* LP4 (weight 350) and LP5 (500) never run out: whatever the others do,
   * LP4 takes 350/850 = 41.2% of the draws the two share. The bound is
   * about 6 standard deviations wide; a broken draw (uniform over prizes,
   * or always the first) falls far outside. */
  share = (double)won[3] / (double)(won[3] + won[4]);
  fprintf(stderr, "draws: LP1 %d LP2 %d LP3 %d LP4 %d LP5 %d (LP4 share %.3f)\n",
          won[0], won[1], won[2], won[3], won[4], share);
  assert_true(share > 0.34 && share < 0.48);
  /* LP2 (weight 100, 30 in stock) runs out within the first few hundred */
  assert_int_equal(left[1], 0);
  /* Every draw is in the audit table with its random value below the
   * total weight, and the table refuses changes. */
  assert_int_equal(sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READWRITE, NULL),
                   SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT COUNT(*), SUM(random >= "
                                      "total_weight OR random < 0) FROM "
                                      "lottery_draws",
                                      -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), N + 1 + DRAWS);
  assert_int_equal(sqlite3_column_int(st, 1), 0);
  sqlite3_finalize(st);
  assert_int_not_equal(
      sqlite3_exec(db, "UPDATE lottery_draws SET prize_id='LP1'", NULL, NULL,
                   NULL),
      SQLITE_OK);
  sqlite3_close(db);
}

static int up(void **state) {
  static const char *const later[] = {"--clock-offset", "900",
                                      "--lottery-cost", "0",
                                      "--lottery-per-day", "0", NULL};
  central_resp r;
  char dir[sizeof srv.dir];
  (void)state;
  curl_global_init(CURL_GLOBAL_ALL);
  if (central_client_start(&srv, NULL, NULL, 0) != 0) return -1;
  /* before the flash sale starts */
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100004\",\"item_id\":\"F001\"}");
  if (r.status != 409 || strcmp(central_client_error(&r), "item_unavailable")) {
    fprintf(stderr, "before the start: %ld %s\n", r.status, r.body);
    central_client_resp_free(&r);
    return -1;
  }
  central_client_resp_free(&r);
  /* 15 minutes later, free and unlimited draws (test flags) */
  if (central_client_stop(&srv) != 0) return -1;
  memcpy(dir, srv.dir, sizeof dir);
  cx.clock_offset = 900; /* the server's clock runs this far ahead */
  return central_client_start(&srv, later, dir, 0);
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
      cmocka_unit_test(flash_sale_sells_exactly_its_stock_to_64_at_once),
      cmocka_unit_test(lottery_stock_never_below_zero_under_64_draws),
      cmocka_unit_test(lottery_replay_answers_the_same_prize),
      cmocka_unit_test(lottery_odds_hold_over_many_draws),
  };
  return cmocka_run_group_tests(tests, up, down);
}
