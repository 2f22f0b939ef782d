#include "prn_layout.h"

#include <stdio.h>
#include <string.h>

#include "mask.h"
#include "prn_slip.h"

typedef struct {
  const i18n *pri, *sec;
  prn_doc *d;
} lay;

/* "消耗积分 Points used": the label in both languages on one line. */
static const char *label(const lay *l, const char *key, char *buf, size_t n) {
  if (!l->sec) {
    snprintf(buf, n, "%s", i18n_get(l->pri, key));
  } else {
    snprintf(buf, n, "%s %s", i18n_get(l->pri, key), i18n_get(l->sec, key));
  }
  return buf;
}

void prn_layout_fill(const char *tmpl, const char *name, const char *val, char *out,
                     size_t outlen) {
  char key[64];
  snprintf(key, sizeof key, "{%s}", name);
  size_t kl = strlen(key), o = 0;
  if (outlen == 0)
    return;
  for (const char *p = tmpl; *p && o + 1 < outlen;) {
    if (strncmp(p, key, kl) == 0) {
      for (const char *v = val; *v && o + 1 < outlen; v++)
        out[o++] = *v;
      p += kl;
    } else {
      out[o++] = *p++;
    }
  }
  out[o] = '\0';
}

static void thousands(long v, char *out, size_t n) {
  char raw[32], tmp[48];
  snprintf(raw, sizeof raw, "%ld", v < 0 ? -v : v);
  size_t len = strlen(raw), o = 0;
  if (v < 0)
    tmp[o++] = '-';
  for (size_t i = 0; i < len; i++) {
    if (i > 0 && (len - i) % 3 == 0)
      tmp[o++] = ',';
    tmp[o++] = raw[i];
  }
  tmp[o] = '\0';
  snprintf(out, n, "%s", tmp);
}

/* A heading: primary language big, secondary under it small. */
static void heading(const lay *l, const char *key, prn_size s) {
  prn_doc_text(l->d, i18n_get(l->pri, key), PRN_ALIGN_CENTER, s, 1);
  if (l->sec)
    prn_doc_text(l->d, i18n_get(l->sec, key), PRN_ALIGN_CENTER, PRN_SIZE_SMALL, 0);
}

/* A pair of values (zh, en): both with a secondary catalog, else en || zh. */
static void pair(const lay *l, const char *zh, const char *en, prn_align a, prn_size s,
                 int bold) {
  if (l->sec) {
    prn_doc_text(l->d, zh, a, s, bold);
    if (*en)
      prn_doc_text(l->d, en, a, s > PRN_SIZE_SMALL ? s - 1 : s, 0);
  } else {
    prn_doc_text(l->d, *en ? en : zh, a, s, bold);
  }
}

static void banner(const lay *l, const char *key) {
  char buf[160];
  prn_doc_banner(l->d, label(l, key, buf, sizeof buf));
}

static void kv(const lay *l, const char *key, const char *value) {
  char buf[160];
  prn_doc_kv(l->d, label(l, key, buf, sizeof buf), value, PRN_SIZE_NORMAL, 0);
}

int prn_layout_voucher(const prn_voucher *v, const i18n *pri, const i18n *sec, prn_doc *d,
                       char *msg) {
  lay l = {pri, sec, d};
  char buf[256], num[48], who[64];
  int park = v->kind == PRN_VOUCHER_PARKING;
  if (v->kind == PRN_VOUCHER_THANKS) /* the donation thank-you slip */
    return prn_slip_thanks(v, pri, sec, d, msg);

  /* A quarter of the paper (18 mm on 80 mm paper) marks the slip as the
   * mall's without pushing the voucher itself down the roll. */
  if (v->logo[0])
    prn_doc_image(d, v->logo, 25);
  pair(&l, v->mall_name_zh, v->mall_name_en, PRN_ALIGN_CENTER, PRN_SIZE_TITLE, 1);
  prn_doc_feed(d, 8);
  if (v->reprint)
    banner(&l, "print.reprint");
  if (v->pending)
    banner(&l, "print.pending");
  heading(&l, park ? "print.parking.title" : "print.voucher.title", PRN_SIZE_LARGE);
  prn_doc_rule(d);

  if (park) {
    kv(&l, "print.plate", v->plate);
    snprintf(num, sizeof num, "%d", v->hours);
    prn_layout_fill(i18n_get(pri, "print.hours.value"), "n", num, buf, sizeof buf);
    kv(&l, "print.hours", buf);
  } else {
    pair(&l, v->item_name_zh, v->item_name_en, PRN_ALIGN_LEFT, PRN_SIZE_LARGE, 1);
  }
  prn_doc_rule(d);
  thousands(v->points_charged, num, sizeof num);
  kv(&l, "print.points_charged", num);
  thousands(v->points_balance, num, sizeof num);
  kv(&l, "print.points_balance", num);
  if (v->member_name[0]) {
    mask_name(v->member_name, who, sizeof who);
    kv(&l, "print.member", who);
  }
  prn_doc_rule(d);

  prn_doc_qr(d, v->voucher_code, 45);
  prn_doc_text(d, v->short_code, PRN_ALIGN_CENTER, PRN_SIZE_LARGE, 1);
  prn_doc_text(d, label(&l, "print.code", buf, sizeof buf), PRN_ALIGN_CENTER,
               PRN_SIZE_SMALL, 0);
  prn_doc_rule(d);

  if (v->pickup_zh[0] || v->pickup_en[0]) {
    prn_doc_text(d, label(&l, park ? "print.parking.where" : "print.pickup", buf, sizeof buf),
                 PRN_ALIGN_LEFT, PRN_SIZE_SMALL, 0);
    pair(&l, v->pickup_zh[0] ? v->pickup_zh : v->pickup_en, v->pickup_en, PRN_ALIGN_LEFT,
         PRN_SIZE_NORMAL, 1);
  }
  if (v->expires_at[0])
    kv(&l, "print.expires", v->expires_at);
  kv(&l, "print.kiosk", v->kiosk_id);
  kv(&l, "print.time", v->time);
  if (v->pending) {
    prn_doc_rule(d);
    prn_doc_text(d, i18n_get(pri, "print.pending.note"), PRN_ALIGN_LEFT, PRN_SIZE_NORMAL, 1);
    if (sec)
      prn_doc_text(d, i18n_get(sec, "print.pending.note"), PRN_ALIGN_LEFT, PRN_SIZE_SMALL, 0);
  }
  prn_doc_feed(d, 8);
  prn_doc_text(d, label(&l, park ? "print.parking.keep" : "print.keep", buf, sizeof buf),
               PRN_ALIGN_CENTER, PRN_SIZE_SMALL, 0);
  int rc = prn_doc_status(d);
  return rc ? kerr_set(msg, rc, "layout: out of memory") : KERR_OK;
}

static void status_lines(const lay *l, const prn_status *st) {
  char buf[160];
  struct {
    int on;
    const char *key;
  } f[] = {{st ? st->offline : 0, "print.status.offline"},
           {st ? st->cover_open : 0, "print.status.cover_open"},
           {st ? st->paper_end : 0, "print.status.paper_end"},
           {st ? st->paper_near_end : 0, "print.status.paper_near_end"},
           {st ? st->cutter_error : 0, "print.status.cutter"},
           {st ? (st->error || st->unrecoverable) : 0, "print.status.error"}};
  if (!st) {
    kv(l, "print.test.status", label(l, "print.status.unknown", buf, sizeof buf));
    return;
  }
  int any = 0;
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    if (f[i].on) {
      kv(l, "print.test.status", label(l, f[i].key, buf, sizeof buf));
      any = 1;
    }
  if (!any)
    kv(l, "print.test.status", label(l, "print.status.ok", buf, sizeof buf));
}

int prn_layout_test_page(const prn_status *st, int width, int raster, const i18n *pri,
                         const i18n *sec, prn_doc *d, char *msg) {
  lay l = {pri, sec, d};
  char buf[160], dots[16], tmp[160];
  heading(&l, "print.test.title", PRN_SIZE_TITLE);
  prn_doc_rule(d);
  status_lines(&l, st);
  snprintf(dots, sizeof dots, "%d", width);
  prn_layout_fill(i18n_get(pri, "print.test.width.value"), "dots", dots, tmp, sizeof tmp);
  prn_layout_fill(tmp, "mm", width >= 500 ? "80" : "58", buf, sizeof buf);
  kv(&l, "print.test.width", buf);
  kv(&l, "print.test.mode",
     label(&l, raster ? "print.test.mode.raster" : "print.test.mode.text", tmp, sizeof tmp));
  kv(&l, "print.test.version", KIOSK_VERSION);
  prn_doc_rule(d);
  prn_doc_text(d, i18n_get(pri, "print.test.cjk_sample"), PRN_ALIGN_CENTER, PRN_SIZE_LARGE, 1);
  prn_doc_text(d, label(&l, "print.test.qr", buf, sizeof buf), PRN_ALIGN_CENTER,
               PRN_SIZE_SMALL, 0);
  prn_doc_qr(d, "KIOSK-TEST", 40);
  prn_doc_text(d, label(&l, "print.test.barcode", buf, sizeof buf), PRN_ALIGN_CENTER,
               PRN_SIZE_SMALL, 0);
  prn_doc_code128(d, "KIOSK-TEST");
  int rc = prn_doc_status(d);
  return rc ? kerr_set(msg, rc, "layout: out of memory") : KERR_OK;
}
