/* The screen-change fade's timing (screen_transition_alpha): driven by the
 * clock, fully covered at the start, gone at the end and after, never
 * rising, and within the issue's 250 ms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "screen.h"

static void veil_is_opaque_at_start_and_gone_at_end(void **state) {
  (void)state;
  assert_int_equal(screen_transition_alpha(1000, 1000, 180), 255);
  assert_int_equal(screen_transition_alpha(1000, 999, 180), 255);
  assert_int_equal(screen_transition_alpha(1000, 1180, 180), 0);
  assert_int_equal(screen_transition_alpha(1000, 5000, 180), 0);
}

static void no_transition_draws_nothing(void **state) {
  (void)state;
  assert_int_equal(screen_transition_alpha(0, 1000, 180), 0);
  assert_int_equal(screen_transition_alpha(1000, 1000, 0), 0);
}

static void veil_falls_with_time_and_eases_out(void **state) {
  (void)state;
  int last = 256;
  for (uint64_t t = 1000; t <= 1180; t++) {
    int a = screen_transition_alpha(1000, t, 180);
    assert_true(a <= last);
    assert_true(a >= 0 && a <= 255);
    last = a;
  }
  /* Ease-out: at half time far less than half the veil is left. */
  int mid = screen_transition_alpha(1000, 1090, 180);
  assert_true(mid < 64);
  assert_true(mid > 0);
  /* The same moment gives the same veil whatever the frame rate was. */
  assert_int_equal(screen_transition_alpha(5000, 5045, 180),
                   screen_transition_alpha(1000, 1045, 180));
}

static void transition_fits_the_issue_budget(void **state) {
  (void)state;
  assert_true(SCREEN_TRANSITION_MS <= 250);
  assert_true(SCREEN_TRANSITION_STEP_MS < SCREEN_TRANSITION_MS);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(veil_is_opaque_at_start_and_gone_at_end),
      cmocka_unit_test(no_transition_draws_nothing),
      cmocka_unit_test(veil_falls_with_time_and_eases_out),
      cmocka_unit_test(transition_fits_the_issue_budget),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
