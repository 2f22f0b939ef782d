/* Byte-exact golden tests of the ESC/POS encoder and status parser. The
 * expected bytes are written out from the Epson ESC/POS command reference,
 * not captured from our own output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prn_escpos.h"

static prn_escpos *e;

static int setup(void **st) {
  (void)st;
  return prn_escpos_new(&e);
}

static int teardown(void **st) {
  (void)st;
  prn_escpos_free(e);
  return 0;
}

#define EXPECT(...)                                                                   \
  do {                                                                                \
    static const uint8_t want[] = {__VA_ARGS__};                                      \
    size_t n;                                                                         \
    const uint8_t *got = prn_escpos_data(e, &n);                                      \
    assert_int_equal(prn_escpos_status(e), KERR_OK);                                  \
    assert_int_equal(n, sizeof want);                                                 \
    assert_memory_equal(got, want, sizeof want);                                      \
  } while (0)

static void init_align_emphasis_size_are_epson_bytes(void **st) {
  (void)st;
  prn_escpos_init(e);
  prn_escpos_align(e, PRN_ALIGN_CENTER);
  prn_escpos_emphasis(e, 1);
  prn_escpos_size(e, 2, 2);
  prn_escpos_size(e, 1, 1);
  prn_escpos_emphasis(e, 0);
  prn_escpos_reverse(e, 1);
  EXPECT(0x1b, 0x40, 0x1b, 0x61, 0x01, 0x1b, 0x45, 0x01, 0x1d, 0x21, 0x11, 0x1d, 0x21, 0x00,
         0x1b, 0x45, 0x00, 0x1d, 0x42, 0x01);
}

static void feeds_longer_than_255_are_split(void **st) {
  (void)st;
  prn_escpos_feed_lines(e, 3);
  prn_escpos_feed_dots(e, 300);
  EXPECT(0x1b, 0x64, 0x03, 0x1b, 0x4a, 0xff, 0x1b, 0x4a, 0x2d);
}

static void cut_feeds_15mm_then_partial_cut(void **st) {
  (void)st;
  assert_int_equal(prn_escpos_cut_feed(576), 120); /* 15 mm at 203 dpi */
  assert_int_equal(prn_escpos_cut_feed(384), 120);
  assert_int_equal(prn_escpos_cut_feed(512), 106); /* 15 mm at 180 dpi */
  prn_escpos_cut(e, prn_escpos_cut_feed(576));
  EXPECT(0x1b, 0x4a, 0x78, 0x1d, 0x56, 0x01);
}

static void bad_arguments_set_the_sticky_error(void **st) {
  (void)st;
  assert_int_equal(prn_escpos_size(e, 9, 1), KERR_INVALID);
  assert_int_equal(prn_escpos_init(e), KERR_INVALID);
  size_t n;
  prn_escpos_data(e, &n);
  assert_int_equal(n, 0);
}

static void gb18030_text_is_two_byte_gbk(void **st) {
  (void)st;
  prn_escpos_kanji(e, 1);
  prn_escpos_text(e, "A中文测试");
  prn_escpos_kanji(e, 0);
  EXPECT(0x1c, 0x26, 'A', 0xd6, 0xd0, 0xce, 0xc4, 0xb2, 0xe2, 0xca, 0xd4, 0x1c, 0x2e);
}

static void characters_outside_gbk_become_question_marks(void **st) {
  (void)st;
  prn_escpos_kanji(e, 1);
  /* U+20000 and U+3400 (4-byte GB18030), an emoji, a lone continuation
   * byte, a truncated sequence, then 张 which must survive. */
  prn_escpos_text(e, "\xf0\xa0\x80\x80"
                     "\xe3\x90\x80"
                     "\xf0\x9f\x98\x80"
                     "\x80"
                     "\xe4\xb8"
                     "张");
  EXPECT(0x1c, 0x26, '?', '?', '?', '?', '?', '?', 0xd5, 0xc5);
}

static void non_ascii_outside_kanji_mode_is_replaced(void **st) {
  (void)st;
  prn_escpos_text(e, "a中b");
  EXPECT('a', '?', 'b');
}

static void to_gbk_converts_a_string(void **st) {
  (void)st;
  char out[16];
  assert_int_equal(prn_escpos_to_gbk("沪A·1", out, sizeof out), 6);
  /* 沪 = BB A6, middle dot U+00B7 = A1 A4 in GBK */
  assert_memory_equal(out, "\xbb\xa6" "A" "\xa1\xa4" "1", 6);
  assert_int_equal(prn_escpos_to_gbk("中文中文中文中文", out, 8), KERR_INVALID);
}

static void raster_is_split_into_4k_bands(void **st) {
  (void)st;
  enum { W = 576, WB = 72, H = 100 };
  uint8_t *bits = malloc(WB * H);
  for (int i = 0; i < WB * H; i++)
    bits[i] = (uint8_t)i;
  prn_escpos_raster(e, bits, W, H, WB);
  size_t n;
  const uint8_t *got = prn_escpos_data(e, &n);
  /* 4096 / 72 = 56 rows in the first band, 44 in the second */
  assert_int_equal(n, 8 + 56 * WB + 8 + 44 * WB);
  static const uint8_t h1[] = {0x1d, 0x76, 0x30, 0x00, 72, 0, 56, 0};
  static const uint8_t h2[] = {0x1d, 0x76, 0x30, 0x00, 72, 0, 44, 0};
  assert_memory_equal(got, h1, 8);
  assert_memory_equal(got + 8, bits, 56 * WB);
  assert_memory_equal(got + 8 + 56 * WB, h2, 8);
  assert_memory_equal(got + 16 + 56 * WB, bits + 56 * WB, 44 * WB);
  free(bits);
}

static void raster_extract_stacks_bands_and_skips_qr_payloads(void **st) {
  (void)st;
  uint8_t bits[3 * 2] = {0x80, 0x01, 0xff, 0x00, 0x10, 0x1d};
  prn_escpos_raster(e, bits, 16, 1, 2);
  /* QR data that looks like a GS v 0 header must not be taken for one */
  prn_escpos_qr(e, "\x1dv0", 4, PRN_QR_M);
  prn_escpos_raster(e, bits + 2, 16, 2, 2);
  size_t n;
  const uint8_t *s = prn_escpos_data(e, &n);
  uint8_t *out;
  int w, h, stride;
  assert_int_equal(prn_escpos_extract_raster(s, n, &out, &w, &h, &stride), KERR_OK);
  assert_int_equal(w, 16);
  assert_int_equal(h, 3);
  assert_memory_equal(out, bits, 6);
  free(out);
}

static void native_qr_is_gs_k_model2(void **st) {
  (void)st;
  prn_escpos_qr(e, "AB", 6, PRN_QR_M);
  EXPECT(0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00, /* model 2 */
         0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x06,       /* module 6 */
         0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31,       /* level M */
         0x1d, 0x28, 0x6b, 0x05, 0x00, 0x31, 0x50, 0x30, 'A', 'B', /* store */
         0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30);      /* print */
}

static void code128_uses_code_set_b_and_escapes_braces(void **st) {
  (void)st;
  prn_escpos_code128(e, "K{1", 80, 3);
  EXPECT(0x1d, 0x68, 80, 0x1d, 0x77, 3, 0x1d, 0x48, 2, 0x1d, 0x6b, 73, 6, '{', 'B', 'K', '{',
         '{', '1');
}

static void status_bytes_decode_to_conditions(void **st) {
  (void)st;
  prn_status s;
  memset(&s, 0, sizeof s);
  assert_int_equal(prn_escpos_status_parse(1, 0x12, &s), KERR_OK);
  assert_int_equal(prn_escpos_status_parse(4, 0x12, &s), KERR_OK);
  assert_false(prn_escpos_status_blocks(&s));
  assert_int_equal(prn_escpos_status_parse(4, 0x1e, &s), KERR_OK); /* near end */
  assert_true(s.paper_near_end);
  assert_false(prn_escpos_status_blocks(&s));
  assert_int_equal(prn_escpos_status_parse(4, 0x72, &s), KERR_OK); /* paper end */
  assert_true(s.paper_end);
  assert_true(prn_escpos_status_blocks(&s));
  memset(&s, 0, sizeof s);
  assert_int_equal(prn_escpos_status_parse(2, 0x16, &s), KERR_OK); /* cover open */
  assert_true(s.cover_open);
  assert_int_equal(prn_escpos_status_parse(3, 0x1a, &s), KERR_OK); /* cutter */
  assert_true(s.cutter_error);
  assert_int_equal(prn_escpos_status_parse(1, 0x00, &s), KERR_PROTO);
  uint8_t q[3];
  assert_int_equal(prn_escpos_status_query(q, 4), KERR_OK);
  assert_memory_equal(q, "\x10\x04\x04", 3);
  assert_int_equal(prn_escpos_status_query(q, 5), KERR_INVALID);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(init_align_emphasis_size_are_epson_bytes),
      T(feeds_longer_than_255_are_split),
      T(cut_feeds_15mm_then_partial_cut),
      T(bad_arguments_set_the_sticky_error),
      T(gb18030_text_is_two_byte_gbk),
      T(characters_outside_gbk_become_question_marks),
      T(non_ascii_outside_kanji_mode_is_replaced),
      T(to_gbk_converts_a_string),
      T(raster_is_split_into_4k_bands),
      T(raster_extract_stacks_bands_and_skips_qr_payloads),
      T(native_qr_is_gs_k_model2),
      T(code128_uses_code_set_b_and_escapes_braces),
      T(status_bytes_decode_to_conditions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
