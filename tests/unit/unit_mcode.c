/* Member code parsing and verification: the good code and every way a code
 * is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "kerr.h"
#include "mcode.h"

static unsigned char pk[crypto_sign_PUBLICKEYBYTES];
static unsigned char sk[crypto_sign_SECRETKEYBYTES];
static const int64_t NOW = 1795000000;

static int setup(void **state) {
  (void)state;
  if (sodium_init() < 0) return -1;
  crypto_sign_keypair(pk, sk);
  return 0;
}

static void make_code(const char *id, const char *tier, int64_t points,
                      int64_t issued, char *out) {
  mcode_claims c;
  memset(&c, 0, sizeof c);
  snprintf(c.member_id, sizeof c.member_id, "%s", id);
  snprintf(c.tier, sizeof c.tier, "%s", tier);
  c.points = points;
  c.issued = issued;
  assert_int_equal(mcode_sign(&c, sk, out, MCODE_MAX_LEN + 1), KERR_OK);
}

static mcode_status verify(const char *code, mcode_claims *c) {
  return mcode_verify(code, strlen(code), pk, NOW, NULL, c);
}

static void fresh_code_verifies_and_yields_claims(void **state) {
  char code[MCODE_MAX_LEN + 1];
  mcode_claims c;
  (void)state;
  make_code("M100003", "gold", 12800, NOW - 5, code);
  assert_int_equal(verify(code, &c), MCODE_OK);
  assert_string_equal(c.member_id, "M100003");
  assert_string_equal(c.tier, "gold");
  assert_int_equal(c.points, 12800);
  assert_int_equal(c.issued, NOW - 5);
}

static void code_older_than_max_age_is_expired(void **state) {
  char code[MCODE_MAX_LEN + 1];
  mcode_claims c;
  (void)state;
  make_code("M1", "silver", 1, NOW - 120, code);
  assert_int_equal(verify(code, &c), MCODE_OK); /* exactly at the limit */
  make_code("M1", "silver", 1, NOW - 121, code);
  assert_int_equal(verify(code, &c), MCODE_EXPIRED);
}

static void code_from_the_future_is_refused(void **state) {
  char code[MCODE_MAX_LEN + 1];
  mcode_claims c;
  (void)state;
  make_code("M1", "silver", 1, NOW + 30, code);
  assert_int_equal(verify(code, &c), MCODE_OK);
  make_code("M1", "silver", 1, NOW + 31, code);
  assert_int_equal(verify(code, &c), MCODE_FROM_FUTURE);
}

static void policy_changes_the_age_limits(void **state) {
  char code[MCODE_MAX_LEN + 1];
  mcode_claims c;
  mcode_policy strict = {10, 0};
  (void)state;
  make_code("M1", "gold", 1, NOW - 11, code);
  assert_int_equal(mcode_verify(code, strlen(code), pk, NOW, &strict, &c), MCODE_EXPIRED);
  make_code("M1", "gold", 1, NOW + 1, code);
  assert_int_equal(mcode_verify(code, strlen(code), pk, NOW, &strict, &c), MCODE_FROM_FUTURE);
}

static void edited_points_break_the_signature(void **state) {
  char code[MCODE_MAX_LEN + 1];
  char *p;
  mcode_claims c;
  (void)state;
  make_code("M100001", "standard", 500, NOW, code);
  p = strstr(code, ".500.");
  assert_non_null(p);
  p[1] = '9';
  assert_int_equal(verify(code, &c), MCODE_BAD_SIGNATURE);
}

static void edited_tier_breaks_the_signature(void **state) {
  char code[MCODE_MAX_LEN + 1], forged[MCODE_MAX_LEN + 40];
  const char *rest;
  mcode_claims c;
  (void)state;
  make_code("M100001", "gold", 500, NOW, code);
  rest = strstr(code, ".gold.") + 5;
  snprintf(forged, sizeof forged, "KM1.M100001.diamond%s", rest);
  assert_int_equal(verify(forged, &c), MCODE_BAD_SIGNATURE);
}

static void code_signed_by_another_key_is_refused(void **state) {
  unsigned char pk2[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];
  char code[MCODE_MAX_LEN + 1];
  mcode_claims c = {"M7", "gold", 10, NOW};
  (void)state;
  crypto_sign_keypair(pk2, sk2);
  assert_int_equal(mcode_sign(&c, sk2, code, sizeof code), KERR_OK);
  assert_int_equal(verify(code, &c), MCODE_BAD_SIGNATURE);
}

static void other_qr_payloads_are_not_member_codes(void **state) {
  mcode_claims c;
  (void)state;
  assert_int_equal(verify("https://example.com/pay?id=1", &c), MCODE_NOT_MEMBER);
  assert_int_equal(verify("KM2.M1.gold.1.1.x", &c), MCODE_NOT_MEMBER);
  assert_int_equal(verify("KM1", &c), MCODE_NOT_MEMBER);
  assert_int_equal(mcode_verify("", 0, pk, NOW, NULL, &c), MCODE_EMPTY);
}

static void truncated_codes_are_malformed(void **state) {
  char code[MCODE_MAX_LEN + 1];
  mcode_claims c;
  size_t n, len;
  (void)state;
  make_code("M100002", "silver", 4200, NOW, code);
  len = strlen(code);
  for (n = 4; n < len; n++) {
    mcode_status st = mcode_verify(code, n, pk, NOW, NULL, &c);
    assert_true(st == MCODE_MALFORMED);
  }
}

static void malformed_fields_are_refused(void **state) {
  static const char *const bad[] = {
      "KM1..gold.1.1.AAAA",                 /* empty id */
      "KM1.M1.platinum.1.1.AAAA",           /* unknown tier */
      "KM1.M1.gold.-1.1.AAAA",              /* signed number */
      "KM1.M1.gold.01.1.AAAA",              /* leading zero */
      "KM1.M1.gold.1.1",                    /* five fields */
      "KM1.M1.gold.1.1.AAAA.BBBB",          /* seven fields */
      "KM1.M 1.gold.1.1.AAAA",              /* space in id */
      "KM1.M1.gold.99999999999999999999.1.AAAA", /* overflow */
      "KM1.M1.gold.1.1.AAAA",               /* short signature */
  };
  mcode_claims c;
  size_t i;
  (void)state;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(verify(bad[i], &c), MCODE_MALFORMED);
}

static void signature_with_bad_base64_is_malformed(void **state) {
  char code[MCODE_MAX_LEN + 1];
  mcode_claims c;
  (void)state;
  make_code("M1", "gold", 1, NOW, code);
  code[strlen(code) - 3] = '*';
  assert_int_equal(verify(code, &c), MCODE_MALFORMED);
}

static void signature_spelled_another_way_is_refused(void **state) {
  /* 64 bytes in 86 characters leave 4 unused bits in the last one. A lenient
   * decoder would read every spelling as the same signature, and a used code
   * could come back past the replay cache under a new spelling; libsodium
   * refuses non-zero padding bits, and this keeps it that way. */
  static const char b64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char code[MCODE_MAX_LEN + 1];
  mcode_claims c;
  size_t len;
  int v, tried = 0;
  (void)state;
  make_code("M100003", "gold", 12800, NOW, code);
  len = strlen(code);
  v = (int)(strchr(b64, code[len - 1]) - b64);
  for (int alt = 1; alt < 16; alt++) {
    code[len - 1] = b64[v ^ alt];
    assert_int_not_equal(verify(code, &c), MCODE_OK);
    tried++;
  }
  assert_int_equal(tried, 15);
}

static void oversized_input_is_refused_before_parsing(void **state) {
  char big[4096];
  mcode_claims c;
  (void)state;
  memset(big, 'A', sizeof big);
  memcpy(big, "KM1.", 4);
  assert_int_equal(mcode_verify(big, sizeof big, pk, NOW, NULL, &c), MCODE_TOO_LONG);
}

static void non_ascii_and_control_bytes_are_refused(void **state) {
  mcode_claims c;
  (void)state;
  assert_int_equal(verify("KM1.张三.gold.1.1.AAAA", &c), MCODE_NOT_ASCII);
  assert_int_equal(mcode_verify("KM1.M1\0.gold", 12, pk, NOW, NULL, &c), MCODE_NOT_ASCII);
  assert_int_equal(verify("KM1.M1.gold.1.1.AA\n", &c), MCODE_NOT_ASCII);
}

static void sign_refuses_claims_it_cannot_encode(void **state) {
  char out[MCODE_MAX_LEN + 1];
  mcode_claims c = {"", "gold", 1, NOW};
  (void)state;
  assert_int_equal(mcode_sign(&c, sk, out, sizeof out), KERR_INVALID);
  c = (mcode_claims){"M1", "platinum", 1, NOW};
  assert_int_equal(mcode_sign(&c, sk, out, sizeof out), KERR_INVALID);
  c = (mcode_claims){"M1", "gold", -5, NOW};
  assert_int_equal(mcode_sign(&c, sk, out, sizeof out), KERR_INVALID);
  c = (mcode_claims){"M1", "gold", 1, NOW};
  assert_int_equal(mcode_sign(&c, sk, out, 20), KERR_INVALID);
}

static void every_status_has_a_message_key(void **state) {
  int s;
  (void)state;
  for (s = MCODE_OK; s <= MCODE_FROM_FUTURE; s++) {
    assert_true(strncmp(mcode_status_msgid((mcode_status)s), "scan.", 5) == 0);
    assert_string_not_equal(mcode_status_str((mcode_status)s), "unknown");
  }
  assert_string_equal(mcode_status_msgid(MCODE_EXPIRED), "scan.error.expired");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fresh_code_verifies_and_yields_claims),
      cmocka_unit_test(code_older_than_max_age_is_expired),
      cmocka_unit_test(code_from_the_future_is_refused),
      cmocka_unit_test(policy_changes_the_age_limits),
      cmocka_unit_test(edited_points_break_the_signature),
      cmocka_unit_test(edited_tier_breaks_the_signature),
      cmocka_unit_test(code_signed_by_another_key_is_refused),
      cmocka_unit_test(other_qr_payloads_are_not_member_codes),
      cmocka_unit_test(truncated_codes_are_malformed),
      cmocka_unit_test(malformed_fields_are_refused),
      cmocka_unit_test(signature_with_bad_base64_is_malformed),
      cmocka_unit_test(signature_spelled_another_way_is_refused),
      cmocka_unit_test(oversized_input_is_refused_before_parsing),
      cmocka_unit_test(non_ascii_and_control_bytes_are_refused),
      cmocka_unit_test(sign_refuses_claims_it_cannot_encode),
      cmocka_unit_test(every_status_has_a_message_key),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
