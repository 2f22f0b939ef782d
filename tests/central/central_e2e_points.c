/*
 * End to end: catalog, redemptions, vouchers, check-ins, parking and
 * heartbeat against the real kiosk-central, including every business error
 * and the Idempotency-Key rules (also across a restart).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central_client.h"

static central_server srv;
static central_client_ctx cx = {.srv = &srv, .key_prefix = "k-"};

static int up(void **state) {
  (void)state;
  return central_client_start(&srv, NULL, NULL, 0);
}

static int down(void **state) {
  int rc;
  (void)state;
  rc = central_client_stop(&srv);
  central_client_cleanup(&srv);
  return rc;
}

static json_t *catalog_item(json_t *catalog, const char *id) {
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(catalog, "items"), i, it) {
    if (strcmp(json_string_value(json_object_get(it, "id")), id) == 0)
      return it;
  }
  return NULL;
}

static json_int_t stock(const char *id) {
  central_resp r = central_client_call(&cx, "GET", "/v1/catalog", NULL, NULL);
  json_int_t s = central_client_num(catalog_item(r.json, id), "stock");
  central_client_resp_free(&r);
  return s;
}

static void catalog_lists_all_kinds_with_etag(void **state) {
  central_resp r = central_client_call(&cx, "GET", "/v1/catalog", NULL, NULL),
               again;
  central_req_opts o = {0};
  json_t *items = json_object_get(r.json, "items"), *it;
  int kinds = 0;
  size_t i;
  (void)state;
  assert_int_equal(r.status, 200);
  assert_true(json_array_size(items) >= 16);
  assert_true(json_is_integer(json_object_get(r.json, "version")));
  json_array_foreach(items, i, it) {
    const char *k = json_string_value(json_object_get(it, "kind"));
    kinds |= strcmp(k, "gift") == 0 ? 1 : strcmp(k, "coupon") == 0 ? 2
           : strcmp(k, "parking") == 0 ? 4 : strcmp(k, "experience") == 0 ? 8 : 0;
    assert_true(json_is_integer(json_object_get(it, "stock")));
    assert_true(json_is_string(json_object_get(json_object_get(it, "name"), "zh")));
    assert_true(json_is_object(json_object_get(it, "tier_prices")));
  }
  assert_int_equal(kinds, 15);
  it = catalog_item(r.json, "G001");
  /* Higher tiers pay less. */
  assert_true(
      central_client_num(json_object_get(it, "tier_prices"), "diamond") <
      central_client_num(json_object_get(it, "tier_prices"), "standard"));
  assert_true(r.etag[0] == '"');
  o.if_none_match = r.etag;
  assert_int_equal(central_client_request(&srv, "GET", "/v1/catalog", NULL, 0,
                                          &o, &again),
                   0);
  assert_int_equal(again.status, 304);
  assert_int_equal(again.len, 0);
  central_client_resp_free(&again);
  o.if_none_match = "\"something-else\"";
  assert_int_equal(central_client_request(&srv, "GET", "/v1/catalog", NULL, 0,
                                          &o, &again),
                   0);
  assert_int_equal(again.status, 200);
  central_client_resp_free(&again);
  central_client_resp_free(&r);
}

static void item_images_are_served(void **state) {
  central_resp r =
      central_client_call(&cx, "GET", "/v1/assets/G001.png", NULL, NULL);
  (void)state;
  assert_int_equal(r.status, 200);
  assert_string_equal(r.content_type, "image/png");
  assert_true(r.len > 8 && memcmp(r.body, "\x89PNG", 4) == 0);
  central_client_resp_free(&r);
  r = central_client_call(&cx, "GET", "/v1/assets/..%2Fctl_db.c", NULL, NULL);
  central_client_expect_error(&r, 404, "not_found");
  r = central_client_call(&cx, "GET", "/v1/assets/nope.png", NULL, NULL);
  central_client_expect_error(&r, 404, "not_found");
}

static void redemption_charges_tier_price_and_issues_voucher(void **state) {
  json_int_t before = central_client_balance(&cx, "M100003"), s = stock("G001");
  central_resp r =
      central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100003\",\"item_id\":\"G001\","
                            "\"quantity\":1}");
  json_t *v;
  (void)state;
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "points_charged"),
                   640); /* gold price */
  assert_int_equal(central_client_num(r.json, "points_balance"), before - 640);
  v = json_object_get(r.json, "voucher");
  assert_int_equal(strncmp(json_string_value(json_object_get(v, "code")),
                           "KV1.", 4),
                   0);
  assert_true(json_is_object(json_object_get(v, "pickup")));
  central_client_resp_free(&r);
  assert_int_equal(central_client_balance(&cx, "M100003"), before - 640);
  assert_int_equal(stock("G001"), s - 1);
}

static void redemption_errors_are_reached(void **state) {
  central_resp r;
  (void)state;
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100001\",\"item_id\":\"G005\"}");
  central_client_expect_error(&r, 409, "out_of_stock");
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100001\",\"item_id\":\"G006\"}");
  central_client_expect_error(&r, 403, "tier_required");
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100002\",\"item_id\":\"G004\"}");
  central_client_expect_error(&r, 409, "insufficient_points");
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100001\",\"item_id\":\"C004\"}");
  central_client_expect_error(&r, 409, "item_unavailable");
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100001\",\"item_id\":\"E003\"}");
  central_client_expect_error(&r, 409, "item_unavailable");
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100004\",\"item_id\":\"C001\"}");
  assert_int_equal(r.status, 201);
  central_client_resp_free(&r);
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100004\",\"item_id\":\"C001\"}");
  central_client_expect_error(&r, 409, "limit_reached");
  r = central_client_change(
      &cx, "/v1/redemptions",
      "{\"member_id\":\"M100004\",\"item_id\":\"G007\",\"quantity\":2}");
  central_client_expect_error(&r, 409, "limit_reached");
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100009\",\"item_id\":\"G001\"}");
  central_client_expect_error(&r, 404, "not_found");
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100001\",\"item_id\":\"X999\"}");
  central_client_expect_error(&r, 404, "not_found");
  r = central_client_change(
      &cx, "/v1/redemptions",
      "{\"member_id\":\"M100001\",\"item_id\":\"G001\",\"quantity\":\"2\"}");
  central_client_expect_error(&r, 400, "invalid_request");
  r = central_client_change(
      &cx, "/v1/redemptions",
      "{\"member_id\":\"M100001\",\"item_id\":\"G001\",\"quantity\":0}");
  central_client_expect_error(&r, 400, "invalid_request");
  r = central_client_change(&cx, "/v1/redemptions", "{\"item_id\":\"G001\"}");
  central_client_expect_error(&r, 400, "invalid_request");
  r = central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100001\",");
  central_client_expect_error(&r, 400, "invalid_request");
}

static void idempotency_key_is_required_and_replays(void **state) {
  const char *body = "{\"member_id\":\"M100004\",\"item_id\":\"C002\"}";
  central_resp a, b;
  json_int_t before;
  (void)state;
  a = central_client_call(&cx, "POST", "/v1/redemptions", body, NULL);
  central_client_expect_error(&a, 400, "invalid_request");
  a = central_client_call(
      &cx, "POST", "/v1/redemptions", body,
      "this-key-is-much-too-long-0123456789012345678901234567890123456789");
  central_client_expect_error(&a, 400, "invalid_request");
  before = central_client_balance(&cx, "M100004");
  a = central_client_call(&cx, "POST", "/v1/redemptions", body, "same-key");
  b = central_client_call(&cx, "POST", "/v1/redemptions", body, "same-key");
  assert_int_equal(a.status, 201);
  assert_int_equal(b.status, 201);
  assert_string_equal(a.body, b.body);
  assert_int_equal(central_client_balance(&cx, "M100004"),
                   before - central_client_num(a.json, "points_charged"));
  central_client_resp_free(&a);
  central_client_resp_free(&b);
  a = central_client_call(&cx, "POST", "/v1/redemptions",
                          "{\"member_id\":\"M100004\",\"item_id\":\"C003\"}",
                          "same-key");
  central_client_expect_error(&a, 422, "idempotency_mismatch");
  /* A refusal is an answer too: replayed, not re-judged. */
  a = central_client_call(&cx, "POST", "/v1/redemptions",
                          "{\"member_id\":\"M100001\",\"item_id\":\"G005\"}",
                          "refused-key");
  b = central_client_call(&cx, "POST", "/v1/redemptions",
                          "{\"member_id\":\"M100001\",\"item_id\":\"G005\"}",
                          "refused-key");
  assert_int_equal(a.status, 409);
  assert_string_equal(a.body, b.body);
  central_client_resp_free(&a);
  central_client_resp_free(&b);
}

static const char *voucher_code(central_resp *r, char *out, size_t cap) {
  snprintf(out, cap, "%s",
           json_string_value(json_object_get(json_object_get(r->json, "voucher"),
                                             "code")));
  return out;
}

static void voucher_is_used_once(void **state) {
  char code[256], path[400];
  central_resp r =
      central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100004\",\"item_id\":\"E001\"}");
  (void)state;
  assert_int_equal(r.status, 201);
  voucher_code(&r, code, sizeof code);
  central_client_resp_free(&r);
  snprintf(path, sizeof path, "/v1/vouchers/%s", code);
  r = central_client_call(&cx, "GET", path, NULL, NULL);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "status")),
                      "issued");
  central_client_resp_free(&r);
  snprintf(path, sizeof path, "/v1/vouchers/%s/use", code);
  r = central_client_call(&cx, "POST", path, NULL, NULL);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "status")),
                      "used");
  central_client_resp_free(&r);
  r = central_client_call(&cx, "POST", path, NULL, NULL);
  central_client_expect_error(&r, 409, "voucher_used");
  snprintf(path, sizeof path, "/v1/vouchers/%s/void", code);
  r = central_client_call(&cx, "POST", path, NULL, NULL);
  central_client_expect_error(&r, 409, "voucher_used");
}

static void void_gives_points_and_stock_back_once(void **state) {
  char code[256], path[400];
  json_int_t before = central_client_balance(&cx, "M100002"), s = stock("G002");
  central_resp r =
      central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100002\",\"item_id\":\"G002\"}");
  (void)state;
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_balance(&cx, "M100002"), before - 1350);
  assert_int_equal(stock("G002"), s - 1);
  voucher_code(&r, code, sizeof code);
  central_client_resp_free(&r);
  snprintf(path, sizeof path, "/v1/vouchers/%s/void", code);
  r = central_client_call(&cx, "POST", path, NULL, NULL);
  assert_int_equal(r.status, 200);
  assert_int_equal(central_client_num(r.json, "points_refunded"), 1350);
  central_client_resp_free(&r);
  assert_int_equal(central_client_balance(&cx, "M100002"), before);
  assert_int_equal(stock("G002"), s);
  r = central_client_call(&cx, "POST", path, NULL, NULL);
  central_client_expect_error(&r, 409, "voucher_void");
  assert_int_equal(central_client_balance(&cx, "M100002"), before);
}

static void forged_voucher_is_refused(void **state) {
  char code[256], path[400];
  central_resp r =
      central_client_change(&cx, "/v1/redemptions",
                            "{\"member_id\":\"M100004\",\"item_id\":\"C003\"}");
  char *dot;
  (void)state;
  assert_int_equal(r.status, 201);
  voucher_code(&r, code, sizeof code);
  central_client_resp_free(&r);
  dot = strchr(code + 4, '.'); /* after the voucher id: item id */
  dot[1] = dot[1] == 'G' ? 'E' : 'G';
  snprintf(path, sizeof path, "/v1/vouchers/%s/use", code);
  r = central_client_call(&cx, "POST", path, NULL, NULL);
  central_client_expect_error(&r, 422, "invalid_code");
  r = central_client_call(&cx, "GET", "/v1/vouchers/KV1.nothing", NULL, NULL);
  central_client_expect_error(&r, 422, "invalid_code");
}

static void checkin_once_a_day(void **state) {
  central_resp r;
  json_int_t before = central_client_balance(&cx, "M100003");
  (void)state;
  r = central_client_change(&cx, "/v1/checkins", "{\"member_id\":\"M100003\"}");
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "streak"), 3);
  /* 10 for the day and the default streak bonus of 30 on day 3 */
  assert_int_equal(central_client_num(r.json, "points_awarded"), 40);
  assert_int_equal(central_client_num(r.json, "bonus_awarded"), 30);
  central_client_resp_free(&r);
  r = central_client_change(&cx, "/v1/checkins", "{\"member_id\":\"M100003\"}");
  assert_int_equal(r.status, 200);
  assert_int_equal(central_client_num(r.json, "points_awarded"), 0);
  assert_int_equal(central_client_num(r.json, "streak"), 3);
  central_client_resp_free(&r);
  assert_int_equal(central_client_balance(&cx, "M100003"), before + 40);
  r = central_client_change(&cx, "/v1/checkins", "{\"member_id\":\"M000000\"}");
  central_client_expect_error(&r, 404, "not_found");
  r = central_client_change(&cx, "/v1/checkins", "{\"member_id\":3}");
  central_client_expect_error(&r, 400, "invalid_request");
}

static void parking_session_shows_the_fee(void **state) {
  central_resp r = central_client_call(
      &cx, "GET", "/v1/parking/sessions/%E7%B2%A4B12345", NULL, NULL);
  (void)state;
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "plate")),
                      "粤B12345");
  assert_int_equal(central_client_num(r.json, "hours_due"),
                   3); /* 150 minutes */
  assert_int_equal(central_client_num(r.json, "fee_due"), 30);
  central_client_resp_free(&r);
  r = central_client_call(&cx, "GET", "/v1/parking/sessions/%E7%B2%A4B99999",
                          NULL, NULL);
  central_client_expect_error(&r, 404, "not_found");
  r = central_client_call(&cx, "GET", "/v1/parking/sessions/ABC123", NULL,
                          NULL);
  central_client_expect_error(&r, 422, "invalid_plate");
  r = central_client_call(&cx, "GET", "/v1/parking/sessions/%E7%B2%A4I12345",
                          NULL, NULL);
  central_client_expect_error(&r, 422, "invalid_plate");
}

static void parking_coupon_uses_free_hours_first(void **state) {
  central_resp r;
  json_int_t before = central_client_balance(&cx, "M100002");
  (void)state;
  /* Silver: 1 free hour a day, then 300 points an hour. 沪C5D678 stayed 610
   * minutes: 11 hours due. */
  r = central_client_change(
      &cx, "/v1/parking/coupons",
      "{\"member_id\":\"M100002\",\"plate\":\"沪C5D678\",\"hours\":3}");
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "free_hours_used"), 1);
  assert_int_equal(central_client_num(r.json, "points_charged"), 600);
  assert_int_equal(central_client_num(r.json, "fee_due"), 80);
  central_client_resp_free(&r);
  assert_int_equal(central_client_balance(&cx, "M100002"), before - 600);
  r = central_client_change(
      &cx, "/v1/parking/coupons",
      "{\"member_id\":\"M100002\",\"plate\":\"沪C5D678\",\"hours\":1}");
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "free_hours_used"), 0);
  central_client_resp_free(&r);
  /* Never more hours than the stay needs (7 left). */
  r = central_client_change(
      &cx, "/v1/parking/coupons",
      "{\"member_id\":\"M100002\",\"plate\":\"沪C5D678\",\"hours\":8}");
  central_client_expect_error(&r, 409, "limit_reached");
  r = central_client_change(
      &cx, "/v1/parking/coupons",
      "{\"member_id\":\"M100001\",\"plate\":\"沪C5D678\",\"hours\":7}");
  central_client_expect_error(&r, 409, "insufficient_points");
  r = central_client_change(
      &cx, "/v1/parking/coupons",
      "{\"member_id\":\"M100002\",\"plate\":\"粤Z1234\",\"hours\":1}");
  central_client_expect_error(&r, 422, "invalid_plate");
  r = central_client_change(
      &cx, "/v1/parking/coupons",
      "{\"member_id\":\"M100002\",\"plate\":\"粤B00000\",\"hours\":1}");
  central_client_expect_error(&r, 404, "not_found");
}

static void heartbeat_is_accepted(void **state) {
  central_resp r = central_client_call(
      &cx, "POST", "/v1/kiosk/heartbeat",
      "{\"printer\":\"ok\",\"paper\":\"low\",\"queue_depth\":"
      "2,\"oldest_pending_age_s\":40,\"version\":\"0.1.0\"}",
      NULL);
  (void)state;
  assert_int_equal(r.status, 200);
  assert_true(json_is_integer(json_object_get(r.json, "server_time")));
  central_client_resp_free(&r);
  r = central_client_call(&cx, "POST", "/v1/kiosk/heartbeat",
                          "{\"printer\":\"ok\"}", NULL);
  central_client_expect_error(&r, 400, "invalid_request");
}

static void idempotent_answer_survives_a_restart(void **state) {
  const char *body = "{\"member_id\":\"M100004\",\"item_id\":\"C003\"}";
  central_resp a, b;
  char dir[256];
  json_int_t after;
  (void)state;
  a = central_client_call(&cx, "POST", "/v1/redemptions", body, "restart-key");
  assert_int_equal(a.status, 201);
  after = central_client_balance(&cx, "M100004");
  snprintf(dir, sizeof dir, "%s", srv.dir);
  assert_int_equal(central_client_stop(&srv), 0);
  assert_int_equal(central_client_start(&srv, NULL, dir, 0), 0);
  b = central_client_call(&cx, "POST", "/v1/redemptions", body, "restart-key");
  assert_int_equal(b.status, 201);
  assert_string_equal(a.body, b.body);
  assert_int_equal(central_client_balance(&cx, "M100004"), after);
  central_client_resp_free(&a);
  central_client_resp_free(&b);
  /* Another kiosk's key space is its own. */
  a = central_client_call(&cx, "POST", "/v1/redemptions",
                          "{\"member_id\":\"M100004\",\"item_id\":\"C002\"}",
                          "restart-key");
  central_client_expect_error(&a, 422, "idempotency_mismatch");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(catalog_lists_all_kinds_with_etag),
      cmocka_unit_test(item_images_are_served),
      cmocka_unit_test(redemption_charges_tier_price_and_issues_voucher),
      cmocka_unit_test(redemption_errors_are_reached),
      cmocka_unit_test(idempotency_key_is_required_and_replays),
      cmocka_unit_test(voucher_is_used_once),
      cmocka_unit_test(void_gives_points_and_stock_back_once),
      cmocka_unit_test(forged_voucher_is_refused),
      cmocka_unit_test(checkin_once_a_day),
      cmocka_unit_test(parking_session_shows_the_fee),
      cmocka_unit_test(parking_coupon_uses_free_hours_first),
      cmocka_unit_test(heartbeat_is_accepted),
      cmocka_unit_test(idempotent_answer_survives_a_restart),
  };
  return cmocka_run_group_tests(tests, up, down);
}
