/* The admin PIN (app/pin.h): hashing, checking, and the five-minute lock
 * after five wrong tries, with the time passed in (no sleeps). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pin.h"

static char hash_2580[PIN_HASH_MAX];

static int setup(void **state) {
  (void)state;
  kerr_msg msg;
  return pin_hash("2580", hash_2580, msg);
}

static void hash_is_an_argon2id_string_without_the_pin(void **state) {
  (void)state;
  assert_non_null(strstr(hash_2580, "$argon2id$"));
  assert_null(strstr(hash_2580, "2580"));
  char again[PIN_HASH_MAX];
  kerr_msg msg;
  assert_int_equal(pin_hash("2580", again, msg), KERR_OK);
  assert_string_not_equal(again, hash_2580); /* salted */
}

static void malformed_pins_are_not_hashed(void **state) {
  (void)state;
  char out[PIN_HASH_MAX];
  kerr_msg msg;
  assert_int_equal(pin_hash("123", out, msg), KERR_INVALID);
  assert_int_equal(pin_hash("12a4", out, msg), KERR_INVALID);
  assert_int_equal(pin_hash("1234567890123", out, msg), KERR_INVALID);
  assert_int_equal(pin_hash("", out, msg), KERR_INVALID);
  assert_true(pin_well_formed("0000"));
  assert_true(pin_well_formed("123456789012"));
}

static void right_pin_opens_and_wrong_pin_counts_down(void **state) {
  (void)state;
  pin *p;
  kerr_msg msg;
  assert_int_equal(pin_new(hash_2580, &p, msg), KERR_OK);
  assert_int_equal(pin_try(p, "2580", 1000), PIN_OK);
  assert_int_equal(pin_try(p, "1111", 1000), PIN_WRONG);
  assert_int_equal(pin_tries_left(p), 4);
  assert_int_equal(pin_try(p, "25", 1000), PIN_WRONG); /* too short: wrong */
  assert_int_equal(pin_tries_left(p), 3);
  assert_int_equal(pin_try(p, "2580", 1000), PIN_OK);
  assert_int_equal(pin_tries_left(p), PIN_MAX_TRIES); /* reset */
  pin_free(p);
}

static void five_wrong_tries_lock_for_five_minutes(void **state) {
  (void)state;
  pin *p;
  kerr_msg msg;
  uint64_t t = 50000;
  assert_int_equal(pin_new(hash_2580, &p, msg), KERR_OK);
  for (int i = 0; i < PIN_MAX_TRIES - 1; i++)
    assert_int_equal(pin_try(p, "0000", t), PIN_WRONG);
  assert_int_equal(pin_locked_for(p, t), 0);
  assert_int_equal(pin_try(p, "0000", t), PIN_LOCKED);
  assert_int_equal(pin_locked_for(p, t), PIN_LOCK_MS);
  /* While locked even the right PIN is refused, and is not counted. */
  assert_int_equal(pin_try(p, "2580", t + 1000), PIN_LOCKED);
  assert_int_equal(pin_try(p, "2580", t + PIN_LOCK_MS - 1), PIN_LOCKED);
  assert_int_equal(pin_locked_for(p, t + PIN_LOCK_MS - 1), 1);
  /* Afterwards five tries again. */
  assert_int_equal(pin_locked_for(p, t + PIN_LOCK_MS), 0);
  assert_int_equal(pin_try(p, "0000", t + PIN_LOCK_MS), PIN_WRONG);
  assert_int_equal(pin_tries_left(p), PIN_MAX_TRIES - 1);
  assert_int_equal(pin_try(p, "2580", t + PIN_LOCK_MS + 1), PIN_OK);
  pin_free(p);
}

static void no_hash_means_no_admin_and_garbage_is_refused(void **state) {
  (void)state;
  pin *p;
  kerr_msg msg;
  assert_int_equal(pin_new("", &p, msg), KERR_OK);
  assert_int_equal(pin_try(p, "2580", 0), PIN_NOT_SET);
  pin_free(p);
  assert_int_equal(pin_new("2580", &p, msg), KERR_INVALID);
  assert_non_null(strstr(msg, "--hash-pin"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hash_is_an_argon2id_string_without_the_pin),
      cmocka_unit_test(malformed_pins_are_not_hashed),
      cmocka_unit_test(right_pin_opens_and_wrong_pin_counts_down),
      cmocka_unit_test(five_wrong_tries_lock_for_five_minutes),
      cmocka_unit_test(no_hash_means_no_admin_and_garbage_is_refused),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
