#include "prn_slip.h"

#include <stdio.h>
#include <string.h>

#include "prn_layout.h"

void prn_slip_mask_id(const char *id, char *out, size_t outlen) {
  size_t n = strlen(id), o = 0;
  if (outlen == 0) return;
  for (size_t i = 0; i < n && o + 1 < outlen; i++)
    out[o++] = n > 4 && (i < 2 || i >= n - 2) ? id[i] : '*';
  out[o] = '\0';
}

/* "捐赠积分 Points donated": the label in both languages on one line. */
static const char *label(const i18n *pri, const i18n *sec, const char *key, char *buf,
                         size_t n) {
  if (sec)
    snprintf(buf, n, "%s %s", i18n_get(pri, key), i18n_get(sec, key));
  else
    snprintf(buf, n, "%s", i18n_get(pri, key));
  return buf;
}

static void kv(prn_doc *d, const i18n *pri, const i18n *sec, const char *key,
               const char *value) {
  char buf[160];
  prn_doc_kv(d, label(pri, sec, key, buf, sizeof buf), value, PRN_SIZE_NORMAL, 0);
}

static void thousands(long v, char *out, size_t n) {
  char raw[32];
  size_t len, o = 0;
  snprintf(raw, sizeof raw, "%ld", v < 0 ? 0 : v);
  len = strlen(raw);
  for (size_t i = 0; i < len && o + 2 < n; i++) {
    if (i > 0 && (len - i) % 3 == 0) out[o++] = ',';
    out[o++] = raw[i];
  }
  out[o] = '\0';
}

/* Two lines, zh then en, with a secondary catalog; else en when set. */
static void pair(prn_doc *d, const i18n *sec, const char *zh, const char *en, prn_size s) {
  if (sec) {
    prn_doc_text(d, zh, PRN_ALIGN_CENTER, s, 1);
    if (*en) prn_doc_text(d, en, PRN_ALIGN_CENTER, PRN_SIZE_NORMAL, 0);
  } else {
    prn_doc_text(d, *en ? en : zh, PRN_ALIGN_CENTER, s, 1);
  }
}

int prn_slip_thanks(const prn_voucher *v, const i18n *pri, const i18n *sec, prn_doc *d,
                    char *msg) {
  char buf[192], num[48], who[40], pts[64];
  if (v->logo[0]) prn_doc_image(d, v->logo, 25);
  pair(d, sec, v->mall_name_zh, v->mall_name_en, PRN_SIZE_TITLE);
  prn_doc_feed(d, 8);
  if (v->reprint) prn_doc_banner(d, label(pri, sec, "print.reprint", buf, sizeof buf));
  prn_doc_text(d, i18n_get(pri, "print.thanks.title"), PRN_ALIGN_CENTER, PRN_SIZE_LARGE, 1);
  if (sec)
    prn_doc_text(d, i18n_get(sec, "print.thanks.title"), PRN_ALIGN_CENTER, PRN_SIZE_SMALL, 0);
  prn_doc_rule(d);
  prn_doc_text(d, label(pri, sec, "print.thanks.project", buf, sizeof buf),
               PRN_ALIGN_CENTER, PRN_SIZE_SMALL, 0);
  pair(d, sec, v->item_name_zh, v->item_name_en, PRN_SIZE_LARGE);
  prn_doc_rule(d);
  thousands(v->points_charged, num, sizeof num);
  prn_layout_fill(i18n_get(pri, "print.thanks.points_value"), "points", num, pts,
                  sizeof pts);
  kv(d, pri, sec, "print.thanks.points", pts);
  thousands(v->project_total, num, sizeof num);
  prn_layout_fill(i18n_get(pri, "print.thanks.points_value"), "points", num, pts,
                  sizeof pts);
  kv(d, pri, sec, "print.thanks.total", pts);
  if (v->member_id[0]) {
    prn_slip_mask_id(v->member_id, who, sizeof who);
    kv(d, pri, sec, "print.thanks.member", who);
  }
  kv(d, pri, sec, "print.thanks.date", v->time);
  prn_doc_rule(d);
  prn_doc_qr(d, v->voucher_code, 35);
  prn_doc_text(d, v->short_code, PRN_ALIGN_CENTER, PRN_SIZE_NORMAL, 1);
  prn_doc_text(d, label(pri, sec, "print.thanks.code", buf, sizeof buf), PRN_ALIGN_CENTER,
               PRN_SIZE_SMALL, 0);
  prn_doc_rule(d);
  kv(d, pri, sec, "print.kiosk", v->kiosk_id);
  prn_doc_feed(d, 8);
  prn_doc_text(d, i18n_get(pri, "print.thanks.note"), PRN_ALIGN_CENTER, PRN_SIZE_NORMAL, 0);
  if (sec)
    prn_doc_text(d, i18n_get(sec, "print.thanks.note"), PRN_ALIGN_CENTER, PRN_SIZE_SMALL, 0);
  int rc = prn_doc_status(d);
  return rc ? kerr_set(msg, rc, "thanks slip: out of memory") : KERR_OK;
}
