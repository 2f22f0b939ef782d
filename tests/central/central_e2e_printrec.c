/*
 * End to end: POST /v1/kiosk/print-records against the real kiosk-central
 * (ctl_printrec). A voucher's print outcome is stored once per
 * Idempotency-Key (a replay answers the same record and adds no row), and
 * the central refuses unknown vouchers, bad fields and vouchers that went
 * out through another kiosk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central_client.h"

static central_server srv;
static central_client_ctx cx = {.srv = &srv, .key_prefix = "pr-"};

static int up(void **state) {
  static const char *const extra[] = {"--kiosk", "mall-b-02:other-secret", NULL};
  (void)state;
  return central_client_start(&srv, extra, NULL, 0);
}

static int down(void **state) {
  int rc;
  (void)state;
  rc = central_client_stop(&srv);
  central_client_cleanup(&srv);
  return rc;
}

/* A fresh voucher of demo-kiosk: one item for a gold member. */
static void redeem(const char *item, char *code, size_t cap) {
  char body[128];
  snprintf(body, sizeof body,
           "{\"member_id\":\"M100003\",\"item_id\":\"%s\",\"quantity\":1}",
           item);
  central_resp r = central_client_change(&cx, "/v1/redemptions", body);
  assert_int_equal(r.status, 201);
  const char *c =
      json_string_value(json_object_get(json_object_get(r.json, "voucher"), "code"));
  assert_non_null(c);
  snprintf(code, cap, "%s", c);
  central_client_resp_free(&r);
}

static char *record(const char *code, const char *outcome, int reprint,
                    const char *reason) {
  json_t *b = json_pack("{s:s, s:s, s:b, s:I}", "voucher_code", code, "outcome",
                        outcome, "reprint", reprint, "printed_at",
                        (json_int_t)1780000000);
  if (reason) json_object_set_new(b, "reason", json_string(reason));
  char *s = json_dumps(b, JSON_COMPACT);
  json_decref(b);
  return s;
}

static int64_t rows(const char *code) {
  sqlite3 *db;
  sqlite3_stmt *st;
  int64_t n = -1;
  assert_int_equal(sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT COUNT(*) FROM print_records "
                                      "WHERE voucher_code = ?",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

static void printed_record_stored_once_and_replayed(void **state) {
  char code[300];
  (void)state;
  redeem("G001", code, sizeof code);
  char *body = record(code, "printed", 0, NULL);
  central_resp r = central_client_call(&cx, "POST", "/v1/kiosk/print-records",
                                       body, "print-key-1");
  assert_int_equal(r.status, 201);
  assert_string_equal(json_string_value(json_object_get(r.json, "outcome")), "printed");
  assert_string_equal(json_string_value(json_object_get(r.json, "voucher_code")), code);
  assert_string_equal(json_string_value(json_object_get(r.json, "kiosk_id")),
                      "demo-kiosk");
  assert_true(json_is_false(json_object_get(r.json, "reprint")));
  assert_true(json_is_null(json_object_get(r.json, "reason")));
  assert_int_equal(central_client_num(r.json, "printed_at"), 1780000000);
  assert_true(central_client_num(r.json, "received_at") > 0);
  json_int_t id = central_client_num(r.json, "id");
  central_client_resp_free(&r);
  /* The kiosk's queue retries with the same key: same record, no new row. */
  r = central_client_call(&cx, "POST", "/v1/kiosk/print-records", body,
                          "print-key-1");
  assert_int_equal(r.status, 201);
  assert_int_equal(central_client_num(r.json, "id"), id);
  central_client_resp_free(&r);
  assert_int_equal(rows(code), 1);
  /* The same key for another record is a client bug, not a second row. */
  char *other = record(code, "failed", 0, "paper_out");
  r = central_client_call(&cx, "POST", "/v1/kiosk/print-records", other,
                          "print-key-1");
  central_client_expect_error(&r, 422, "idempotency_mismatch");
  assert_int_equal(rows(code), 1);
  /* A reprint under a new key is a row of its own. */
  char *again = record(code, "printed", 1, NULL);
  r = central_client_call(&cx, "POST", "/v1/kiosk/print-records", again,
                          "print-key-2");
  assert_int_equal(r.status, 201);
  assert_true(json_is_true(json_object_get(r.json, "reprint")));
  central_client_resp_free(&r);
  assert_int_equal(rows(code), 2);
  free(body);
  free(other);
  free(again);
}

static void failed_record_keeps_its_reason(void **state) {
  char code[300];
  (void)state;
  redeem("G002", code, sizeof code);
  char *body = record(code, "failed", 0, "paper_out");
  central_resp r = central_client_change(&cx, "/v1/kiosk/print-records", body);
  assert_int_equal(r.status, 201);
  assert_string_equal(json_string_value(json_object_get(r.json, "outcome")), "failed");
  assert_string_equal(json_string_value(json_object_get(r.json, "reason")), "paper_out");
  central_client_resp_free(&r);
  free(body);
  assert_int_equal(rows(code), 1);
}

static void refusals_unknown_bad_fields_other_kiosk(void **state) {
  char code[300];
  central_resp r;
  (void)state;
  redeem("C001", code, sizeof code);
  char *body = record("KV1.VFFFFFFFFFFFF.G001.M100003.1.sig", "printed", 0, NULL);
  r = central_client_change(&cx, "/v1/kiosk/print-records", body);
  central_client_expect_error(&r, 404, "voucher_not_found");
  free(body);
  body = record(code, "smudged", 0, NULL);
  r = central_client_change(&cx, "/v1/kiosk/print-records", body);
  central_client_expect_error(&r, 400, "invalid_request");
  free(body);
  r = central_client_change(&cx, "/v1/kiosk/print-records",
                            "{\"voucher_code\":\"x\",\"outcome\":\"printed\"}");
  central_client_expect_error(&r, 400, "invalid_request"); /* no printed_at */
  r = central_client_change(&cx, "/v1/kiosk/print-records",
                            "{\"voucher_code\":\"x\",\"outcome\":\"printed\","
                            "\"printed_at\":1,\"reprint\":\"yes\"}");
  central_client_expect_error(&r, 400, "invalid_request");
  r = central_client_call(&cx, "POST", "/v1/kiosk/print-records",
                          "{\"voucher_code\":\"x\",\"outcome\":\"printed\","
                          "\"printed_at\":1}",
                          NULL);
  central_client_expect_error(&r, 400, "invalid_request"); /* no key */
  /* demo-kiosk's voucher reported by another kiosk of the mall. */
  body = record(code, "printed", 0, NULL);
  central_req_opts o = {.kiosk_id = "mall-b-02", .secret = "other-secret",
                        .idem_key = "other-1"};
  assert_int_equal(central_client_request(&srv, "POST", "/v1/kiosk/print-records",
                                          body, strlen(body), &o, &r),
                   0);
  central_client_expect_error(&r, 409, "voucher_other_kiosk");
  free(body);
  assert_int_equal(rows(code), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(printed_record_stored_once_and_replayed),
      cmocka_unit_test(failed_record_keeps_its_reason),
      cmocka_unit_test(refusals_unknown_bad_fields_other_kiosk),
  };
  return cmocka_run_group_tests(tests, up, down);
}
