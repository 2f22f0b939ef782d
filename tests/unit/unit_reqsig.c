/* Request signatures: a known answer computed independently, and every
 * change to the signed parts refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "kerr.h"
#include "reqsig.h"

/* Computed with Python's hmac/hashlib:
 *   body = b'{"code":"x"}'
 *   msg = "POST\n/v1/members/resolve\n1795000000\n" + sha256(body).hexdigest()
 *   hmac.new(b"demo-secret", msg.encode(), "sha256").hexdigest() */
static const char *const KNOWN =
    "9cab7e69476b24fa55d8213d685d61c059318ede2d4563c15f555e2b894d9529";

static void matches_an_independent_implementation(void **state) {
  char sig[REQSIG_HEX_LEN + 1];
  const char *body = "{\"code\":\"x\"}";
  (void)state;
  reqsig_sign("demo-secret", "POST", "/v1/members/resolve", 1795000000, body,
              strlen(body), sig);
  assert_string_equal(sig, KNOWN);
  assert_int_equal(reqsig_check("demo-secret", "POST", "/v1/members/resolve",
                                1795000000, body, strlen(body), KNOWN),
                   KERR_OK);
}

static void any_changed_part_is_refused(void **state) {
  char sig[REQSIG_HEX_LEN + 1];
  const char *body = "{\"a\":1}";
  (void)state;
  reqsig_sign("s3cret", "GET", "/v1/members/M1?x=1", 100, body, strlen(body), sig);
  assert_int_equal(reqsig_check("s3cret", "GET", "/v1/members/M1?x=1", 100, body, strlen(body), sig), KERR_OK);
  assert_int_equal(reqsig_check("s3cre7", "GET", "/v1/members/M1?x=1", 100, body, strlen(body), sig), KERR_DENIED);
  assert_int_equal(reqsig_check("s3cret", "PUT", "/v1/members/M1?x=1", 100, body, strlen(body), sig), KERR_DENIED);
  assert_int_equal(reqsig_check("s3cret", "GET", "/v1/members/M1?x=2", 100, body, strlen(body), sig), KERR_DENIED);
  assert_int_equal(reqsig_check("s3cret", "GET", "/v1/members/M1?x=1", 101, body, strlen(body), sig), KERR_DENIED);
  assert_int_equal(reqsig_check("s3cret", "GET", "/v1/members/M1?x=1", 100, "{\"a\":2}", 7, sig), KERR_DENIED);
}

static void malformed_signatures_are_refused(void **state) {
  (void)state;
  assert_int_equal(reqsig_check("s", "GET", "/", 1, NULL, 0, NULL), KERR_DENIED);
  assert_int_equal(reqsig_check("s", "GET", "/", 1, NULL, 0, ""), KERR_DENIED);
  assert_int_equal(reqsig_check("s", "GET", "/", 1, NULL, 0, "zz"), KERR_DENIED);
  assert_int_equal(reqsig_check("s", "GET", "/", 1, NULL, 0,
      "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg"), KERR_DENIED);
}

static void skew_window_is_inclusive(void **state) {
  (void)state;
  assert_true(reqsig_skew_ok(1000, 1300, 300));
  assert_true(reqsig_skew_ok(1300, 1000, 300));
  assert_false(reqsig_skew_ok(1000, 1301, 300));
  assert_false(reqsig_skew_ok(1301, 1000, 300));
  /* A request's timestamp is outside input: extremes must not overflow. */
  assert_false(reqsig_skew_ok(INT64_MIN, 1795000000, 300));
  assert_false(reqsig_skew_ok(INT64_MAX, 1795000000, 300));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(matches_an_independent_implementation),
      cmocka_unit_test(any_changed_part_is_refused),
      cmocka_unit_test(malformed_signatures_are_refused),
      cmocka_unit_test(skew_window_is_inclusive),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
