/*
 * Unit: the engagement rules that are plain arithmetic or parsing, without
 * a server: receipt points in integers (categories, tiers, campaigns,
 * rounding down, no float drift on large amounts) and receipt codes that
 * round-trip through the signer but not through a different key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "ctl_receipts.h"
#include "ctl_tiers.h"

static void receipt_points_are_integer_products_rounded_down(void **state) {
  (void)state;
  assert_int_equal(ctl_receipts_points(12850, "dining", "standard", 1), 128);
  assert_int_equal(ctl_receipts_points(4560, "dining", "silver", 1), 68);
  assert_int_equal(ctl_receipts_points(59900, "fashion", "gold", 1), 1797);
  assert_int_equal(ctl_receipts_points(9000, "cinema", "silver", 2), 540);
  assert_int_equal(ctl_receipts_points(9000, "cinema", "diamond", 1), 360);
  assert_int_equal(ctl_receipts_points(99, "dining", "standard", 1), 0);
  /* 1.5 x 1.5 on 0.01 yuan short of 100: 224.9775 -> 224 */
  assert_int_equal(ctl_receipts_points(9999, "fashion", "silver", 1), 224);
  /* ten million yuan: exact where doubles would still be, but no float */
  assert_int_equal(ctl_receipts_points(1000000000LL, "fashion", "gold", 2),
                   60000000LL);
  assert_int_equal(ctl_receipts_points(100, "grocery", "gold", 1), -1);
  assert_int_equal(ctl_receipts_points(100, "dining", "platinum", 1), -1);
}

/* Issue 10: tier multipliers 1 / 1.5 / 2 / 2, one table (ctl_tiers) that
 * the receipt award, the config and the benefit texts all read. */
static void receipt_award_uses_the_tier_table(void **state) {
  static const int64_t want[CTL_TIERS_N] = {10, 15, 20, 20};
  static const char *const says[CTL_TIERS_N] = {NULL, "1.5倍", "2倍", "2倍"};
  (void)state;
  for (int i = 0; i < CTL_TIERS_N; i++) {
    const ctl_tier *t = ctl_tiers_at(i);
    assert_int_equal(t->earn_tenths, want[i]);
    assert_int_equal(ctl_tiers_earn_tenths(t->code), want[i]);
    /* 100 yuan at dining rate 1: 100 points times the tier's multiplier */
    assert_int_equal(ctl_receipts_points(10000, "dining", t->code, 1),
                     10 * t->earn_tenths);
    if (says[i]) assert_non_null(strstr(t->benefits[0][0], says[i]));
  }
  assert_int_equal(ctl_tiers_earn_tenths("platinum"), -1);
  json_t *cfg = ctl_tiers_config_json();
  json_t *silver = json_array_get(cfg, 1);
  assert_int_equal(json_integer_value(json_object_get(silver,
                                                      "earn_multiplier_tenths")),
                   15);
  assert_true(json_real_value(json_object_get(silver, "earn_multiplier")) ==
              1.5);
  json_decref(cfg);
}

static void receipt_codes_sign_and_refuse_bad_parts(void **state) {
  unsigned char pk[32], sk[64];
  char code[CTL_RECEIPTS_MAX_CODE + 1];
  (void)state;
  ctl_receipts_demo_keys("S01", pk, sk);
  assert_int_equal(ctl_receipts_sign(sk, "S01", "000101", 12850, 1700000000,
                                     code, sizeof code),
                   0);
  assert_int_equal(strncmp(code, "KR1.S01.000101.12850.1700000000.", 32), 0);
  assert_int_equal(strlen(code), 32 + 86);
  assert_int_not_equal(
      ctl_receipts_sign(sk, "S.1", "1", 1, 1, code, sizeof code), 0);
  assert_int_not_equal(
      ctl_receipts_sign(sk, "S01", "1", 0, 1, code, sizeof code), 0);
  assert_int_not_equal(ctl_receipts_sign(sk, "S01", "1", 1, 1, code, 40), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(receipt_points_are_integer_products_rounded_down),
      cmocka_unit_test(receipt_award_uses_the_tier_table),
      cmocka_unit_test(receipt_codes_sign_and_refuse_bad_parts),
  };
  if (sodium_init() < 0) return 1;
  return cmocka_run_group_tests(tests, NULL, NULL);
}
