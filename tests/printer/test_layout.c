/* Printer URIs, voucher JSON and the text-mode layout, through the library's
 * public functions with the real .po files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prn_doc.h"
#include "prn_escpos.h"
#include "prn_layout.h"
#include "prn_text.h"
#include "prn_transport.h"
#include "prn_voucher.h"

static const char gift_json[] =
    "{\"kind\":\"gift\",\"mall_name_zh\":\"星河购物中心\",\"mall_name_en\":\"Galaxy Mall\","
    "\"item_name_zh\":\"拿铁\",\"item_name_en\":\"Latte\",\"points_charged\":1200,"
    "\"points_balance\":34560,\"member_name\":\"张小明\",\"voucher_code\":\"GV7K2M9QXA\","
    "\"kiosk_id\":\"K-0007\",\"time\":\"2026-11-24 14:05\",\"pending\":true,\"reprint\":true}";

static void uris_parse_in_one_place(void **st) {
  (void)st;
  prn_uri u;
  kerr_msg msg;
  assert_int_equal(prn_transport_parse("file:/tmp/a.bin", &u, msg), KERR_OK);
  assert_int_equal(u.kind, PRN_URI_FILE);
  assert_string_equal(u.path, "/tmp/a.bin");
  assert_int_equal(prn_transport_parse("tcp:192.168.1.20:9100", &u, msg), KERR_OK);
  assert_int_equal(u.kind, PRN_URI_TCP);
  assert_string_equal(u.host, "192.168.1.20");
  assert_int_equal(u.port, 9100);
  assert_int_equal(prn_transport_parse("tcp:[::1]:9100", &u, msg), KERR_OK);
  assert_string_equal(u.host, "::1");
  assert_int_equal(prn_transport_parse("usb:", &u, msg), KERR_OK);
  assert_int_equal(u.kind, PRN_URI_USB);
  assert_int_equal(u.vid, -1);
  assert_int_equal(prn_transport_parse("usb:04b8:0202", &u, msg), KERR_OK);
  assert_int_equal(u.vid, 0x04b8);
  assert_int_equal(u.pid, 0x0202);
  assert_int_equal(prn_transport_parse("usb:04b8", &u, msg), KERR_INVALID);
  assert_int_equal(prn_transport_parse("usb:zz:0202", &u, msg), KERR_INVALID);
  assert_int_equal(prn_transport_parse("tcp:host", &u, msg), KERR_INVALID);
  assert_int_equal(prn_transport_parse("tcp:host:70000", &u, msg), KERR_INVALID);
  assert_int_equal(prn_transport_parse("lpt:1", &u, msg), KERR_INVALID);
  assert_non_null(strstr(msg, "usb:VID:PID"));
}

static void voucher_json_fills_every_field(void **st) {
  (void)st;
  prn_voucher v;
  kerr_msg msg;
  assert_int_equal(prn_voucher_parse(gift_json, &v, msg), KERR_OK);
  assert_int_equal(v.kind, PRN_VOUCHER_GIFT);
  assert_string_equal(v.item_name_en, "Latte");
  assert_int_equal(v.points_balance, 34560);
  assert_true(v.pending);
  assert_true(v.reprint);
  assert_string_equal(v.pickup_zh, "");
}

static void voucher_json_errors_name_the_field(void **st) {
  (void)st;
  prn_voucher v;
  kerr_msg msg;
  assert_int_equal(prn_voucher_parse("{\"kind\":\"gift\"}", &v, msg), KERR_INVALID);
  assert_non_null(strstr(msg, "mall_name_zh"));
  assert_int_equal(prn_voucher_parse("{\"kind\":\"parking\",\"mall_name_zh\":\"M\","
                                     "\"points_charged\":1,\"points_balance\":1,"
                                     "\"voucher_code\":\"P1\",\"kiosk_id\":\"K\","
                                     "\"time\":\"t\",\"hours\":2}",
                                     &v, msg),
                   KERR_INVALID);
  assert_non_null(strstr(msg, "plate"));
  assert_int_equal(prn_voucher_parse("{\"kind\":\"gift\",\"pending\":1}", &v, msg),
                   KERR_INVALID);
  assert_int_equal(prn_voucher_parse("[1", &v, msg), KERR_INVALID);
  char bad[sizeof gift_json + 8];
  snprintf(bad, sizeof bad, "%s", gift_json);
  memcpy(strstr(bad, "GV7K2M9QXA"), "GV7K 2M9Q", 9); /* a space in the code */
  assert_int_equal(prn_voucher_parse(bad, &v, msg), KERR_INVALID);
  assert_non_null(strstr(msg, "voucher_code"));
}

/* A signed KV1 code is ~125 characters: the QR carries it whole, the line a
 * person types at the desk is its voucher id. */
static void long_signed_code_prints_its_voucher_id_as_short_code(void **st) {
  (void)st;
  prn_voucher v;
  kerr_msg msg;
  char json[1024], code[200];
  snprintf(code, sizeof code, "KV1.V8Q2K7.G001.M100003.1798675200.%s",
           "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefghij");
  snprintf(json, sizeof json,
           "{\"kind\":\"gift\",\"mall_name_zh\":\"M\",\"item_name_zh\":\"I\","
           "\"points_charged\":1,\"points_balance\":1,\"voucher_code\":\"%s\","
           "\"kiosk_id\":\"K\",\"time\":\"t\"}", code);
  assert_int_equal(prn_voucher_parse(json, &v, msg), KERR_OK);
  assert_string_equal(v.voucher_code, code);
  assert_string_equal(v.short_code, "V8Q2K7");
  assert_int_equal(prn_voucher_parse(gift_json, &v, msg), KERR_OK);
  assert_string_equal(v.short_code, v.voucher_code); /* short codes print as they are */
}

static int contains(const uint8_t *hay, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(hay + i, needle, k) == 0)
      return 1;
  return 0;
}

static void text_voucher_is_gbk_with_masked_name_and_banners(void **st) {
  (void)st;
  i18n *zh, *en;
  kerr_msg msg;
  assert_int_equal(i18n_load_dir(KIOSK_SOURCE_ASSETS "/i18n/zh_CN", &zh, msg), KERR_OK);
  assert_int_equal(i18n_load_dir(KIOSK_SOURCE_ASSETS "/i18n/en", &en, msg), KERR_OK);
  prn_voucher v;
  assert_int_equal(prn_voucher_parse(gift_json, &v, msg), KERR_OK);
  prn_doc *d;
  prn_escpos *e;
  assert_int_equal(prn_doc_new(&d), KERR_OK);
  assert_int_equal(prn_escpos_new(&e), KERR_OK);
  assert_int_equal(prn_layout_voucher(&v, zh, en, d, msg), KERR_OK);
  assert_int_equal(prn_text_render(d, 576, e, msg), KERR_OK);
  size_t n;
  const uint8_t *s = prn_escpos_data(e, &n);
  char gbk[64];
  prn_escpos_to_gbk("张*明", gbk, sizeof gbk);
  assert_true(contains(s, n, gbk));
  prn_escpos_to_gbk("张小明", gbk, sizeof gbk);
  assert_false(contains(s, n, gbk));
  prn_escpos_to_gbk("待确认 PENDING", gbk, sizeof gbk);
  assert_true(contains(s, n, gbk));
  prn_escpos_to_gbk("重印 REPRINT", gbk, sizeof gbk);
  assert_true(contains(s, n, gbk));
  assert_true(contains(s, n, "34,560"));
  /* the code goes out as a native QR: store command then the data */
  assert_true(contains(s, n, "\x1d(k\x0d\x00" "1P0GV7K2M9QXA"));
  assert_true(n > 2 && s[0] == 0x1b && s[1] == '@');
  assert_memory_equal(s + n - 3, "\x1dV\x01", 3);
  /* 48 columns at 576 dots: a padded key/value line is exactly 48 wide */
  assert_int_equal(prn_text_columns("积分余额 Balance"), 16);
  prn_escpos_free(e);
  prn_doc_free(d);
  i18n_free(zh);
  i18n_free(en);
}

static void every_print_key_exists_in_both_languages(void **st) {
  (void)st;
  i18n *zh, *en;
  kerr_msg msg;
  assert_int_equal(i18n_load(KIOSK_SOURCE_ASSETS "/i18n/zh_CN/print.po", &zh, msg), KERR_OK);
  assert_int_equal(i18n_load(KIOSK_SOURCE_ASSETS "/i18n/en/print.po", &en, msg), KERR_OK);
  assert_int_equal(i18n_count(zh), i18n_count(en));
  for (int i = 0; i < i18n_count(zh); i++)
    assert_true(i18n_has(en, i18n_key(zh, i)));
  i18n_free(zh);
  i18n_free(en);
}

static void templates_are_filled_without_printf(void **st) {
  (void)st;
  char out[64];
  prn_layout_fill("{n} 小时 %s %n", "n", "3", out, sizeof out);
  assert_string_equal(out, "3 小时 %s %n");
  prn_layout_fill("{dots} dots", "dots", "576", out, 6);
  assert_string_equal(out, "576 d");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(uris_parse_in_one_place),
      cmocka_unit_test(voucher_json_fills_every_field),
      cmocka_unit_test(voucher_json_errors_name_the_field),
      cmocka_unit_test(long_signed_code_prints_its_voucher_id_as_short_code),
      cmocka_unit_test(text_voucher_is_gbk_with_masked_name_and_banners),
      cmocka_unit_test(every_print_key_exists_in_both_languages),
      cmocka_unit_test(templates_are_filled_without_printf),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
