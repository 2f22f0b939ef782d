/*
 * End to end: the real kiosk-central, signed HTTP requests, every endpoint
 * of the walking skeleton and every way a request can be refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "central_client.h"
#include "mcode.h"

static central_server srv;

static int up(void **state) {
  (void)state;
  return central_client_start(&srv, NULL, NULL, 0);
}

static int down(void **state) {
  int rc;
  (void)state;
  rc = central_client_stop(&srv);
  central_client_cleanup(&srv);
  return rc; /* a non-clean stop fails the group */
}

static central_resp get(const char *path, const central_req_opts *o) {
  central_resp r;
  assert_int_equal(central_client_request(&srv, "GET", path, NULL, 0, o, &r),
                   0);
  return r;
}

static central_resp post(const char *path, const char *body,
                         const central_req_opts *o) {
  central_resp r;
  assert_int_equal(central_client_request(&srv, "POST", path, body,
                                          strlen(body), o, &r),
                   0);
  return r;
}

static void expect_error(central_resp *r, long status, const char *code) {
  if (r->status != status || strcmp(central_client_error(r), code) != 0)
    fprintf(stderr, "got %ld %s\n", r->status, r->body ? r->body : "");
  assert_int_equal(r->status, status);
  assert_string_equal(central_client_error(r), code);
  assert_true(json_is_string(json_object_get(r->json, "message")));
  central_client_resp_free(r);
}

static void resolve_expect(const char *code, long status, const char *err,
                           json_int_t points) {
  char body[512];
  central_resp r;
  snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
  r = post("/v1/members/resolve", body, NULL);
  if (err) {
    expect_error(&r, status, err);
    return;
  }
  assert_int_equal(r.status, status);
  assert_int_equal(json_integer_value(json_object_get(r.json, "points")),
                   points);
  central_client_resp_free(&r);
}

static void health_needs_no_signature(void **state) {
  central_req_opts o = {.unsigned_request = 1};
  central_resp r = get("/v1/health", &o);
  (void)state;
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "status")),
                      "ok");
  assert_string_equal(json_string_value(json_object_get(r.json, "version")),
                      KIOSK_VERSION);
  assert_true(json_is_integer(json_object_get(r.json, "time")));
  assert_non_null(strstr(r.content_type, "application/json"));
  central_client_resp_free(&r);
}

static void config_carries_the_member_code_key_and_four_tiers(void **state) {
  central_resp r = get("/v1/kiosk/config", NULL);
  json_t *tiers;
  (void)state;
  assert_int_equal(r.status, 200);
  /* 32 bytes as unpadded base64url are 43 characters. */
  assert_int_equal(strlen(json_string_value(
                       json_object_get(r.json, "member_code_public_key"))),
                   43);
  assert_int_equal(json_integer_value(
                       json_object_get(r.json, "member_code_max_age_s")),
                   120);
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(r.json, "mall_name"), "zh")),
                      "星河购物中心");
  tiers = json_object_get(r.json, "tiers");
  assert_int_equal(json_array_size(tiers), 4);
  assert_string_equal(
      json_string_value(json_object_get(json_array_get(tiers, 3), "code")),
      "diamond");
  assert_int_equal(json_integer_value(json_object_get(json_array_get(tiers, 2),
                                                      "threshold")),
                   20000);
  central_client_resp_free(&r);
}

static void demo_members_come_in_tier_order(void **state) {
  static const char *const want[] = {"standard", "silver", "gold", "diamond"};
  central_resp r = get("/v1/demo/members", NULL);
  json_t *m = json_object_get(r.json, "members");
  size_t i;
  (void)state;
  assert_int_equal(r.status, 200);
  assert_int_equal(json_array_size(m), 4);
  for (i = 0; i < 4; i++)
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(m, i), "tier")),
        want[i]);
  assert_string_equal(json_string_value(json_object_get(json_array_get(m, 2),
                                                        "name_masked")),
                      "张*明");
  /* The full name never leaves the server. */
  assert_null(strstr(r.body, "张晓明"));
  central_client_resp_free(&r);
}

static void member_profile_is_masked_and_complete(void **state) {
  central_resp r = get("/v1/members/M100003", NULL);
  json_t *next, *exp;
  (void)state;
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "name_masked")),
                      "张*明");
  assert_string_equal(
      json_string_value(json_object_get(r.json, "phone_masked")),
      "138****1003");
  assert_null(strstr(r.body, "13800001003"));
  assert_null(strstr(r.body, "张晓明"));
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(r.json, "tier"), "code")),
                      "gold");
  assert_int_equal(json_integer_value(json_object_get(r.json, "points")),
                   12800);
  assert_int_equal(json_integer_value(json_object_get(r.json, "tier_points")),
                   32000);
  next = json_object_get(r.json, "next_tier");
  assert_string_equal(json_string_value(json_object_get(next, "code")),
                      "diamond");
  assert_int_equal(json_integer_value(json_object_get(next, "missing")),
                   18000);
  exp = json_object_get(r.json, "expiring");
  assert_true(json_array_size(exp) >= 1);
  assert_true(json_is_true(json_object_get(r.json, "birthday_this_month")));
  assert_int_equal(json_integer_value(json_object_get(
                       json_object_get(r.json, "checkin"), "streak")),
                   2);
  assert_true(json_array_size(json_object_get(r.json, "benefits")) >= 1);
  central_client_resp_free(&r);
}

static void top_tier_has_no_next_tier(void **state) {
  central_resp r = get("/v1/members/M100004", NULL);
  (void)state;
  assert_int_equal(r.status, 200);
  assert_true(json_is_null(json_object_get(r.json, "next_tier")));
  central_client_resp_free(&r);
}

static void unknown_member_is_not_found(void **state) {
  central_resp r = get("/v1/members/M999999", NULL);
  (void)state;
  expect_error(&r, 404, "not_found");
  r = get("/v1/demo/member-code/M999999", NULL);
  expect_error(&r, 404, "not_found");
}

static void unknown_route_is_not_found(void **state) {
  central_resp r = get("/v1/nothing/here", NULL);
  (void)state;
  expect_error(&r, 404, "not_found");
  r = get("/v1/health/", NULL);
  expect_error(&r, 404, "not_found");
  r = post("/v1/health", "{}", NULL);
  expect_error(&r, 404, "not_found");
}

static void request_without_headers_is_unauthorized(void **state) {
  central_req_opts o = {.unsigned_request = 1};
  central_resp r = get("/v1/kiosk/config", &o);
  (void)state;
  expect_error(&r, 401, "unauthorized");
}

static void unknown_kiosk_is_unauthorized(void **state) {
  central_req_opts o = {.kiosk_id = "kiosk-x", .secret = "demo-secret"};
  central_resp r = get("/v1/kiosk/config", &o);
  (void)state;
  expect_error(&r, 401, "unauthorized");
}

static void wrong_signature_is_refused(void **state) {
  central_req_opts tampered = {.tamper_signature = 1};
  central_req_opts wrong_secret = {.secret = "not-the-secret"};
  central_resp r = get("/v1/members/M100001", &tampered);
  (void)state;
  expect_error(&r, 401, "bad_signature");
  r = get("/v1/members/M100001", &wrong_secret);
  expect_error(&r, 401, "bad_signature");
}

static void signature_covers_path_and_body(void **state) {
  /* Sign one thing, send another: the server must hash what it received. */
  char code[MCODE_MAX_LEN + 1], body[400];
  central_req_opts other_body = {.signed_body = "{}"};
  central_req_opts other_path = {.signed_path = "/v1/members/M100001"};
  central_req_opts with_query = {0};
  central_resp r;
  (void)state;
  assert_int_equal(central_client_code("M100001", "standard", 1700,
                                       (int64_t)time(NULL), code),
                   0);
  snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
  r = post("/v1/members/resolve", body, &other_body);
  expect_error(&r, 401, "bad_signature");
  r = get("/v1/members/M100002", &other_path);
  expect_error(&r, 401, "bad_signature");
  /* The query string is part of what is signed. */
  with_query.signed_path = "/v1/members/M100001";
  r = get("/v1/members/M100001?lang=en", &with_query);
  expect_error(&r, 401, "bad_signature");
  r = get("/v1/members/M100001?lang=en", NULL);
  assert_int_equal(r.status, 200);
  central_client_resp_free(&r);
}

static void stale_timestamp_is_refused(void **state) {
  central_req_opts past = {.clock_offset = -301};
  central_req_opts future = {.clock_offset = 400};
  central_req_opts near = {.clock_offset = -250};
  central_resp r = get("/v1/kiosk/config", &past);
  (void)state;
  expect_error(&r, 401, "clock_skew");
  r = get("/v1/kiosk/config", &future);
  expect_error(&r, 401, "clock_skew");
  r = get("/v1/kiosk/config", &near);
  assert_int_equal(r.status, 200);
  central_client_resp_free(&r);
}

static void extra_kiosk_from_flags_is_accepted(void **state) {
  /* The harness runs with --demo only; a second server with --kiosk. */
  static const char *const extra[] = {"--kiosk", "mall-a-01:s3cret", NULL};
  central_server other;
  central_req_opts o = {.kiosk_id = "mall-a-01", .secret = "s3cret"};
  central_resp r;
  (void)state;
  assert_int_equal(central_client_start(&other, extra, NULL, 0), 0);
  assert_int_equal(central_client_request(&other, "GET", "/v1/kiosk/config",
                                          NULL, 0, &o, &r),
                   0);
  assert_int_equal(r.status, 200);
  central_client_resp_free(&r);
  assert_int_equal(central_client_stop(&other), 0);
  central_client_cleanup(&other);
}

static void fresh_demo_code_resolves_to_the_member(void **state) {
  central_resp r = get("/v1/demo/member-code/M100003", NULL), p;
  const char *code;
  char body[512];
  mcode_claims c;
  (void)state;
  assert_int_equal(r.status, 200);
  code = json_string_value(json_object_get(r.json, "code"));
  assert_non_null(code);
  assert_int_equal(mcode_parse(code, strlen(code), &c), MCODE_OK);
  assert_string_equal(c.member_id, "M100003");
  assert_string_equal(c.tier, "gold");
  assert_int_equal(c.points, 12800);
  snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
  p = post("/v1/members/resolve", body, NULL);
  assert_int_equal(p.status, 200);
  assert_string_equal(json_string_value(json_object_get(p.json, "id")),
                      "M100003");
  assert_string_equal(json_string_value(json_object_get(p.json, "name_masked")),
                      "张*明");
  central_client_resp_free(&p);
  central_client_resp_free(&r);
}

static void demo_code_is_signed_with_the_configured_key(void **state) {
  /* The code verifies offline with the key from /v1/kiosk/config. */
  central_resp cfg = get("/v1/kiosk/config", NULL);
  central_resp r = get("/v1/demo/member-code/M100001", NULL);
  const char *code = json_string_value(json_object_get(r.json, "code"));
  const char *pk64 =
      json_string_value(json_object_get(cfg.json, "member_code_public_key"));
  unsigned char pk[32];
  size_t n = 0;
  mcode_claims c;
  (void)state;
  assert_int_equal(sodium_base642bin(pk, sizeof pk, pk64, strlen(pk64), NULL,
                                     &n, NULL,
                                     sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                   0);
  assert_int_equal(n, 32);
  assert_int_equal(mcode_verify(code, strlen(code), pk, (int64_t)time(NULL),
                                NULL, &c),
                   MCODE_OK);
  central_client_resp_free(&cfg);
  central_client_resp_free(&r);
}

static void expired_code_is_refused(void **state) {
  char code[MCODE_MAX_LEN + 1];
  int64_t now = (int64_t)time(NULL);
  (void)state;
  assert_int_equal(central_client_code("M100003", "gold", 12800, now - 500,
                                       code),
                   0);
  resolve_expect(code, 422, "expired_code", 0);
  assert_int_equal(central_client_code("M100003", "gold", 12800, now + 600,
                                       code),
                   0);
  resolve_expect(code, 422, "expired_code", 0);
  /* A code we signed ourselves that is fresh resolves: the harness key is
   * really the server's. */
  assert_int_equal(central_client_code("M100003", "gold", 12800, now, code),
                   0);
  resolve_expect(code, 200, NULL, 12800);
}

static void forged_code_is_refused(void **state) {
  central_resp r = get("/v1/demo/member-code/M100001", NULL);
  char code[MCODE_MAX_LEN + 1], forged[MCODE_MAX_LEN + 16];
  const char *pts;
  (void)state;
  snprintf(code, sizeof code, "%s",
           json_string_value(json_object_get(r.json, "code")));
  central_client_resp_free(&r);
  /* Raise the points from 1700 to 9700, keep the signature. */
  pts = strstr(code, ".1700.");
  assert_non_null(pts);
  snprintf(forged, sizeof forged, "%.*s.9700.%s", (int)(pts - code), code,
           pts + 6);
  resolve_expect(forged, 422, "invalid_code", 0);
  /* Another member's id under the same signature. */
  snprintf(forged, sizeof forged, "%s", code);
  forged[10] = '2';
  resolve_expect(forged, 422, "invalid_code", 0);
}

static void malformed_code_is_refused(void **state) {
  (void)state;
  resolve_expect("KM1.M100003.gold", 422, "invalid_code", 0);
  resolve_expect("KM1.M100003.platinum.1.1.xxxx", 422, "invalid_code", 0);
  resolve_expect("https://example.com/pay", 422, "invalid_code", 0);
}

static void resolve_without_code_is_a_bad_request(void **state) {
  central_resp r = post("/v1/members/resolve", "{}", NULL);
  (void)state;
  expect_error(&r, 400, "invalid_request");
  r = post("/v1/members/resolve", "{\"code\":\"\"}", NULL);
  expect_error(&r, 400, "invalid_request");
  r = post("/v1/members/resolve", "{\"code\":42}", NULL);
  expect_error(&r, 400, "invalid_request");
  r = post("/v1/members/resolve", "[\"KM1\"]", NULL);
  expect_error(&r, 400, "invalid_request");
  r = post("/v1/members/resolve", "", NULL);
  expect_error(&r, 400, "invalid_request");
}

static void bad_json_is_a_bad_request(void **state) {
  central_resp r = post("/v1/members/resolve", "{\"code\": \"KM1", NULL);
  (void)state;
  expect_error(&r, 400, "invalid_request");
  r = post("/v1/members/resolve", "{\"code\":\"\xff\xfe\"}", NULL);
  expect_error(&r, 400, "invalid_request");
  r = post("/v1/members/resolve", "{\"code\":\"a\",\"code\":\"b\"}", NULL);
  expect_error(&r, 400, "invalid_request");
}

static void unknown_fields_are_ignored(void **state) {
  char code[MCODE_MAX_LEN + 1], body[512];
  central_resp r;
  (void)state;
  assert_int_equal(central_client_code("M100002", "silver", 1,
                                       (int64_t)time(NULL), code),
                   0);
  snprintf(body, sizeof body,
           "{\"kiosk_hint\":{\"a\":[1,2]},\"code\":\"%s\",\"x\":null}", code);
  r = post("/v1/members/resolve", body, NULL);
  assert_int_equal(r.status, 200);
  central_client_resp_free(&r);
}

static char *big_body(size_t n) {
  char *b = malloc(n + 1);
  assert_non_null(b);
  memset(b, ' ', n);
  b[0] = '{';
  memcpy(b + n - 12, "\"code\":\"x\"}", 11);
  b[n - 1] = ' ';
  b[n] = '\0';
  return b;
}

static void oversize_body_is_refused(void **state) {
  char *b = big_body(64 * 1024 + 1);
  central_req_opts chunked = {.chunked = 1};
  central_resp r = post("/v1/members/resolve", b, NULL);
  (void)state;
  expect_error(&r, 413, "payload_too_large");
  r = post("/v1/members/resolve", b, &chunked);
  expect_error(&r, 413, "payload_too_large");
  free(b);
  /* Exactly 64 KiB is allowed (and then judged on its content). */
  b = big_body(64 * 1024);
  r = post("/v1/members/resolve", b, NULL);
  expect_error(&r, 422, "invalid_code");
  free(b);
  /* And the server still serves. */
  r = get("/v1/health", NULL);
  assert_int_equal(r.status, 200);
  central_client_resp_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(health_needs_no_signature),
      cmocka_unit_test(config_carries_the_member_code_key_and_four_tiers),
      cmocka_unit_test(demo_members_come_in_tier_order),
      cmocka_unit_test(member_profile_is_masked_and_complete),
      cmocka_unit_test(top_tier_has_no_next_tier),
      cmocka_unit_test(unknown_member_is_not_found),
      cmocka_unit_test(unknown_route_is_not_found),
      cmocka_unit_test(request_without_headers_is_unauthorized),
      cmocka_unit_test(unknown_kiosk_is_unauthorized),
      cmocka_unit_test(wrong_signature_is_refused),
      cmocka_unit_test(signature_covers_path_and_body),
      cmocka_unit_test(stale_timestamp_is_refused),
      cmocka_unit_test(extra_kiosk_from_flags_is_accepted),
      cmocka_unit_test(fresh_demo_code_resolves_to_the_member),
      cmocka_unit_test(demo_code_is_signed_with_the_configured_key),
      cmocka_unit_test(expired_code_is_refused),
      cmocka_unit_test(forged_code_is_refused),
      cmocka_unit_test(malformed_code_is_refused),
      cmocka_unit_test(resolve_without_code_is_a_bad_request),
      cmocka_unit_test(bad_json_is_a_bad_request),
      cmocka_unit_test(unknown_fields_are_ignored),
      cmocka_unit_test(oversize_body_is_refused),
  };
  return cmocka_run_group_tests(tests, up, down);
}
