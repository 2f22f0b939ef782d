/* libFuzzer: the voucher JSON the kiosk builds from the central's answer
 * (and kiosk-print --voucher reads from a file) through the parser, the slip
 * layout and the printer-text renderer: any JSON must either be refused
 * naming a field or become a slip whose ESC/POS bytes end in a cut. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "prn_doc.h"
#include "prn_escpos.h"
#include "prn_layout.h"
#include "prn_text.h"
#include "prn_voucher.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_voucher(const prn_voucher *v) {
  size_t n = strlen(v->voucher_code);
  fuzz_check_str(v->mall_name_zh, sizeof v->mall_name_zh);
  fuzz_check_str(v->mall_name_en, sizeof v->mall_name_en);
  fuzz_check_str(v->item_name_zh, sizeof v->item_name_zh);
  fuzz_check_str(v->item_name_en, sizeof v->item_name_en);
  fuzz_check_str(v->member_name, sizeof v->member_name);
  fuzz_check_str(v->short_code, sizeof v->short_code);
  fuzz_check_str(v->pickup_zh, sizeof v->pickup_zh);
  fuzz_check_str(v->pickup_en, sizeof v->pickup_en);
  fuzz_check_str(v->expires_at, sizeof v->expires_at);
  fuzz_check_str(v->kiosk_id, sizeof v->kiosk_id);
  fuzz_check_str(v->time, sizeof v->time);
  fuzz_check_str(v->plate, sizeof v->plate);
  fuzz_check_str(v->logo, sizeof v->logo);
  /* The QR payload: what the service desk scans must be plain ASCII. */
  if (n < 1 || n > 255) abort();
  for (size_t i = 0; i < n; i++)
    if (v->voucher_code[i] < 0x20 || v->voucher_code[i] > 0x7e) abort();
  if (v->points_charged < 0 || v->points_balance < 0) abort();
  if (v->kind == PRN_VOUCHER_PARKING && (v->hours < 1 || v->hours > 99)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static i18n *zh, *en;
  prn_voucher v;
  kerr_msg msg;
  char *json;

  if (!zh) {
    if (i18n_load_dir(KIOSK_SOURCE_ASSETS "/i18n/zh_CN", &zh, msg) != 0 ||
        i18n_load_dir(KIOSK_SOURCE_ASSETS "/i18n/en", &en, msg) != 0)
      abort();
  }
  json = fuzz_copy(data, size);
  if (prn_voucher_parse(json, &v, msg) != KERR_OK) {
    fuzz_check_str(msg, sizeof msg);
    free(json);
    return 0;
  }
  free(json);
  check_voucher(&v);

  prn_doc *d;
  prn_escpos *e;
  if (prn_doc_new(&d) != 0 || prn_escpos_new(&e) != 0) abort();
  /* zh_CN with English second is what the demo kiosk prints. */
  if (prn_layout_voucher(&v, zh, size & 1 ? en : NULL, d, msg) == KERR_OK &&
      prn_text_render(d, size & 2 ? 384 : 576, e, msg) == KERR_OK) {
    size_t len;
    const uint8_t *out = prn_escpos_data(e, &len);
    static const uint8_t cut[] = {0x1d, 'V', 1};
    if (len < sizeof cut || memcmp(out + len - sizeof cut, cut, sizeof cut))
      abort();
  }
  prn_escpos_free(e);
  prn_doc_free(d);
  return 0;
}
