/* cfg: each kind of mistake in the config file stops with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cfg.h"

static char path[64];

static const char *good =
    "; comment\n"
    "[kiosk]\n"
    "id = kiosk-7\n"
    "secret = s3cret\n"
    "\n"
    "[central]\n"
    "url = https://central.example.com\n"
    "timeout_ms = 2500\n"
    "[display]\n"
    "renderer = accelerated\n"
    "fullscreen = no\n"
    "size = 1920x1080\n"
    "[ui]\n"
    "language = en\n"
    "idle_timeout_s = 60\n"
    "countdown_s = 15\n";

static void write_file(const char *text) {
  snprintf(path, sizeof path, "/tmp/app_cfg_%d.conf", (int)getpid());
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Loads text; returns the rc and leaves the message in msg. */
static int load(const char *text, cfg *c, int demo, char *msg) {
  write_file(text);
  cfg_defaults(c);
  int rc = cfg_load(path, c, demo, msg);
  unlink(path);
  return rc;
}

static void expect_error(const char *text, int line, const char *what) {
  cfg c;
  kerr_msg msg = "";
  assert_int_equal(load(text, &c, 0, msg), KERR_CONFIG);
  char want[128];
  snprintf(want, sizeof want, "%s:%d: ", path, line);
  if (strncmp(msg, want, strlen(want)) != 0 || !strstr(msg, what))
    fail_msg("got '%s', want '%s...%s'", msg, want, what);
}

static void good_file_fills_every_key(void **state) {
  (void)state;
  cfg c;
  kerr_msg msg = "";
  assert_int_equal(load(good, &c, 0, msg), 0);
  assert_string_equal(c.kiosk_id, "kiosk-7");
  assert_string_equal(c.secret, "s3cret");
  assert_string_equal(c.central_url, "https://central.example.com");
  assert_int_equal(c.timeout_ms, 2500);
  assert_int_equal(c.renderer_accelerated, 1);
  assert_int_equal(c.fullscreen, 0);
  assert_int_equal(c.width, 1920);
  assert_int_equal(c.height, 1080);
  assert_string_equal(c.language, "en");
  assert_int_equal(c.idle_timeout_s, 60);
  assert_int_equal(c.countdown_s, 15);
  assert_int_equal(c.font_face, 2); /* default kept */
}

static void unknown_key_names_its_line(void **state) {
  (void)state;
  expect_error("[kiosk]\nid = a\nsecret = b\ncolour = red\n", 4,
               "unknown key colour in [kiosk]");
}

static void unknown_section_names_its_line(void **state) {
  (void)state;
  expect_error("[kiosk]\nid = a\n[printr]\nport = 1\n", 4,
               "unknown section [printr]");
}

static void bad_values_are_refused(void **state) {
  (void)state;
  const char *base = "[kiosk]\nid = a\nsecret = b\n[central]\nurl = http://x\n";
  char text[512];
  snprintf(text, sizeof text, "%s[central]\ntimeout_ms = soon\n", base);
  expect_error(text, 7, "timeout_ms must be a whole number");
  snprintf(text, sizeof text, "%s[ui]\nidle_timeout_s = 2\n", base);
  expect_error(text, 7, "out of range 5..3600");
  snprintf(text, sizeof text, "%s[display]\nfullscreen = maybe\n", base);
  expect_error(text, 7, "fullscreen must be yes or no");
  snprintf(text, sizeof text, "%s[display]\nrenderer = vulkan\n", base);
  expect_error(text, 7, "renderer must be software or accelerated");
  snprintf(text, sizeof text, "%s[display]\nsize = big\n", base);
  expect_error(text, 7, "size must be WIDTHxHEIGHT");
  snprintf(text, sizeof text, "%s[ui]\nlanguage = fr\n", base);
  expect_error(text, 7, "language must be zh_CN or en");
  expect_error("[central]\nurl = ftp://x\n", 2, "url must start with http");
  expect_error("[kiosk]\nid =\n", 2, "empty value for id");
}

static void missing_required_key_is_named(void **state) {
  (void)state;
  expect_error("[kiosk]\nid = a\n[central]\nurl = http://x\n", 2,
               "missing required key secret in [kiosk]");
  expect_error("[kiosk]\nid = a\nsecret = b\n", 3,
               "missing required key url in [central]");
}

static void demo_mode_does_not_require_identity(void **state) {
  (void)state;
  cfg c;
  kerr_msg msg = "";
  assert_int_equal(load("[ui]\nlanguage = en\n", &c, 1, msg), 0);
  assert_string_equal(c.language, "en");
}

static void key_given_twice_is_an_error(void **state) {
  (void)state;
  expect_error("[kiosk]\nid = a\nid = b\n", 3, "id given twice (first set on line 2)");
}

static void syntax_error_names_its_line(void **state) {
  (void)state;
  expect_error("[kiosk]\nid = a\nthis line has no equals sign\n", 3,
               "syntax error");
}

static void countdown_must_be_shorter_than_idle(void **state) {
  (void)state;
  expect_error("[kiosk]\nid = a\nsecret = b\n[central]\nurl = http://x\n"
               "[ui]\nidle_timeout_s = 10\ncountdown_s = 10\n",
               8, "countdown_s (10) must be shorter");
}

static void missing_file_is_reported(void **state) {
  (void)state;
  cfg c;
  kerr_msg msg = "";
  cfg_defaults(&c);
  assert_int_equal(cfg_load("/nonexistent/kiosk.conf", &c, 0, msg), KERR_CONFIG);
  assert_non_null(strstr(msg, "/nonexistent/kiosk.conf: cannot open"));
}

static void example_config_is_valid(void **state) {
  (void)state;
  const char *src = getenv("KIOSK_SOURCE_DIR");
  if (!src) skip();
  char p[512];
  snprintf(p, sizeof p, "%s/packaging/kiosk.conf.example", src);
  cfg c;
  kerr_msg msg = "";
  cfg_defaults(&c);
  if (cfg_load(p, &c, 0, msg) != 0) fail_msg("%s", msg);
  assert_string_equal(c.kiosk_id, "kiosk-001");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(good_file_fills_every_key),
      cmocka_unit_test(unknown_key_names_its_line),
      cmocka_unit_test(unknown_section_names_its_line),
      cmocka_unit_test(bad_values_are_refused),
      cmocka_unit_test(missing_required_key_is_named),
      cmocka_unit_test(demo_mode_does_not_require_identity),
      cmocka_unit_test(key_given_twice_is_an_error),
      cmocka_unit_test(syntax_error_names_its_line),
      cmocka_unit_test(countdown_must_be_shorter_than_idle),
      cmocka_unit_test(missing_file_is_reported),
      cmocka_unit_test(example_config_is_valid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
