#include "prn_escpos.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>

struct prn_escpos {
  uint8_t *buf;
  size_t len, cap;
  int rc;
  int kanji;
  iconv_t cd; /* UTF-8 -> GB18030, opened on the first non-ASCII text */
};

int prn_escpos_new(prn_escpos **out) {
  prn_escpos *e = calloc(1, sizeof *e);
  if (!e)
    return KERR_NOMEM;
  e->cd = (iconv_t)-1;
  *out = e;
  return KERR_OK;
}

void prn_escpos_free(prn_escpos *e) {
  if (!e)
    return;
  if (e->cd != (iconv_t)-1)
    iconv_close(e->cd);
  free(e->buf);
  free(e);
}

int prn_escpos_status(const prn_escpos *e) { return e->rc; }

const uint8_t *prn_escpos_data(const prn_escpos *e, size_t *len) {
  *len = e->len;
  return e->buf;
}

uint8_t *prn_escpos_take(prn_escpos *e, size_t *len) {
  uint8_t *b = e->buf;
  *len = e->len;
  e->buf = NULL;
  e->len = e->cap = 0;
  return b;
}

static int fail(prn_escpos *e, int rc) {
  if (e->rc == KERR_OK)
    e->rc = rc;
  return e->rc;
}

int prn_escpos_raw(prn_escpos *e, const void *bytes, size_t len) {
  if (e->rc)
    return e->rc;
  if (len > e->cap - e->len) {
    size_t cap = e->cap ? e->cap : 1024;
    while (cap - e->len < len) {
      if (cap > SIZE_MAX / 2)
        return fail(e, KERR_NOMEM);
      cap *= 2;
    }
    uint8_t *nb = realloc(e->buf, cap);
    if (!nb)
      return fail(e, KERR_NOMEM);
    e->buf = nb;
    e->cap = cap;
  }
  if (len)
    memcpy(e->buf + e->len, bytes, len);
  e->len += len;
  return KERR_OK;
}

static int put3(prn_escpos *e, uint8_t a, uint8_t b, uint8_t c) {
  const uint8_t v[3] = {a, b, c};
  return prn_escpos_raw(e, v, 3);
}

int prn_escpos_init(prn_escpos *e) {
  e->kanji = 0;
  return prn_escpos_raw(e, "\x1b@", 2);
}

int prn_escpos_align(prn_escpos *e, prn_align a) {
  if (a < PRN_ALIGN_LEFT || a > PRN_ALIGN_RIGHT)
    return fail(e, KERR_INVALID);
  return put3(e, 0x1b, 'a', (uint8_t)a);
}

int prn_escpos_emphasis(prn_escpos *e, int on) { return put3(e, 0x1b, 'E', on ? 1 : 0); }

int prn_escpos_reverse(prn_escpos *e, int on) { return put3(e, 0x1d, 'B', on ? 1 : 0); }

int prn_escpos_size(prn_escpos *e, int width, int height) {
  if (width < 1 || width > 8 || height < 1 || height > 8)
    return fail(e, KERR_INVALID);
  return put3(e, 0x1d, '!', (uint8_t)(((width - 1) << 4) | (height - 1)));
}

static int feed(prn_escpos *e, uint8_t cmd, int n) {
  if (n < 0)
    return fail(e, KERR_INVALID);
  while (n > 0) {
    int step = n > 255 ? 255 : n;
    put3(e, 0x1b, cmd, (uint8_t)step);
    n -= step;
  }
  return e->rc;
}

int prn_escpos_feed_lines(prn_escpos *e, int lines) { return feed(e, 'd', lines); }

int prn_escpos_feed_dots(prn_escpos *e, int dots) { return feed(e, 'J', dots); }

int prn_escpos_cut(prn_escpos *e, int feed_dots) {
  feed(e, 'J', feed_dots);
  return put3(e, 0x1d, 'V', 1);
}

int prn_escpos_cut_feed(int width_dots) {
  int dpi = width_dots == 512 ? 180 : 203;
  return (15 * dpi * 10 + 127) / 254;
}

int prn_escpos_kanji(prn_escpos *e, int on) {
  e->kanji = on ? 1 : 0;
  return prn_escpos_raw(e, on ? "\x1c&" : "\x1c.", 2);
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is invalid. */
static size_t utf8_len(const unsigned char *s) {
  unsigned c = s[0];
  size_t n;
  unsigned cp;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return n;
}

/* Converts one character; writes 1 or 2 bytes to out and returns the count. */
static int gbk_char(iconv_t cd, const unsigned char *s, size_t n, uint8_t out[2]) {
  if (n == 1) {
    out[0] = s[0];
    return 1;
  }
  char in[4], obuf[8];
  memcpy(in, s, n);
  char *ip = in, *op = obuf;
  size_t il = n, ol = sizeof obuf;
  iconv(cd, NULL, NULL, NULL, NULL);
  if (cd == (iconv_t)-1 || iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
      op - obuf != 2) {
    out[0] = '?';
    return 1;
  }
  uint8_t b0 = (uint8_t)obuf[0], b1 = (uint8_t)obuf[1];
  /* Two-byte GBK: lead 0x81-0xFE, trail 0x40-0xFE without 0x7F. A 4-byte
   * GB18030 sequence has a digit as its second byte and is never 2 long. */
  if (b0 < 0x81 || b0 > 0xfe || b1 < 0x40 || b1 > 0xfe || b1 == 0x7f) {
    out[0] = '?';
    return 1;
  }
  out[0] = b0;
  out[1] = b1;
  return 2;
}

typedef int (*sink_fn)(void *ctx, const uint8_t *b, size_t n);

static int convert(iconv_t cd, int gbk, const char *utf8, sink_fn sink, void *ctx) {
  const unsigned char *s = (const unsigned char *)utf8;
  while (*s) {
    size_t n = utf8_len(s);
    uint8_t out[2];
    int k;
    if (n == 0) {
      out[0] = '?';
      k = 1;
      n = 1;
    } else if (n > 1 && !gbk) {
      out[0] = '?';
      k = 1;
    } else {
      k = gbk_char(cd, s, n, out);
    }
    int rc = sink(ctx, out, (size_t)k);
    if (rc)
      return rc;
    s += n;
  }
  return KERR_OK;
}

static int sink_escpos(void *ctx, const uint8_t *b, size_t n) {
  return prn_escpos_raw(ctx, b, n);
}

static int has_non_ascii(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80)
      return 1;
  return 0;
}

int prn_escpos_text(prn_escpos *e, const char *utf8) {
  if (e->rc)
    return e->rc;
  if (!utf8)
    return fail(e, KERR_INVALID);
  if (e->kanji && e->cd == (iconv_t)-1 && has_non_ascii(utf8))
    e->cd = iconv_open("GB18030", "UTF-8");
  return convert(e->cd, e->kanji, utf8, sink_escpos, e);
}

typedef struct {
  char *out;
  size_t cap, len;
} fixed_sink;

static int sink_fixed(void *ctx, const uint8_t *b, size_t n) {
  fixed_sink *f = ctx;
  if (f->len + n + 1 > f->cap)
    return KERR_INVALID;
  memcpy(f->out + f->len, b, n);
  f->len += n;
  return KERR_OK;
}

int prn_escpos_to_gbk(const char *utf8, char *out, size_t outlen) {
  if (!utf8 || !out || outlen == 0)
    return KERR_INVALID;
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  fixed_sink f = {out, outlen, 0};
  int rc = convert(cd, 1, utf8, sink_fixed, &f);
  if (cd != (iconv_t)-1)
    iconv_close(cd);
  out[f.len] = '\0';
  return rc ? rc : (int)f.len;
}

int prn_escpos_raster(prn_escpos *e, const uint8_t *bits, int width_dots, int height,
                      int stride) {
  int wbytes = (width_dots + 7) / 8;
  if (!bits || width_dots <= 0 || height < 0 || stride < wbytes || wbytes > 0xffff)
    return fail(e, KERR_INVALID);
  int band = PRN_ESCPOS_BAND_BYTES / wbytes;
  if (band < 1)
    band = 1;
  for (int y = 0; y < height && !e->rc; y += band) {
    int rows = height - y < band ? height - y : band;
    const uint8_t hdr[8] = {0x1d, 'v', '0', 0,
                            (uint8_t)(wbytes & 0xff), (uint8_t)(wbytes >> 8),
                            (uint8_t)(rows & 0xff), (uint8_t)(rows >> 8)};
    prn_escpos_raw(e, hdr, sizeof hdr);
    for (int r = 0; r < rows; r++)
      prn_escpos_raw(e, bits + (size_t)(y + r) * (size_t)stride, (size_t)wbytes);
  }
  return e->rc;
}

static int qr_fn(prn_escpos *e, uint8_t fn, const uint8_t *arg, size_t argn) {
  size_t plen = argn + 2;
  const uint8_t hdr[7] = {0x1d, '(', 'k', (uint8_t)(plen & 0xff), (uint8_t)(plen >> 8),
                          '1', fn};
  prn_escpos_raw(e, hdr, sizeof hdr);
  return prn_escpos_raw(e, arg, argn);
}

int prn_escpos_qr(prn_escpos *e, const char *data, int module, prn_qr_ec ec) {
  size_t n = data ? strlen(data) : 0;
  if (n == 0 || n > 7089 || module < 1 || module > 16 || ec < PRN_QR_L || ec > PRN_QR_H)
    return fail(e, KERR_INVALID);
  const uint8_t model[2] = {'2', 0}, size[1] = {(uint8_t)module}, lvl[1] = {(uint8_t)ec};
  const uint8_t print[1] = {'0'};
  qr_fn(e, 'A', model, 2);  /* fn 165: model 2 */
  qr_fn(e, 'C', size, 1);   /* fn 167: module size */
  qr_fn(e, 'E', lvl, 1);    /* fn 169: error correction */
  size_t plen = n + 3;      /* fn 180: store, then fn 181: print */
  const uint8_t store[8] = {0x1d, '(', 'k', (uint8_t)(plen & 0xff), (uint8_t)(plen >> 8),
                            '1', 'P', '0'};
  prn_escpos_raw(e, store, sizeof store);
  prn_escpos_raw(e, data, n);
  return qr_fn(e, 'Q', print, 1);
}

int prn_escpos_code128(prn_escpos *e, const char *ascii, int height, int module) {
  if (!ascii || !*ascii || height < 1 || height > 255 || module < 2 || module > 6)
    return fail(e, KERR_INVALID);
  uint8_t data[255];
  size_t n = 0;
  data[n++] = '{';
  data[n++] = 'B';
  for (const char *p = ascii; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c < 0x20 || c > 0x7e || n + 2 > sizeof data)
      return fail(e, KERR_INVALID);
    if (c == '{') /* a literal '{' is written twice in GS k 73 data */
      data[n++] = '{';
    data[n++] = c;
  }
  put3(e, 0x1d, 'h', (uint8_t)height);
  put3(e, 0x1d, 'w', (uint8_t)module);
  put3(e, 0x1d, 'H', 2);
  const uint8_t hdr[4] = {0x1d, 'k', 73, (uint8_t)n};
  prn_escpos_raw(e, hdr, sizeof hdr);
  return prn_escpos_raw(e, data, n);
}

int prn_escpos_extract_raster(const uint8_t *s, size_t len, uint8_t **bits, int *width,
                              int *height, int *stride) {
  uint8_t *out = NULL;
  size_t used = 0;
  int wbytes = 0, rows = 0;
  *bits = NULL;
  *width = *height = *stride = 0;
  for (size_t i = 0; i < len;) {
    if (s[i] == 0x1d && i + 2 < len && s[i + 1] == 'v' && s[i + 2] == '0') {
      if (i + 8 > len)
        goto bad;
      int wb = s[i + 4] | s[i + 5] << 8, h = s[i + 6] | s[i + 7] << 8;
      size_t n = (size_t)wb * (size_t)h;
      if ((wbytes && wb != wbytes) || wb == 0 || i + 8 + n > len)
        goto bad;
      wbytes = wb;
      uint8_t *no = realloc(out, used + n + 1);
      if (!no) {
        free(out);
        return KERR_NOMEM;
      }
      out = no;
      memcpy(out + used, s + i + 8, n);
      used += n;
      rows += h;
      i += 8 + n;
    } else if (s[i] == 0x1d && i + 4 < len && s[i + 1] == '(' && s[i + 2] == 'k') {
      i += 5 + (size_t)(s[i + 3] | s[i + 4] << 8);
    } else if (s[i] == 0x1d && i + 3 < len && s[i + 1] == 'k' && s[i + 2] >= 65) {
      i += 4 + s[i + 3];
    } else {
      i++;
    }
  }
  if (rows == 0) { /* bands with no rows: no image, as the header promises */
    free(out);
    out = NULL;
    wbytes = 0;
  }
  *bits = out;
  *width = wbytes * 8;
  *height = rows;
  *stride = wbytes;
  return KERR_OK;
bad:
  free(out);
  return KERR_INVALID;
}

int prn_escpos_status_query(uint8_t out[3], int n) {
  if (n < 1 || n > 4)
    return KERR_INVALID;
  out[0] = 0x10;
  out[1] = 0x04;
  out[2] = (uint8_t)n;
  return KERR_OK;
}

int prn_escpos_status_parse(int n, uint8_t b, prn_status *st) {
  if ((b & 0x93) != 0x12 || n < 1 || n > 4)
    return KERR_PROTO;
  switch (n) {
  case 1:
    st->offline = (b & 0x08) != 0;
    break;
  case 2:
    st->cover_open = (b & 0x04) != 0;
    if (b & 0x20)
      st->paper_end = 1; /* printing stopped by paper end */
    if (b & 0x40)
      st->error = 1;
    break;
  case 3:
    st->cutter_error = (b & 0x08) != 0;
    st->unrecoverable = (b & 0x20) != 0;
    if (b & 0x40)
      st->error = 1;
    break;
  default:
    st->paper_near_end = (b & 0x0c) != 0;
    if (b & 0x60)
      st->paper_end = 1;
    break;
  }
  return KERR_OK;
}

int prn_escpos_status_blocks(const prn_status *st) {
  return st->offline || st->cover_open || st->paper_end || st->cutter_error ||
         st->unrecoverable || st->error;
}
