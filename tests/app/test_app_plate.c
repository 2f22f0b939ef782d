/* The kiosk's plate check as typed (app/plate.h), and that it accepts
 * exactly the plates the central accepts (central/ctl_plate.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_plate.h"
#include "plate.h"

static plate_state st(const char *s) {
  plate_info i;
  plate_check(s, &i);
  return i.state;
}

static const char *why(const char *s) {
  plate_info i;
  plate_check(s, &i);
  return i.why;
}

static void ordinary_plates_are_valid(void **state) {
  (void)state;
  const char *ok[] = {"粤B12345", "京A88888", "沪C5D678", "川A0000Z",
                      "琼EAB123", "粤b12345", "粤B·12345", "粤 B 12345"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    assert_int_equal(st(ok[i]), PLATE_VALID);
    assert_true(plate_valid(ok[i]));
  }
  plate_info in;
  plate_check("粤b·123 45", &in);
  assert_string_equal(in.norm, "粤B12345");
  assert_int_equal(in.chars, 7);
  assert_true(in.more); /* 粤B12345D or 粤B12345学 may follow */
}

static void new_energy_plates_are_valid(void **state) {
  (void)state;
  /* Small cars: D or F, a letter or digit, 4 digits. */
  assert_int_equal(st("粤BD12345"), PLATE_VALID);
  assert_int_equal(st("粤BF12345"), PLATE_VALID);
  assert_int_equal(st("粤BDA1234"), PLATE_VALID);
  /* Large cars: 5 digits, then D or F. */
  assert_int_equal(st("浙A12345D"), PLATE_VALID);
  assert_int_equal(st("浙A12345F"), PLATE_VALID);
  assert_string_equal(why("浙A12345F"), "plate.hint.valid_ne");
  plate_info in;
  plate_check("粤BD12345", &in);
  assert_false(in.more);
  /* 6 characters that are neither. */
  assert_int_equal(st("粤BA12345"), PLATE_INVALID);
  assert_string_equal(why("粤BA12345"), "plate.why.pattern");
  assert_int_equal(st("粤B1234AD"), PLATE_INVALID);
  assert_int_equal(st("粤BD1234A"), PLATE_INVALID);
}

static void suffixes_follow_four_or_five_characters(void **state) {
  (void)state;
  const char *ok[] = {"粤B1234挂", "粤B6789学", "粤A1234警", "粤Z1234港",
                      "粤Z1234澳", "粤B12345挂"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    assert_int_equal(st(ok[i]), PLATE_VALID);
  assert_int_equal(st("粤B123学"), PLATE_INVALID);
  assert_string_equal(why("粤B123学"), "plate.why.suffix");
  assert_int_equal(st("粤B1234学5"), PLATE_INVALID);
  assert_int_equal(st("粤B学"), PLATE_INVALID);
}

static void letters_i_and_o_are_refused(void **state) {
  (void)state;
  assert_int_equal(st("粤I12345"), PLATE_INVALID);
  assert_string_equal(why("粤I"), "plate.why.io");
  assert_int_equal(st("粤B1234O"), PLATE_INVALID);
  assert_string_equal(why("粤BO"), "plate.why.io");
  assert_string_equal(why("粤B12I"), "plate.why.io");
}

static void wrong_lengths_are_partial_or_too_long(void **state) {
  (void)state;
  assert_int_equal(st(""), PLATE_EMPTY);
  assert_string_equal(why(""), "plate.hint.province");
  assert_int_equal(st("粤"), PLATE_PARTIAL);
  assert_string_equal(why("粤"), "plate.hint.letter");
  assert_int_equal(st("粤B"), PLATE_PARTIAL);
  assert_int_equal(st("粤B1234"), PLATE_PARTIAL);
  assert_string_equal(why("粤B1234"), "plate.hint.more");
  assert_false(plate_valid("粤B1234"));
  assert_int_equal(st("粤B1234567"), PLATE_INVALID);
  assert_string_equal(why("粤B1234567"), "plate.why.too_long");
  assert_int_equal(st("粤B12345678901234567890123456789"), PLATE_INVALID);
}

static void first_character_must_be_a_province(void **state) {
  (void)state;
  assert_int_equal(st("B12345"), PLATE_INVALID);
  assert_string_equal(why("B"), "plate.why.province");
  assert_string_equal(why("港B12345"), "plate.why.province");
  assert_string_equal(why("中B12345"), "plate.why.province");
  assert_string_equal(why("粤1"), "plate.why.letter");
  assert_string_equal(why("粤B12#"), "plate.why.char");
  assert_string_equal(why("粤B12中"), "plate.why.char");
}

static void backspace_removes_one_character(void **state) {
  (void)state;
  char s[PLATE_MAX + 1] = "粤B1";
  plate_backspace(s);
  assert_string_equal(s, "粤B");
  plate_backspace(s);
  assert_string_equal(s, "粤");
  plate_backspace(s);
  assert_string_equal(s, "");
  plate_backspace(s);
  assert_string_equal(s, "");
}

/* Every string of up to 8 characters over a small alphabet: the kiosk calls
 * VALID exactly what the central normalises, and every prefix of a valid
 * plate is a good start (never INVALID), so the keyboard never blocks a
 * plate the central would take. */
static const char *alpha[] = {"粤", "京", "港", "学", "B", "D", "F", "I", "1", "0"};
#define NA (sizeof alpha / sizeof alpha[0])

static void walk(char *buf, size_t len, int depth, long *checked) {
  char norm[CTL_PLATE_MAX + 1];
  plate_info in;
  plate_check(buf, &in);
  int central = ctl_plate_normalize(buf, norm, sizeof norm) == 0;
  if (central != (in.state == PLATE_VALID)) fail_msg("disagree on %s", buf);
  if (central) assert_string_equal(norm, in.norm);
  (*checked)++;
  if (depth == 8) return;
  for (size_t i = 0; i < NA; i++) {
    size_t n = strlen(alpha[i]);
    memcpy(buf + len, alpha[i], n + 1);
    plate_info next;
    plate_check(buf, &next);
    /* Only keep walking from good starts (the space is too big otherwise);
     * what follows an invalid start is checked one level deep. */
    if (next.state != PLATE_INVALID) {
      walk(buf, len + n, depth + 1, checked);
    } else {
      if (ctl_plate_normalize(buf, norm, sizeof norm) == 0)
        fail_msg("%s: the central takes it, the kiosk refuses it", buf);
      (*checked)++;
    }
    buf[len] = '\0';
  }
}

static void agrees_with_the_central_on_every_short_string(void **state) {
  (void)state;
  char buf[64] = "";
  long checked = 0;
  walk(buf, 0, 0, &checked);
  assert_true(checked > 10000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ordinary_plates_are_valid),
      cmocka_unit_test(new_energy_plates_are_valid),
      cmocka_unit_test(suffixes_follow_four_or_five_characters),
      cmocka_unit_test(letters_i_and_o_are_refused),
      cmocka_unit_test(wrong_lengths_are_partial_or_too_long),
      cmocka_unit_test(first_character_must_be_a_province),
      cmocka_unit_test(backspace_removes_one_character),
      cmocka_unit_test(agrees_with_the_central_on_every_short_string),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
