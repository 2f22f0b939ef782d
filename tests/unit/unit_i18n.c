/* The .po loader, and the shipped translations: both languages define the
 * same keys, none empty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

static char tmpdir[64];

static int setup(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/unit_i18n.XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
  char cmd[128];
  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  return system(cmd);
}

static const char *write_po(const char *name, const char *text) {
  static char path[128];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  return path;
}

static void reads_entries_escapes_and_continuations(void **state) {
  i18n *cat = NULL;
  kerr_msg msg = "";
  const char *p = write_po("a.po",
      "# comment\n"
      "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
      "msgid \"attract.title\"\nmsgstr \"请扫描会员码\"\n\n"
      "msgctxt \"x\"\nmsgid \"two.lines\"\nmsgstr \"\"\n\"first\\n\"\n\"sec \\\"ond\\\"\"\n\n"
      "msgid \"untranslated\"\nmsgstr \"\"\n");
  (void)state;
  assert_int_equal(i18n_load(p, &cat, msg), KERR_OK);
  assert_string_equal(i18n_get(cat, "attract.title"), "请扫描会员码");
  assert_string_equal(i18n_get(cat, "two.lines"), "first\nsec \"ond\"");
  assert_string_equal(i18n_get(cat, "untranslated"), "untranslated");
  assert_false(i18n_has(cat, "untranslated"));
  assert_string_equal(i18n_get(cat, "missing.key"), "missing.key");
  assert_int_equal(i18n_count(cat), 3);
  assert_string_equal(i18n_key(cat, 0), "attract.title");
  i18n_free(cat);
}

static void errors_name_file_and_line(void **state) {
  i18n *cat = NULL;
  kerr_msg msg = "";
  const char *p = write_po("b.po", "msgid \"a\"\nmsgstr \"x\"\nbogus line\n");
  (void)state;
  assert_int_equal(i18n_load(p, &cat, msg), KERR_CONFIG);
  assert_null(cat);
  assert_non_null(strstr(msg, "b.po:3:"));
  p = write_po("c.po", "msgid \"a\"\nmsgstr \"unterminated\n");
  assert_int_equal(i18n_load(p, &cat, msg), KERR_CONFIG);
  assert_non_null(strstr(msg, "c.po:2:"));
  p = write_po("d.po", "msgid \"a\"\nmsgstr \"1\"\nmsgid \"a\"\nmsgstr \"2\"\n");
  assert_int_equal(i18n_load(p, &cat, msg), KERR_CONFIG);
  assert_non_null(strstr(msg, "duplicate"));
  p = write_po("e.po", "msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"x\"\n");
  assert_int_equal(i18n_load(p, &cat, msg), KERR_CONFIG);
  assert_non_null(strstr(msg, "plural"));
  assert_int_equal(i18n_load("/nonexistent/x.po", &cat, msg), KERR_IO);
}

/* Every key of one language exists, translated, in the other. */
static void assert_same_keys(const i18n *a, const i18n *b, const char *bname) {
  int i;
  for (i = 0; i < i18n_count(a); i++) {
    const char *k = i18n_key(a, i);
    if (!i18n_has(b, k)) fail_msg("key \"%s\" has no translation in %s", k, bname);
  }
}

static void shipped_languages_define_the_same_keys(void **state) {
  i18n *zh = NULL, *en = NULL;
  kerr_msg msg = "";
  (void)state;
  if (i18n_load_dir(TEST_ASSETS "/i18n/zh_CN", &zh, msg) != KERR_OK) fail_msg("%s", msg);
  if (i18n_load_dir(TEST_ASSETS "/i18n/en", &en, msg) != KERR_OK) fail_msg("%s", msg);
  assert_true(i18n_count(zh) > 0);
  assert_same_keys(zh, en, "en");
  assert_same_keys(en, zh, "zh_CN");
  i18n_free(zh);
  i18n_free(en);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reads_entries_escapes_and_continuations),
      cmocka_unit_test(errors_name_file_and_line),
      cmocka_unit_test(shipped_languages_define_the_same_keys),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
