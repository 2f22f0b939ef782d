/* widget presses and clicks; text wrapping for mixed Chinese/English with the
 * real Noto Sans CJK font; the text cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <SDL.h>

#include "text.h"
#include "widget.h"

#define FONT "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

static SDL_Event mouse(Uint32 type, int x, int y) {
  SDL_Event e;
  SDL_zero(e);
  e.type = type;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.x = x;
  e.button.y = y;
  e.motion.x = x;
  e.motion.y = y;
  return e;
}

static void press_and_release_on_a_widget_clicks_it(void **state) {
  (void)state;
  wset w;
  wset_clear(&w);
  wset_add(&w, "btn-a", (SDL_Rect){0, 0, 100, 50});
  wset_add(&w, "btn-b", (SDL_Rect){0, 60, 100, 50});
  const char *id = NULL;
  SDL_Event e = mouse(SDL_MOUSEBUTTONDOWN, 10, 70);
  assert_int_equal(wset_event(&w, &e, &id), WSET_CHANGED);
  assert_true(wset_is_pressed(&w, "btn-b"));
  e = mouse(SDL_MOUSEBUTTONUP, 12, 72);
  assert_int_equal(wset_event(&w, &e, &id), WSET_CLICKED);
  assert_string_equal(id, "btn-b");
  assert_false(wset_is_pressed(&w, "btn-b"));
}

static void sliding_off_a_widget_cancels_the_press(void **state) {
  (void)state;
  wset w;
  wset_clear(&w);
  wset_add(&w, "btn-a", (SDL_Rect){0, 0, 100, 50});
  const char *id = NULL;
  SDL_Event e = mouse(SDL_MOUSEBUTTONDOWN, 10, 10);
  wset_event(&w, &e, &id);
  e = mouse(SDL_MOUSEMOTION, 300, 300);
  assert_int_equal(wset_event(&w, &e, &id), WSET_CHANGED);
  e = mouse(SDL_MOUSEBUTTONUP, 10, 10);
  assert_int_not_equal(wset_event(&w, &e, &id), WSET_CLICKED);
  /* The same id twice replaces, it does not duplicate. */
  wset_add(&w, "btn-a", (SDL_Rect){5, 5, 10, 10});
  assert_int_equal(w.n, 1);
  assert_int_equal(wset_find(&w, "btn-a")->r.x, 5);
}

static text *tx;

static int setup(void **state) {
  (void)state;
  if (access(FONT, R_OK) != 0) return 0;
  kerr_msg msg = "";
  if (text_new(NULL, FONT, FONT, 2, &tx, msg) != 0) fail_msg("%s", msg);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  text_free(tx);
  return 0;
}

static int starts_with(const char *s, int at, const char *p) {
  return strncmp(s + at, p, strlen(p)) == 0;
}

static void wrapping_breaks_between_chinese_characters_not_before_commas(void **state) {
  (void)state;
  if (!tx) skip();
  const char *s = "打开商场App，出示会员码，对准扫描窗口即可。会员积分可以兑换礼品";
  int st[16], en[16];
  int n = text_break(tx, 32, 0, s, 200, st, en, 16);
  assert_true(n > 2);
  for (int i = 0; i < n; i++) {
    if (starts_with(s, st[i], "，") || starts_with(s, st[i], "。"))
      fail_msg("line %d starts with closing punctuation", i);
    char buf[256];
    memcpy(buf, s + st[i], (size_t)(en[i] - st[i]));
    buf[en[i] - st[i]] = '\0';
    int w = 0;
    text_measure(tx, 32, 0, buf, &w, NULL);
    /* Over-wide only if pushing punctuation forced it, and then by one glyph. */
    assert_true(w <= 200 + 32);
    if (i + 1 < n) assert_int_equal(en[i], st[i + 1]);
  }
  assert_int_equal(en[n - 1], (int)strlen(s));
}

static void wrapping_keeps_english_words_whole(void **state) {
  (void)state;
  if (!tx) skip();
  const char *s = "Open the mall app and show your member code 请出示会员码";
  int st[16], en[16];
  int n = text_break(tx, 32, 0, s, 260, st, en, 16);
  assert_true(n >= 2);
  for (int i = 0; i < n; i++) {
    /* A line never starts or ends inside a word. */
    assert_true(st[i] == 0 || s[st[i] - 1] == ' ' || (unsigned char)s[st[i]] >= 0x80);
    assert_true(s[st[i]] != ' ');
    assert_true(en[i] > st[i]);
    assert_true(s[en[i] - 1] != ' ');
  }
  /* An explicit newline always breaks. */
  n = text_break(tx, 32, 0, "a\nb", 1000, st, en, 16);
  assert_int_equal(n, 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(press_and_release_on_a_widget_clicks_it),
      cmocka_unit_test(sliding_off_a_widget_cancels_the_press),
      cmocka_unit_test(wrapping_breaks_between_chinese_characters_not_before_commas),
      cmocka_unit_test(wrapping_keeps_english_words_whole),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
