/* Helpers shared by the print journal tests (header-only, test code). */
#ifndef JOURNAL_UTIL_H
#define JOURNAL_UTIL_H

#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "prn_doc.h"
#include "prn_journal.h"
#include "prn_layout.h"
#include "prn_raster.h"
#include "prn_text.h"

/* Makes $TMPDIR/prn-journal.XXXXXX; returns 0 on success. */
static inline int jt_dir_make(char *out, size_t cap) {
  const char *base = getenv("TMPDIR");
  snprintf(out, cap, "%s/prn-journal.XXXXXX", base && *base ? base : "/tmp");
  return mkdtemp(out) ? 0 : -1;
}

/* Removes the folder, its files and the files of its subfolders. */
static inline void jt_dir_remove(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      char p[PATH_MAX + 256];
      if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
        continue;
      struct stat st;
      if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
        jt_dir_remove(p);
      else
        unlink(p);
    }
    closedir(d);
  }
  rmdir(dir);
}

/* A gift voucher JSON for code (no word "REPRINT" anywhere in it). */
static inline void jt_voucher(char *out, size_t cap, const char *code, int pending) {
  snprintf(out, cap,
           "{\"kind\":\"gift\",\"mall_name_zh\":\"星河购物中心\",\"mall_name_en\":\"Galaxy "
           "Mall\",\"item_name_zh\":\"拿铁\",\"item_name_en\":\"Latte\",\"points_charged\":1200,"
           "\"points_balance\":34560,\"member_name\":\"张小明\",\"voucher_code\":\"%s\","
           "\"pickup_zh\":\"一楼服务台\",\"pickup_en\":\"Service Desk 1F\","
           "\"kiosk_id\":\"K-0007\",\"time\":\"2026-11-24 14:05\",\"pending\":%s}",
           code, pending ? "true" : "false");
}

typedef struct {
  i18n *zh, *en;
} jt_catalogs;

static inline int jt_catalogs_load(jt_catalogs *c) {
  kerr_msg msg;
  memset(c, 0, sizeof *c);
  if (i18n_load_dir(KIOSK_SOURCE_ASSETS "/i18n/zh_CN", &c->zh, msg) ||
      i18n_load_dir(KIOSK_SOURCE_ASSETS "/i18n/en", &c->en, msg)) {
    fprintf(stderr, "catalogs: %s\n", msg);
    return -1;
  }
  return 0;
}

static inline void jt_catalogs_free(jt_catalogs *c) {
  i18n_free(c->zh);
  i18n_free(c->en);
}

/* prn_journal_render_fn in text mode, 576 dots, zh_CN with en. */
static inline int jt_render_text(void *ctx, const prn_voucher *v, prn_escpos *e, char *msg) {
  const jt_catalogs *c = ctx;
  prn_doc *d = NULL;
  if (prn_doc_new(&d))
    return KERR_NOMEM;
  int rc = prn_layout_voucher(v, c->zh, c->en, d, msg);
  if (!rc)
    rc = prn_text_render(d, 576, e, msg);
  prn_doc_free(d);
  return rc;
}

/* The slip for voucher_json with reprint forced to 0 or 1: what the journal
 * must send, built here without the journal. *bytes is freed by the caller. */
static inline int jt_reference(const char *voucher_json, int reprint, const jt_catalogs *c,
                               prn_raster *r, uint8_t **bytes, size_t *len) {
  kerr_msg msg;
  prn_voucher v;
  prn_doc *d = NULL;
  prn_escpos *e = NULL;
  int rc = prn_voucher_parse(voucher_json, &v, msg);
  v.reprint = reprint;
  if (!rc)
    rc = prn_doc_new(&d);
  if (!rc)
    rc = prn_escpos_new(&e);
  if (!rc)
    rc = prn_layout_voucher(&v, c->zh, c->en, d, msg);
  if (!rc)
    rc = r ? prn_raster_render(r, d, 576, e, NULL, msg) : prn_text_render(d, 576, e, msg);
  if (!rc)
    *bytes = prn_escpos_take(e, len);
  prn_escpos_free(e);
  prn_doc_free(d);
  return rc;
}

/* Reads a whole file; NULL when it cannot. */
static inline uint8_t *jt_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  *len = 0;
  if (!f)
    return NULL;
  size_t cap = 4096;
  uint8_t *b = malloc(cap);
  size_t n;
  while (b && (n = fread(b + *len, 1, cap - *len, f)) > 0) {
    *len += n;
    if (*len == cap) {
      uint8_t *nb = realloc(b, cap * 2);
      if (!nb) {
        free(b);
        b = NULL;
        break;
      }
      b = nb;
      cap *= 2;
    }
  }
  fclose(f);
  return b;
}

static inline int jt_contains(const uint8_t *hay, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; k && i + k <= n; i++)
    if (memcmp(hay + i, needle, k) == 0)
      return 1;
  return 0;
}

/* Height of a PNG from its IHDR; -1 when it is not one. */
static inline long jt_png_height(const char *path) {
  size_t n;
  uint8_t *b = jt_slurp(path, &n);
  long h = -1;
  if (b && n >= 24 && memcmp(b + 1, "PNG", 3) == 0)
    h = (long)b[20] << 24 | (long)b[21] << 16 | (long)b[22] << 8 | b[23];
  free(b);
  return h;
}

#endif
