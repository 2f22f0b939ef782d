/* Every way a payload is refused, recognised as someone else's, or let in;
 * the replay cache and the 3 s dedupe window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "kerr.h"
#include "scan_classify.h"
#include "scan_dedupe.h"
#include "scan_replay.h"

#define NOW 1760000000

static unsigned char pk[32], sk[64];

static int setup(void **state) {
  (void)state;
  if (sodium_init() < 0) return -1;
  crypto_sign_keypair(pk, sk);
  return 0;
}

static void make_code(char *out, int64_t issued) {
  mcode_claims c = {0};
  snprintf(c.member_id, sizeof c.member_id, "M-42");
  snprintf(c.tier, sizeof c.tier, "gold");
  c.points = 1200;
  c.issued = issued;
  assert_int_equal(mcode_sign(&c, sk, out, MCODE_MAX_LEN + 1), 0);
}

static scan_classify_verdict classify(const char *p, size_t len,
                                      const scan_replay *r) {
  scan_classify_verdict v;
  scan_classify_payload(p, len, pk, NOW, NULL, r, &v);
  return v;
}

static void fresh_genuine_code_is_a_member(void **state) {
  char code[MCODE_MAX_LEN + 1];
  scan_classify_verdict v;
  (void)state;
  make_code(code, NOW - 5);
  v = classify(code, strlen(code), NULL);
  assert_int_equal(v.kind, SCAN_CLASSIFY_MEMBER);
  assert_string_equal(v.msgid, "scan.ok");
  assert_string_equal(v.claims.member_id, "M-42");
  assert_int_equal(v.claims.points, 1200);
}

static void each_refusal_has_its_own_reason(void **state) {
  char code[MCODE_MAX_LEN + 1], forged[MCODE_MAX_LEN + 1];
  scan_classify_verdict v;
  size_t n;
  (void)state;
  make_code(code, NOW - 121);
  v = classify(code, strlen(code), NULL);
  assert_int_equal(v.kind, SCAN_CLASSIFY_REFUSED);
  assert_int_equal(v.status, MCODE_EXPIRED);
  assert_string_equal(v.msgid, "scan.error.expired");

  make_code(code, NOW + 31);
  v = classify(code, strlen(code), NULL);
  assert_int_equal(v.status, MCODE_FROM_FUTURE);
  assert_string_equal(v.msgid, "scan.error.future");

  make_code(forged, NOW);
  n = strlen(forged);
  forged[n - 3] = forged[n - 3] == 'A' ? 'B' : 'A';
  v = classify(forged, n, NULL);
  assert_int_equal(v.kind, SCAN_CLASSIFY_REFUSED);
  assert_int_equal(v.status, MCODE_BAD_SIGNATURE);
  assert_string_equal(v.msgid, "scan.error.forged");

  v = classify("KM1.only.three", 14, NULL);
  assert_int_equal(v.kind, SCAN_CLASSIFY_REFUSED);
  assert_int_equal(v.status, MCODE_MALFORMED);
  assert_string_equal(v.msgid, "scan.error.invalid");

  v = classify("KM1.\x01\x02", 6, NULL);
  assert_int_equal(v.status, MCODE_NOT_ASCII);
  assert_int_equal(v.kind, SCAN_CLASSIFY_REFUSED);
}

static void someone_elses_codes_are_other_not_refused(void **state) {
  static const char *const other[] = {
      "https://qr.alipay.com/fkx12345", "wxp://f2f0abcdef",
      "\xe4\xbc\x9a\xe5\x91\x98", "KM2.1.2.3", "km1.lowercase", ""};
  char longurl[400];
  size_t i;
  scan_classify_verdict v;
  (void)state;
  for (i = 0; i < sizeof other / sizeof other[0]; i++) {
    v = classify(other[i], strlen(other[i]), NULL);
    assert_int_equal(v.kind, SCAN_CLASSIFY_OTHER);
    assert_string_equal(v.msgid, "scan.error.not_member");
  }
  memset(longurl, 'a', sizeof longurl);
  memcpy(longurl, "https://", 8);
  v = classify(longurl, sizeof longurl, NULL);
  assert_int_equal(v.kind, SCAN_CLASSIFY_OTHER);
  assert_int_equal(v.status, MCODE_TOO_LONG);
  memcpy(longurl, "KM1.", 4); /* ours in form but oversized: refused */
  v = classify(longurl, sizeof longurl, NULL);
  assert_int_equal(v.kind, SCAN_CLASSIFY_REFUSED);
  assert_int_equal(v.status, MCODE_TOO_LONG);
  v = classify(NULL, 0, NULL);
  assert_int_equal(v.kind, SCAN_CLASSIFY_OTHER);
}

static void used_code_is_refused_until_it_expires(void **state) {
  char code[MCODE_MAX_LEN + 1], other[MCODE_MAX_LEN + 1];
  scan_replay *r = NULL;
  scan_classify_verdict v;
  kerr_msg msg;
  (void)state;
  assert_int_equal(scan_replay_new(&r, 4, msg), KERR_OK);
  make_code(code, NOW - 10);
  make_code(other, NOW - 9);
  assert_int_equal(classify(code, strlen(code), r).kind, SCAN_CLASSIFY_MEMBER);
  assert_int_equal(scan_replay_add(r, code, strlen(code), NOW - 10 + 120, NOW), 0);
  v = classify(code, strlen(code), r);
  assert_int_equal(v.kind, SCAN_CLASSIFY_REFUSED);
  assert_int_equal(v.replayed, 1);
  assert_string_equal(v.msgid, "scan.error.replayed");
  assert_int_equal(classify(other, strlen(other), r).kind, SCAN_CLASSIFY_MEMBER);
  assert_int_equal(scan_replay_seen(r, code, strlen(code), NOW + 109), 1);
  assert_int_equal(scan_replay_seen(r, code, strlen(code), NOW + 110), 0);
  scan_replay_free(r);
}

static void full_replay_cache_drops_the_entry_closest_to_expiry(void **state) {
  scan_replay *r = NULL;
  kerr_msg msg;
  (void)state;
  assert_int_equal(scan_replay_new(&r, 2, msg), KERR_OK);
  assert_int_equal(scan_replay_add(r, "a", 1, NOW + 50, NOW), 0);
  assert_int_equal(scan_replay_add(r, "b", 1, NOW + 100, NOW), 0);
  assert_int_equal(scan_replay_add(r, "c", 1, NOW + 120, NOW), 1);
  assert_int_equal(scan_replay_seen(r, "a", 1, NOW), 0);
  assert_int_equal(scan_replay_seen(r, "b", 1, NOW), 1);
  assert_int_equal(scan_replay_seen(r, "c", 1, NOW), 1);
  /* expired entries make room without dropping anything valid */
  assert_int_equal(scan_replay_add(r, "d", 1, NOW + 300, NOW + 101), 0);
  assert_int_equal(scan_replay_seen(r, "c", 1, NOW + 101), 1);
  assert_int_equal(scan_replay_new(&r, 0, msg), KERR_INVALID);
  scan_replay_free(r);
}

static void same_payload_within_three_seconds_is_one_scan(void **state) {
  scan_dedupe *d = NULL;
  kerr_msg msg;
  (void)state;
  assert_int_equal(scan_dedupe_new(&d, SCAN_DEDUPE_WINDOW_MS, msg), KERR_OK);
  assert_int_equal(scan_dedupe_fresh(d, "A", 1, 1000), 1);
  assert_int_equal(scan_dedupe_fresh(d, "A", 1, 1066), 0);
  assert_int_equal(scan_dedupe_fresh(d, "A", 1, 3900), 0); /* still held */
  assert_int_equal(scan_dedupe_fresh(d, "A", 1, 6900), 0); /* window slides */
  assert_int_equal(scan_dedupe_fresh(d, "A", 1, 9901), 1); /* shown again */
  assert_int_equal(scan_dedupe_fresh(d, "B", 1, 9902), 1);
  assert_int_equal(scan_dedupe_fresh(d, "A", 1, 9903), 1);
  scan_dedupe_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fresh_genuine_code_is_a_member),
      cmocka_unit_test(each_refusal_has_its_own_reason),
      cmocka_unit_test(someone_elses_codes_are_other_not_refused),
      cmocka_unit_test(used_code_is_refused_until_it_expires),
      cmocka_unit_test(full_replay_cache_drops_the_entry_closest_to_expiry),
      cmocka_unit_test(same_payload_within_three_seconds_is_one_scan),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
