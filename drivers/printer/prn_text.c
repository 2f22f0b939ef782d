#include "prn_text.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "prn_bitmap.h"

int prn_text_columns(const char *s) {
  int cols = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x80)
      cols++;
    else if ((*p & 0xc0) != 0x80)
      cols += 2;
  }
  return cols;
}

static size_t char_len(const char *s) {
  size_t n = 1;
  while ((s[n] & 0xc0) == 0x80)
    n++;
  return n;
}

/* Emits text wrapped to cols columns, each line ended by LF. Latin words
 * break at a space when the line has one. */
static void wrapped(prn_escpos *e, const char *text, int cols) {
  char line[512];
  const char *p = text;
  while (*p) {
    size_t n = 0, last_space = 0;
    int used = 0;
    while (p[n] && p[n] != '\n') {
      size_t k = char_len(p + n);
      int w = (unsigned char)p[n] < 0x80 ? 1 : 2;
      if (used + w > cols || n + k >= sizeof line)
        break;
      if (p[n] == ' ')
        last_space = n;
      used += w;
      n += k;
    }
    size_t take = n;
    if (p[n] && p[n] != '\n' && p[n] != ' ' && last_space > 0 &&
        (unsigned char)p[n] < 0x80 && (unsigned char)p[n - 1] < 0x80)
      take = last_space;
    if (take == 0 && p[0] && p[0] != '\n')
      take = char_len(p);
    memcpy(line, p, take);
    line[take] = '\0';
    prn_escpos_text(e, line);
    prn_escpos_text(e, "\n");
    p += take;
    while (*p == ' ')
      p++;
    if (*p == '\n')
      p++;
  }
}

static int mult(prn_size s) { return s >= PRN_SIZE_LARGE ? 2 : 1; }

static void style(prn_escpos *e, const prn_block *b) {
  prn_escpos_size(e, mult(b->size), mult(b->size));
  prn_escpos_emphasis(e, b->bold || b->size == PRN_SIZE_TITLE);
}

static void kv(prn_escpos *e, const prn_block *b, int cols) {
  const char *l = b->a ? b->a : "", *r = b->b ? b->b : "";
  int lw = prn_text_columns(l), rw = prn_text_columns(r);
  prn_escpos_align(e, PRN_ALIGN_LEFT);
  if (lw + 1 + rw > cols) {
    wrapped(e, l, cols);
    prn_escpos_align(e, PRN_ALIGN_RIGHT);
    wrapped(e, r, cols);
    prn_escpos_align(e, PRN_ALIGN_LEFT);
    return;
  }
  char pad[256];
  int n = cols - lw - rw;
  if (n > (int)sizeof pad - 1)
    n = (int)sizeof pad - 1;
  memset(pad, ' ', (size_t)n);
  pad[n] = '\0';
  prn_escpos_text(e, l);
  prn_escpos_text(e, pad);
  prn_escpos_text(e, r);
  prn_escpos_text(e, "\n");
}

static void rule(prn_escpos *e, int cols) {
  char line[256];
  if (cols > (int)sizeof line - 1)
    cols = (int)sizeof line - 1;
  memset(line, '-', (size_t)cols);
  line[cols] = '\0';
  prn_escpos_align(e, PRN_ALIGN_LEFT);
  prn_escpos_text(e, line);
  prn_escpos_text(e, "\n");
}

/* Module size so the native QR takes about the share of the paper the raster
 * layout gives it; the symbol size comes from libqrencode with the same
 * level, which is also what the printer picks for the same data. */
static int qr_module(const char *data, int width, int percent) {
  QRcode *q = QRcode_encodeString8bit(data, 0, QR_ECLEVEL_M);
  int modules = q ? q->width + 8 : 33;
  QRcode_free(q);
  int want = width * (percent > 0 ? percent : 40) / 100;
  if (want < 220) /* the raster layout's floor, about 27 mm */
    want = 220;
  int m = want / modules;
  return m < 2 ? 2 : m > 16 ? 16 : m;
}

/* A logo is an image whatever the mode: it goes out as a GS v 0 raster only
 * as wide as the image, centred by ESC a (which applies to graphics too),
 * so it costs its own bytes and not a full paper-width band. */
static int image(prn_escpos *e, const prn_block *b, int width, char *msg) {
  int w = (width * (b->num > 0 ? b->num : 50)) / 100 / 8 * 8;
  prn_bitmap *img = NULL;
  uint8_t *bits = NULL;
  int stride = 0;
  int rc = prn_bitmap_load_image(b->a ? b->a : "", w < 8 ? 8 : w, &img, msg);
  if (rc)
    return rc;
  rc = prn_bitmap_pack(img, 0, prn_bitmap_height(img), &bits, &stride);
  if (!rc) {
    prn_escpos_align(e, PRN_ALIGN_CENTER);
    rc = prn_escpos_raster(e, bits, prn_bitmap_width(img), prn_bitmap_height(img), stride);
  }
  free(bits);
  prn_bitmap_free(img);
  if (!rc)
    rc = prn_escpos_feed_dots(e, 8);
  return rc ? kerr_set(msg, rc, "escpos: %s", kerr_str(rc)) : KERR_OK;
}

int prn_text_render(const prn_doc *d, int width, prn_escpos *e, char *msg) {
  if (width != 576 && width != 512 && width != 384)
    return kerr_set(msg, KERR_INVALID, "paper width %d dots: use 576, 512 or 384", width);
  int cols1 = width / 12;
  prn_escpos_init(e);
  prn_escpos_kanji(e, 1);
  for (int i = 0; i < prn_doc_count(d); i++) {
    const prn_block *b = prn_doc_block(d, i);
    int cols = cols1 / mult(b->size);
    switch (b->kind) {
    case PRN_BLK_TEXT:
      style(e, b);
      prn_escpos_align(e, b->align);
      wrapped(e, b->a ? b->a : "", cols);
      break;
    case PRN_BLK_KV:
      style(e, b);
      kv(e, b, cols);
      break;
    case PRN_BLK_BANNER:
      style(e, b);
      prn_escpos_align(e, PRN_ALIGN_CENTER);
      prn_escpos_reverse(e, 1);
      prn_escpos_text(e, " ");
      prn_escpos_text(e, b->a ? b->a : "");
      prn_escpos_text(e, " ");
      prn_escpos_reverse(e, 0);
      prn_escpos_text(e, "\n");
      break;
    case PRN_BLK_QR:
      prn_escpos_align(e, PRN_ALIGN_CENTER);
      prn_escpos_qr(e, b->a ? b->a : "", qr_module(b->a ? b->a : "", width, b->num),
                    PRN_QR_M);
      prn_escpos_text(e, "\n");
      break;
    case PRN_BLK_CODE128:
      prn_escpos_align(e, PRN_ALIGN_CENTER);
      prn_escpos_code128(e, b->a ? b->a : "", 80, width < 500 ? 2 : 3);
      prn_escpos_text(e, "\n");
      break;
    case PRN_BLK_RULE:
      prn_escpos_size(e, 1, 1);
      prn_escpos_emphasis(e, 0);
      rule(e, cols1);
      break;
    case PRN_BLK_FEED:
      prn_escpos_feed_dots(e, b->num);
      break;
    case PRN_BLK_IMAGE: {
      int rc = image(e, b, width, msg);
      if (rc)
        return rc;
      break;
    }
    }
    prn_escpos_align(e, PRN_ALIGN_LEFT);
  }
  prn_escpos_size(e, 1, 1);
  prn_escpos_emphasis(e, 0);
  prn_escpos_kanji(e, 0);
  int rc = prn_escpos_cut(e, prn_escpos_cut_feed(width));
  return rc ? kerr_set(msg, rc, "escpos: %s", kerr_str(rc)) : KERR_OK;
}
