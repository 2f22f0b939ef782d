#include "prn_raster.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define NOTO_SC_FACE 2 /* face index of Noto Sans CJK SC in the .ttc */
#define NSIZES 4

struct prn_raster {
  char *path[2];
  TTF_Font *font[2][NSIZES][2]; /* [bold][size][narrow paper] */
};

/* Glyph heights in dots at 203 dpi: 26 dots is about 3.3 mm, the size of a
 * receipt's body text; 58 mm paper gets smaller type to keep lines short. */
static const int px_wide[NSIZES] = {22, 26, 34, 44};
static const int px_narrow[NSIZES] = {20, 23, 28, 36};

static char *dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *c = malloc(n);
  if (c)
    memcpy(c, s, n);
  return c;
}

int prn_raster_new(const char *regular, const char *bold, prn_raster **out, char *msg) {
  if (TTF_Init() != 0)
    return kerr_set(msg, KERR_DEVICE, "TTF_Init: %s", TTF_GetError());
  prn_raster *r = calloc(1, sizeof *r);
  if (r) {
    r->path[0] = dupstr(regular ? regular : PRN_FONT_REGULAR);
    r->path[1] = dupstr(bold ? bold : PRN_FONT_BOLD);
  }
  if (!r || !r->path[0] || !r->path[1]) {
    prn_raster_free(r);
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  }
  /* Open the body font now so a missing font fails here, not mid-slip. */
  r->font[0][PRN_SIZE_NORMAL][0] =
      TTF_OpenFontIndex(r->path[0], px_wide[PRN_SIZE_NORMAL], NOTO_SC_FACE);
  if (!r->font[0][PRN_SIZE_NORMAL][0]) {
    int rc = kerr_set(msg, KERR_CONFIG, "font %s: %s", r->path[0], TTF_GetError());
    prn_raster_free(r);
    return rc;
  }
  *out = r;
  return KERR_OK;
}

void prn_raster_free(prn_raster *r) {
  if (!r)
    return;
  for (int b = 0; b < 2; b++)
    for (int s = 0; s < NSIZES; s++)
      for (int n = 0; n < 2; n++)
        if (r->font[b][s][n])
          TTF_CloseFont(r->font[b][s][n]);
  free(r->path[0]);
  free(r->path[1]);
  free(r);
  TTF_Quit();
}

typedef struct {
  prn_raster *r;
  prn_bitmap *bm;
  prn_escpos *e;
  int width, margin, narrow;
  int y, flushed;
  char *msg;
} ctx;

static TTF_Font *font(ctx *c, prn_size s, int bold, int *px) {
  int b = bold ? 1 : 0;
  *px = c->narrow ? px_narrow[s] : px_wide[s];
  TTF_Font **f = &c->r->font[b][s][c->narrow];
  if (!*f) {
    *f = TTF_OpenFontIndex(c->r->path[b], *px, NOTO_SC_FACE);
    if (!*f)
      kerr_set(c->msg, KERR_CONFIG, "font %s: %s", c->r->path[b], TTF_GetError());
  }
  return *f;
}

/* Draws one line with its top at y (the glyph box, not the font's ascent). */
static int draw_line(ctx *c, TTF_Font *f, int px, const char *text, int x, int y,
                     int invert) {
  if (!*text)
    return KERR_OK;
  SDL_Color fg = {0, 0, 0, 255}, bg = {255, 255, 255, 255};
  SDL_Surface *s = TTF_RenderUTF8_Shaded(f, text, fg, bg);
  if (!s)
    return kerr_set(c->msg, KERR_DEVICE, "render text: %s", TTF_GetError());
  /* Shaded gives palette indices that are the glyph coverage (0..255). The
   * CJK glyph box tops out about 0.88 em above the baseline, well below the
   * font's ascent, so the surface is raised to keep line spacing tight. */
  int trim = TTF_FontAscent(f) - (px * 95) / 100;
  int rc = prn_bitmap_blend(c->bm, x, y - trim, s->pixels, s->w, s->h, s->pitch, invert);
  SDL_FreeSurface(s);
  return rc ? kerr_set(c->msg, rc, "raster: out of memory") : KERR_OK;
}

static int text_w(TTF_Font *f, const char *t) {
  int w = 0, h = 0;
  if (*t && TTF_SizeUTF8(f, t, &w, &h) != 0)
    return 0;
  return w;
}

/* Bytes taken by the first n UTF-8 characters of s. */
static size_t char_bytes(const char *s, int n) {
  size_t i = 0;
  while (s[i] && n > 0) {
    i++;
    while ((s[i] & 0xc0) == 0x80)
      i++;
    n--;
  }
  return i;
}

/* Splits text into lines no wider than maxw: CJK breaks anywhere, Latin
 * words break at spaces when a space is on the line. Calls line() per line. */
static int wrap(ctx *c, TTF_Font *f, const char *text, int maxw,
                int (*line)(ctx *, const char *, void *), void *arg) {
  char buf[1024];
  const char *p = text;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t seg = nl ? (size_t)(nl - p) : strlen(p);
    if (seg >= sizeof buf)
      seg = sizeof buf - 1;
    memcpy(buf, p, seg);
    buf[seg] = '\0';
    p += seg + (nl ? 1 : 0);
    char *q = buf;
    do {
      int extent = 0, count = 0;
      if (TTF_MeasureUTF8(f, q, maxw, &extent, &count) != 0)
        return kerr_set(c->msg, KERR_DEVICE, "measure: %s", TTF_GetError());
      size_t nb = char_bytes(q, count < 1 ? 1 : count);
      if (q[nb] && q[nb] != ' ' && nb > 0 && (unsigned char)q[nb - 1] < 0x80 &&
          (unsigned char)q[nb] < 0x80) {
        size_t sp = nb;
        while (sp > 0 && q[sp - 1] != ' ')
          sp--;
        if (sp > 0)
          nb = sp;
      }
      char keep = q[nb];
      q[nb] = '\0';
      size_t end = nb;
      while (end > 0 && q[end - 1] == ' ')
        q[--end] = '\0';
      int rc = line(c, q, arg);
      q[nb] = keep;
      if (rc)
        return rc;
      q += nb;
      while (*q == ' ')
        q++;
    } while (*q);
  }
  return KERR_OK;
}

typedef struct {
  TTF_Font *f;
  int px;
  prn_align align;
  int invert;
} line_arg;

static int advance(int px) { return (px * 135) / 100; }

static int put_line(ctx *c, const char *t, void *arg) {
  line_arg *a = arg;
  int avail = c->width - 2 * c->margin, w = text_w(a->f, t), x = c->margin;
  if (a->align == PRN_ALIGN_CENTER)
    x += (avail - w) / 2;
  else if (a->align == PRN_ALIGN_RIGHT)
    x += avail - w;
  int rc = draw_line(c, a->f, a->px, t, x, c->y, a->invert);
  c->y += advance(a->px);
  return rc;
}

static int do_text(ctx *c, const prn_block *b) {
  int px;
  TTF_Font *f = font(c, b->size, b->bold, &px);
  if (!f)
    return KERR_CONFIG;
  line_arg a = {f, px, b->align, 0};
  return wrap(c, f, b->a ? b->a : "", c->width - 2 * c->margin, put_line, &a);
}

static int do_kv(ctx *c, const prn_block *b) {
  int px;
  TTF_Font *f = font(c, b->size, b->bold, &px);
  if (!f)
    return KERR_CONFIG;
  const char *l = b->a ? b->a : "", *r = b->b ? b->b : "";
  int avail = c->width - 2 * c->margin, gap = px;
  int lw = text_w(f, l), rw = text_w(f, r);
  if (lw + gap + rw <= avail) {
    int rc = draw_line(c, f, px, l, c->margin, c->y, 0);
    if (!rc)
      rc = draw_line(c, f, px, r, c->width - c->margin - rw, c->y, 0);
    c->y += advance(px);
    return rc;
  }
  /* Too long for one line: the value goes below, right-aligned. */
  line_arg la = {f, px, PRN_ALIGN_LEFT, 0}, ra = {f, px, PRN_ALIGN_RIGHT, 0};
  int rc = wrap(c, f, l, avail, put_line, &la);
  return rc ? rc : wrap(c, f, r, avail, put_line, &ra);
}

static int do_banner(ctx *c, const prn_block *b) {
  int px;
  TTF_Font *f = font(c, b->size, 1, &px);
  if (!f)
    return KERR_CONFIG;
  int pad = px / 4, top = c->y;
  line_arg a = {f, px, PRN_ALIGN_CENTER, 1};
  /* Measure first by wrapping into a throwaway y, then paint the box. */
  int h = 0;
  {
    int save = c->y;
    prn_bitmap *real = c->bm;
    prn_bitmap *tmp = NULL;
    if (prn_bitmap_new(c->width, &tmp))
      return kerr_set(c->msg, KERR_NOMEM, "out of memory");
    c->bm = tmp;
    int rc = wrap(c, f, b->a ? b->a : "", c->width - 2 * c->margin - 2 * pad, put_line, &a);
    h = c->y - save;
    c->bm = real;
    c->y = save;
    prn_bitmap_free(tmp);
    if (rc)
      return rc;
  }
  if (prn_bitmap_fill(c->bm, c->margin, top, c->width - 2 * c->margin, h + 2 * pad, 255))
    return kerr_set(c->msg, KERR_NOMEM, "out of memory");
  c->y = top + pad;
  int rc = wrap(c, f, b->a ? b->a : "", c->width - 2 * c->margin - 2 * pad, put_line, &a);
  c->y = top + h + 2 * pad + px / 3;
  return rc;
}

static int do_qr(ctx *c, const prn_block *b) {
  QRcode *q = QRcode_encodeString8bit(b->a ? b->a : "", 0, QR_ECLEVEL_M);
  if (!q)
    return kerr_set(c->msg, KERR_INVALID, "QR encode of %zu bytes failed",
                    strlen(b->a ? b->a : ""));
  int want = (c->width * (b->num > 0 ? b->num : 40)) / 100;
  if (want < 220) /* about 27 mm: phone cameras and gate scanners read it */
    want = 220;
  int mod = want / (q->width + 8);
  if (mod < 2)
    mod = 2;
  int side = q->width * mod, x0 = (c->width - side) / 2, y0 = c->y + 4 * mod;
  int rc = KERR_OK;
  for (int yy = 0; yy < q->width && !rc; yy++)
    for (int xx = 0; xx < q->width && !rc; xx++)
      if (q->data[yy * q->width + xx] & 1)
        rc = prn_bitmap_fill(c->bm, x0 + xx * mod, y0 + yy * mod, mod, mod, 255);
  QRcode_free(q);
  c->y = y0 + side + 4 * mod;
  return rc ? kerr_set(c->msg, rc, "raster: out of memory") : KERR_OK;
}

static int do_rule(ctx *c) {
  for (int x = c->margin; x < c->width - c->margin; x += 12)
    if (prn_bitmap_fill(c->bm, x, c->y + 6, 8, 2, 255))
      return kerr_set(c->msg, KERR_NOMEM, "out of memory");
  c->y += 16;
  return KERR_OK;
}

static int do_image(ctx *c, const prn_block *b) {
  int w = (c->width * (b->num > 0 ? b->num : 50)) / 100;
  prn_bitmap *img = NULL;
  int rc = prn_bitmap_load_image(b->a ? b->a : "", w, &img, c->msg);
  if (rc)
    return rc;
  int h = prn_bitmap_height(img);
  /* The image is 0/255 already: max-blending it is exactly what dithering
   * it onto the blank canvas there would have left. */
  rc = prn_bitmap_blend(c->bm, (c->width - w) / 2, c->y, prn_bitmap_row(img, 0), w, h, w, 0);
  prn_bitmap_free(img);
  c->y += h + 8;
  return rc ? kerr_set(c->msg, rc, "raster: out of memory") : KERR_OK;
}

/* Sends rows [flushed, y) as GS v 0 bands. */
static int flush(ctx *c) {
  if (prn_bitmap_grow(c->bm, c->y))
    return kerr_set(c->msg, KERR_NOMEM, "out of memory");
  if (c->y <= c->flushed)
    return KERR_OK;
  uint8_t *bits = NULL;
  int stride = 0;
  int rc = prn_bitmap_pack(c->bm, c->flushed, c->y, &bits, &stride);
  if (rc)
    return kerr_set(c->msg, rc, "raster: out of memory");
  rc = prn_escpos_raster(c->e, bits, c->width, c->y - c->flushed, stride);
  free(bits);
  c->flushed = c->y;
  return rc ? kerr_set(c->msg, rc, "escpos: %s", kerr_str(rc)) : KERR_OK;
}

int prn_raster_render(prn_raster *r, const prn_doc *d, int width, prn_escpos *e,
                      prn_bitmap **image_out, char *msg) {
  if (width != 576 && width != 512 && width != 384)
    return kerr_set(msg, KERR_INVALID, "paper width %d dots: use 576, 512 or 384", width);
  ctx c = {.r = r, .e = e, .width = width, .margin = 8, .narrow = width < 500, .y = 8,
           .msg = msg};
  int rc = prn_bitmap_new(width, &c.bm);
  if (rc)
    return kerr_set(msg, rc, "out of memory");
  prn_escpos_init(e);
  for (int i = 0; rc == KERR_OK && i < prn_doc_count(d); i++) {
    const prn_block *b = prn_doc_block(d, i);
    switch (b->kind) {
    case PRN_BLK_TEXT:
      rc = do_text(&c, b);
      break;
    case PRN_BLK_KV:
      rc = do_kv(&c, b);
      break;
    case PRN_BLK_BANNER:
      rc = do_banner(&c, b);
      break;
    case PRN_BLK_QR:
      rc = do_qr(&c, b);
      break;
    case PRN_BLK_RULE:
      rc = do_rule(&c);
      break;
    case PRN_BLK_FEED:
      c.y += b->num;
      break;
    case PRN_BLK_IMAGE:
      rc = do_image(&c, b);
      break;
    case PRN_BLK_CODE128:
      rc = flush(&c);
      if (!rc) {
        prn_escpos_align(e, PRN_ALIGN_CENTER);
        prn_escpos_code128(e, b->a, 80, width < 500 ? 2 : 3);
        prn_escpos_feed_lines(e, 1);
        rc = prn_escpos_align(e, PRN_ALIGN_LEFT);
      }
      break;
    }
  }
  if (!rc)
    rc = flush(&c);
  if (!rc)
    rc = prn_escpos_cut(e, prn_escpos_cut_feed(width));
  if (!rc && prn_escpos_status(e))
    rc = kerr_set(msg, prn_escpos_status(e), "escpos: %s", kerr_str(prn_escpos_status(e)));
  if (!rc && image_out)
    *image_out = c.bm;
  else
    prn_bitmap_free(c.bm);
  return rc;
}
