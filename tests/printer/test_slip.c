/* The donation thank-you slip (prn_slip.h): its JSON, the masked member
 * id, and the text-mode slip's words and QR through the real .po files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "prn_doc.h"
#include "prn_escpos.h"
#include "prn_layout.h"
#include "prn_slip.h"
#include "prn_text.h"
#include "prn_voucher.h"

static const char thanks_json[] =
    "{\"kind\":\"thanks\",\"mall_name_zh\":\"星河购物中心\",\"mall_name_en\":\"Galaxy Mall\","
    "\"item_name_zh\":\"流浪动物救助\",\"item_name_en\":\"Stray animal rescue\","
    "\"points_charged\":200,\"project_total\":300200,\"member_id\":\"M100001\","
    "\"member_name\":\"李婷\",\"voucher_code\":\"D-7F3A9C21\",\"kiosk_id\":\"K-0007\","
    "\"time\":\"2026-12-04 14:05\",\"logo\":\"\"}";

static int contains(const uint8_t *s, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(s + i, needle, k) == 0) return 1;
  return 0;
}

static void thanks_json_parses_and_names_missing_fields(void **st) {
  (void)st;
  prn_voucher v;
  kerr_msg msg;
  assert_int_equal(prn_voucher_parse(thanks_json, &v, msg), KERR_OK);
  assert_int_equal(v.kind, PRN_VOUCHER_THANKS);
  assert_int_equal(v.points_charged, 200);
  assert_int_equal(v.project_total, 300200);
  assert_string_equal(v.member_id, "M100001");
  assert_string_equal(v.short_code, "D-7F3A9C21");
  /* the project's name and the mall's total are what the slip is for */
  assert_int_equal(prn_voucher_parse("{\"kind\":\"thanks\",\"mall_name_zh\":\"M\","
                                     "\"points_charged\":1,\"voucher_code\":\"D1\","
                                     "\"kiosk_id\":\"K\",\"time\":\"t\","
                                     "\"project_total\":1}",
                                     &v, msg),
                   KERR_INVALID);
  assert_non_null(strstr(msg, "item_name_zh"));
  assert_int_equal(prn_voucher_parse("{\"kind\":\"thanks\",\"mall_name_zh\":\"M\","
                                     "\"item_name_zh\":\"P\",\"points_charged\":1,"
                                     "\"voucher_code\":\"D1\",\"kiosk_id\":\"K\","
                                     "\"time\":\"t\"}",
                                     &v, msg),
                   KERR_INVALID);
  assert_non_null(strstr(msg, "project_total"));
  assert_int_equal(prn_voucher_parse("{\"kind\":\"thank\"}", &v, msg), KERR_INVALID);
  assert_non_null(strstr(msg, "thanks"));
}

static void member_id_is_masked_in_the_middle(void **st) {
  (void)st;
  char out[32];
  prn_slip_mask_id("M100001", out, sizeof out);
  assert_string_equal(out, "M1***01");
  prn_slip_mask_id("M1234", out, sizeof out);
  assert_string_equal(out, "M1*34");
  prn_slip_mask_id("AB12", out, sizeof out);
  assert_string_equal(out, "****");
  prn_slip_mask_id("M100001", out, 4);
  assert_string_equal(out, "M1*");
}

static void text_slip_has_project_points_total_masked_id_and_qr(void **st) {
  (void)st;
  i18n *zh = NULL, *en = NULL;
  prn_voucher v;
  prn_doc *d = NULL;
  prn_escpos *e = NULL;
  kerr_msg msg;
  assert_int_equal(i18n_load_dir(KIOSK_SOURCE_ASSETS "/i18n/zh_CN", &zh, msg), KERR_OK);
  assert_int_equal(i18n_load_dir(KIOSK_SOURCE_ASSETS "/i18n/en", &en, msg), KERR_OK);
  assert_int_equal(prn_voucher_parse(thanks_json, &v, msg), KERR_OK);
  for (int w = 384; w <= 576; w += 192) {
    assert_int_equal(prn_doc_new(&d), KERR_OK);
    assert_int_equal(prn_escpos_new(&e), KERR_OK);
    /* through the voucher entry point the journal and kiosk-print use */
    assert_int_equal(prn_layout_voucher(&v, zh, en, d, msg), KERR_OK);
    assert_int_equal(prn_text_render(d, w, e, msg), KERR_OK);
    size_t n;
    const uint8_t *s = prn_escpos_data(e, &n);
    char gbk[96];
    prn_escpos_to_gbk("感谢您的爱心", gbk, sizeof gbk);
    assert_true(contains(s, n, gbk));
    prn_escpos_to_gbk("流浪动物救助", gbk, sizeof gbk);
    assert_true(contains(s, n, gbk));
    assert_true(contains(s, n, "Stray animal rescue"));
    assert_true(contains(s, n, "300,200"));
    assert_true(contains(s, n, "M1***01"));
    assert_false(contains(s, n, "M100001"));
    prn_escpos_to_gbk("李", gbk, sizeof gbk); /* no member name on this slip */
    assert_false(contains(s, n, gbk));
    assert_true(contains(s, n, "2026-12-04 14:05"));
    assert_true(contains(s, n, "\x1d(k\x0d\x00" "1P0D-7F3A9C21"));
    prn_escpos_free(e);
    prn_doc_free(d);
  }
  i18n_free(zh);
  i18n_free(en);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(thanks_json_parses_and_names_missing_fields),
      cmocka_unit_test(member_id_is_masked_in_the_middle),
      cmocka_unit_test(text_slip_has_project_points_total_masked_id_and_qr),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
