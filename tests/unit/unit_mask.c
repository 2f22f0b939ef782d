/* Masking of member names and phone numbers before screen, paper and logs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "mask.h"

static void check_name(const char *in, const char *want) {
  char out[64];
  mask_name(in, out, sizeof out);
  assert_string_equal(out, want);
}

static void chinese_names_keep_first_and_last_character(void **state) {
  (void)state;
  check_name("张晓明", "张*明");
  check_name("欧阳晓明", "欧**明");
  check_name("李婷", "李*");
  check_name("王", "*");
}

static void latin_names_are_masked_by_character(void **state) {
  (void)state;
  check_name("Li Lei", "L****i");
  check_name("Al", "A*");
  check_name("", "*");
}

static void invalid_utf8_is_masked_whole(void **state) {
  (void)state;
  check_name("\xe5\xbc", "*");
  check_name("ab\xff", "*");
}

static void short_buffer_never_overflows(void **state) {
  char out[4];
  (void)state;
  mask_name("张晓明", out, sizeof out);
  assert_true(strlen(out) < sizeof out);
  mask_phone("13812345678", out, sizeof out);
  assert_true(strlen(out) < sizeof out);
}

static void phone_keeps_three_and_four_digits(void **state) {
  char out[32];
  (void)state;
  mask_phone("13812345678", out, sizeof out);
  assert_string_equal(out, "138****5678");
  mask_phone("+86 138-1234-5678", out, sizeof out);
  assert_string_equal(out, "861******5678");
  mask_phone("12345", out, sizeof out);
  assert_string_equal(out, "***45");
  mask_phone("1", out, sizeof out);
  assert_string_equal(out, "*");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(chinese_names_keep_first_and_last_character),
      cmocka_unit_test(latin_names_are_masked_by_character),
      cmocka_unit_test(invalid_utf8_is_masked_whole),
      cmocka_unit_test(short_buffer_never_overflows),
      cmocka_unit_test(phone_keeps_three_and_four_digits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
