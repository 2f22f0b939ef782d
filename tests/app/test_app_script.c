/* script: the parser accepts every command and rejects bad lines with
 * file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "script.h"

static void every_command_parses(void **state) {
  (void)state;
  script *s = NULL;
  kerr_msg msg = "";
  const char *text =
      "# a tour\n"
      "\n"
      "tap 10 20\n"
      "  press demo-member-3  \n"
      "scan KM1.M100003.gold.12800.1700000000.sig with spaces\n"
      "key Escape\n"
      "type 京A12345\n"
      "wait 250\n"
      "expect member\n"
      "shot demo-out/member.png\n"
      "quit\n";
  assert_int_equal(script_parse_text("t.script", text, &s, msg), 0);
  assert_int_equal(s->n, 9);
  assert_int_equal(s->cmds[0].op, SCRIPT_TAP);
  assert_int_equal(s->cmds[0].x, 10);
  assert_int_equal(s->cmds[0].y, 20);
  assert_int_equal(s->cmds[0].line, 3);
  assert_int_equal(s->cmds[1].op, SCRIPT_PRESS);
  assert_string_equal(s->cmds[1].arg, "demo-member-3");
  assert_string_equal(s->cmds[2].arg,
                      "KM1.M100003.gold.12800.1700000000.sig with spaces");
  assert_int_equal(s->cmds[3].op, SCRIPT_KEY);
  assert_string_equal(s->cmds[4].arg, "京A12345");
  assert_int_equal(s->cmds[5].ms, 250);
  assert_string_equal(s->cmds[6].arg, "member");
  assert_string_equal(s->cmds[7].arg, "demo-out/member.png");
  assert_int_equal(s->cmds[8].op, SCRIPT_QUIT);
  script_free(s);
}

static void drag_takes_two_points_and_a_duration(void **state) {
  (void)state;
  script *s = NULL;
  kerr_msg msg = "";
  assert_int_equal(
      script_parse_text("d.script", "drag 540 1700 540 700 300\n", &s, msg), 0);
  assert_int_equal(s->n, 1);
  assert_int_equal(s->cmds[0].op, SCRIPT_DRAG);
  assert_int_equal(s->cmds[0].x, 540);
  assert_int_equal(s->cmds[0].y, 1700);
  assert_int_equal(s->cmds[0].x2, 540);
  assert_int_equal(s->cmds[0].y2, 700);
  assert_int_equal(s->cmds[0].ms, 300);
  assert_null(s->cmds[0].arg);
  script_free(s);
}

static void expect_bad(const char *text, const char *want) {
  script *s = NULL;
  kerr_msg msg = "";
  assert_int_equal(script_parse_text("bad.script", text, &s, msg), KERR_INVALID);
  assert_null(s);
  if (!strstr(msg, want)) fail_msg("got '%s', want '%s'", msg, want);
}

static void bad_lines_name_file_and_line(void **state) {
  (void)state;
  expect_bad("quit\njump 3\n", "bad.script:2: unknown command 'jump'");
  expect_bad("tap 1\n", "bad.script:1: tap needs two whole numbers");
  expect_bad("tap 1 y\n", "bad.script:1: tap needs two whole numbers");
  expect_bad("tap -1 4\n", "bad.script:1: tap needs two whole numbers");
  expect_bad("# c\nwait soon\n", "bad.script:2: wait needs milliseconds");
  expect_bad("expect lobby\n", "bad.script:1: unknown screen 'lobby'");
  expect_bad("shot out.jpg\n", "bad.script:1: shot needs a file name ending in .png");
  expect_bad("press\n", "bad.script:1: press needs one word");
  expect_bad("press a b\n", "bad.script:1: press needs one word");
  expect_bad("scan\n", "bad.script:1: scan needs text");
  expect_bad("quit now\n", "bad.script:1: quit takes nothing after it");
  expect_bad("drag 1 2 3 4\n", "bad.script:1: drag needs five whole numbers");
  expect_bad("drag 1 2 3 4 5 6\n", "bad.script:1: drag needs five whole numbers");
  expect_bad("drag 1 2 x 4 5\n", "bad.script:1: drag needs five whole numbers");
  expect_bad("drag 1 2 3 4 -5\n", "bad.script:1: drag needs five whole numbers");
}

static void every_screen_name_is_known(void **state) {
  (void)state;
  const char *names[] = {"attract", "member", "catalog", "item",
                         "parking", "result", "checkin", "admin"};
  for (size_t i = 0; i < 8; i++) assert_true(script_screen_valid(names[i]));
  assert_false(script_screen_valid("Attract"));
}

static void missing_file_is_an_error(void **state) {
  (void)state;
  script *s = NULL;
  kerr_msg msg = "";
  assert_int_equal(script_parse("/nonexistent.script", &s, msg), KERR_IO);
  assert_non_null(strstr(msg, "/nonexistent.script"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_command_parses),
      cmocka_unit_test(drag_takes_two_points_and_a_duration),
      cmocka_unit_test(bad_lines_name_file_and_line),
      cmocka_unit_test(every_screen_name_is_known),
      cmocka_unit_test(missing_file_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
