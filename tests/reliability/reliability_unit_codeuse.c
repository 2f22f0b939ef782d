/* ctl_codeuse: one member code opens a session at one kiosk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ctl_codeuse.h"

static const char *code = "KM1.M100002.silver.100.1700000000.sig";

static int reset(void **state) {
  (void)state;
  ctl_codeuse_reset();
  return 0;
}

static void first_kiosk_owns_code_others_refused_until_expiry(void **state) {
  (void)state;
  size_t n = strlen(code);
  assert_int_equal(ctl_codeuse_claim(code, n, "k1", 1120, 1000), CTL_CODEUSE_FIRST);
  assert_int_equal(ctl_codeuse_claim(code, n, "k1", 1120, 1010), CTL_CODEUSE_SAME_KIOSK);
  assert_int_equal(ctl_codeuse_claim(code, n, "k2", 1120, 1020), CTL_CODEUSE_OTHER_KIOSK);
  assert_int_equal(ctl_codeuse_claim(code, n, "k2", 1120, 1120), CTL_CODEUSE_OTHER_KIOSK);
  /* Expired: the code is refused by its age anyway; the entry is gone. */
  assert_int_equal(ctl_codeuse_claim(code, n, "k2", 1300, 1121), CTL_CODEUSE_FIRST);
  /* One byte different is another code. */
  assert_int_equal(ctl_codeuse_claim(code, n - 1, "k1", 1300, 1122), CTL_CODEUSE_FIRST);
}

static void full_table_drops_codes_never_misattributes(void **state) {
  (void)state;
  char c[64];
  int evicted = 0;
  for (int i = 0; i < 2 * CTL_CODEUSE_CAPACITY; i++) {
    snprintf(c, sizeof c, "code-%d", i);
    ctl_codeuse_result r = ctl_codeuse_claim(c, strlen(c), "k1", 2000 + i, 1000);
    assert_true(r == CTL_CODEUSE_FIRST || r == CTL_CODEUSE_FIRST_EVICTED);
    evicted += r == CTL_CODEUSE_FIRST_EVICTED;
    /* The newest code is always held, for its own kiosk only. */
    assert_int_equal(ctl_codeuse_claim(c, strlen(c), "k2", 2000 + i, 1000),
                     CTL_CODEUSE_OTHER_KIOSK);
  }
  assert_true(evicted >= CTL_CODEUSE_CAPACITY);
  /* Once they expire the slots are free again. */
  assert_int_equal(ctl_codeuse_claim("later", 5, "k2", 30000, 20000), CTL_CODEUSE_FIRST);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(first_kiosk_owns_code_others_refused_until_expiry, reset),
      cmocka_unit_test_setup(full_table_drops_codes_never_misattributes, reset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
