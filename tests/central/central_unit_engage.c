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
      cmocka_unit_test(receipt_codes_sign_and_refuse_bad_parts),
  };
  if (sodium_init() < 0) return 1;
  return cmocka_run_group_tests(tests, NULL, NULL);
}
