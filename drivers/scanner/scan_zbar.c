#include "scan_zbar.h"

#include <stdlib.h>
#include <string.h>
#include <zbar.h>

#include "kerr.h"
#include "scan_prep.h"
#include "scan_roi.h"

/* Default cascade, from bench_scan on the corpus: the regions scan_roi
 * proposes, cut at full resolution, read everything plain zbar reads on the
 * whole frame at a quarter of the time with a code and a fortieth without
 * one; stretch adds low contrast and glare, stretch-invert dark mode, sharpen
 * some blur. The half frame last catches a code too big for a region (held
 * right at the lens) for about 7 ms more on a frame without any code. */
static const scan_zbar_pass default_passes[] = {
    {SCAN_ZBAR_ROI, SCAN_ZBAR_PLAIN, 1},
    {SCAN_ZBAR_ROI, SCAN_ZBAR_STRETCH, 1},
    {SCAN_ZBAR_ROI, SCAN_ZBAR_STRETCH_INVERT, 1},
    {SCAN_ZBAR_ROI, SCAN_ZBAR_SHARPEN, 1},
    {SCAN_ZBAR_HALF, SCAN_ZBAR_PLAIN, 1},
};

#define MAX_ROIS 2
#define BIG_FRAME (640 * 480)

#define STRETCH_TILE 16
#define STRETCH_MIN_RANGE 12
#define SHARPEN_AMOUNT 8

struct scan_zbar {
  zbar_image_scanner_t *scanner;
  int renew, reads; /* renew the scanner after `renew` reads; reads so far */
  scan_zbar_pass passes[SCAN_ZBAR_MAX_PASSES];
  int npasses, last_pass, density;
  uint8_t *buf; /* a contiguous copy when the caller's stride has padding */
  uint8_t *half, *work, *tmp, *crop;
  void *roi_scratch;
  size_t bufcap, workcap, roicap;
};

/* A zbar image scanner with only QR enabled, in binary mode. */
static int new_scanner(zbar_image_scanner_t **out) {
  zbar_image_scanner_t *sc = zbar_image_scanner_create();
  if (!sc) return KERR_NOMEM;
  /* Every symbology is on by default and each one costs time on every scan
   * line; a kiosk only ever reads QR. */
  if (zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0) ||
      zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1) ||
      zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1)) {
    zbar_image_scanner_destroy(sc);
    return KERR_UNSUPPORTED;
  }
  *out = sc;
  return KERR_OK;
}

int scan_zbar_new(scan_zbar **out, char *msg) {
  scan_zbar *dec;
  int rc;
  if (!out) return kerr_set(msg, KERR_INVALID, "scan_zbar: NULL argument");
  dec = calloc(1, sizeof *dec);
  if (!dec) return kerr_set(msg, KERR_NOMEM, "scan_zbar: out of memory");
  rc = new_scanner(&dec->scanner);
  if (rc != KERR_OK) {
    free(dec);
    return kerr_set(msg, rc, rc == KERR_NOMEM
                                 ? "zbar_image_scanner_create failed"
                                 : "zbar refused the QR-only config");
  }
  memcpy(dec->passes, default_passes, sizeof default_passes);
  dec->npasses = (int)(sizeof default_passes / sizeof default_passes[0]);
  dec->last_pass = -1;
  dec->density = 1;
  dec->renew = SCAN_ZBAR_RENEW_READS;
  *out = dec;
  return KERR_OK;
}

int scan_zbar_set_renew(scan_zbar *dec, int reads, char *msg) {
  if (!dec || reads < 0)
    return kerr_set(msg, KERR_INVALID, "scan_zbar: renew after reads >= 0");
  dec->renew = reads;
  dec->reads = 0;
  return KERR_OK;
}

/* Swaps in a fresh scanner (issue 258); keeps the old one if that fails. */
static void renew_scanner(scan_zbar *dec) {
  zbar_image_scanner_t *sc = NULL;
  dec->reads = 0;
  if (new_scanner(&sc) != KERR_OK) return;
  zbar_image_scanner_destroy(dec->scanner);
  dec->scanner = sc;
  dec->density = 1; /* zbar's default; the next pass sets its own */
}

int scan_zbar_set_passes(scan_zbar *dec, const scan_zbar_pass *passes, int n,
                         char *msg) {
  int i;
  if (!dec || !passes || n < 1 || n > SCAN_ZBAR_MAX_PASSES)
    return kerr_set(msg, KERR_INVALID, "scan_zbar: 1..%d passes",
                    SCAN_ZBAR_MAX_PASSES);
  for (i = 0; i < n; i++)
    if (passes[i].where > SCAN_ZBAR_ROI || passes[i].op > SCAN_ZBAR_SHARPEN ||
        passes[i].density < 1 ||
        passes[i].density > 8)
      return kerr_set(msg, KERR_INVALID, "scan_zbar: pass %d is not valid", i);
  memcpy(dec->passes, passes, sizeof *passes * (size_t)n);
  dec->npasses = n;
  return KERR_OK;
}

int scan_zbar_last_pass(const scan_zbar *dec) { return dec ? dec->last_pass : -1; }

void scan_zbar_free(scan_zbar *dec) {
  if (!dec) return;
  zbar_image_scanner_destroy(dec->scanner);
  free(dec->buf);
  free(dec->half);
  free(dec->work);
  free(dec->tmp);
  free(dec->crop);
  free(dec->roi_scratch);
  free(dec);
}

static int ensure_buf(scan_zbar *dec, size_t n) {
  uint8_t *p;
  if (dec->bufcap >= n) return 0;
  p = realloc(dec->buf, n);
  if (!p) return -1;
  dec->buf = p;
  dec->bufcap = n;
  return 0;
}

/* One zbar pass over a contiguous w*h grey buffer. */
static int zbar_pass(scan_zbar *dec, const uint8_t *grey, int w, int h,
                     char *payload, size_t cap, size_t *payload_len,
                     char *msg) {
  zbar_image_t *img = zbar_image_create();
  const zbar_symbol_t *sym;
  int n, found = 0;

  if (!img) return kerr_set(msg, KERR_NOMEM, "zbar_image_create failed");
  zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(img, (unsigned)w, (unsigned)h);
  /* No cleanup handler: zbar only reads the pixels during zbar_scan_image
   * and the image is destroyed before we return, so the caller's buffer is
   * never kept. */
  zbar_image_set_data(img, grey, (unsigned long)w * (unsigned long)h, NULL);
  n = zbar_scan_image(dec->scanner, img);
  if (n < 0) {
    zbar_image_destroy(img);
    return kerr_set(msg, KERR_DEVICE, "zbar_scan_image failed");
  }
  for (sym = zbar_image_first_symbol(img); sym && !found;
       sym = zbar_symbol_next(sym)) {
    const char *data;
    size_t len, copy;
    if (zbar_symbol_get_type(sym) != ZBAR_QRCODE) continue;
    data = zbar_symbol_get_data(sym);
    len = zbar_symbol_get_data_length(sym);
    copy = len < cap - 1 ? len : cap - 1;
    memcpy(payload, data, copy);
    payload[copy] = '\0';
    if (payload_len) *payload_len = len;
    found = 1;
  }
  zbar_image_destroy(img);
  return found;
}

/* Scratch for the largest frame seen so far; frames rarely change size. */
static int ensure_work(scan_zbar *dec, size_t n, int w0, int h0) {
  uint8_t *h, *w, *t, *c;
  size_t need = scan_roi_scratch_size(w0, h0);
  if (need > dec->roicap) {
    void *r = realloc(dec->roi_scratch, need);
    if (!r) return -1;
    dec->roi_scratch = r;
    dec->roicap = need;
  }
  if (dec->workcap >= n) return 0;
  c = realloc(dec->crop, n);
  if (c) dec->crop = c;
  h = realloc(dec->half, n / 4 + 1);
  if (h) dec->half = h;
  w = realloc(dec->work, n);
  if (w) dec->work = w;
  /* Tiles of the stretch: ceil(w/t)*ceil(h/t) <= n/t^2 + (w+h)/t + 1. */
  t = realloc(dec->tmp, 2 * (n / (STRETCH_TILE * STRETCH_TILE) +
                             (n + 1) / STRETCH_TILE + 2));
  if (t) dec->tmp = t;
  if (!h || !w || !t || !c) return -1;
  dec->workcap = n;
  return 0;
}

/* Applies op to a contiguous image; returns the buffer holding the result. */
static const uint8_t *transform(scan_zbar *dec, int op, const uint8_t *img,
                                int w, int h) {
  switch (op) {
  case SCAN_ZBAR_INVERT:
    scan_prep_invert(img, w, h, dec->work);
    return dec->work;
  case SCAN_ZBAR_STRETCH:
  case SCAN_ZBAR_STRETCH_INVERT:
    scan_prep_stretch(img, w, h, STRETCH_TILE, STRETCH_MIN_RANGE, dec->tmp,
                      dec->work);
    if (op == SCAN_ZBAR_STRETCH_INVERT)
      scan_prep_invert(dec->work, w, h, dec->work);
    return dec->work;
  case SCAN_ZBAR_SHARPEN:
    scan_prep_sharpen(img, w, h, SHARPEN_AMOUNT, dec->work);
    return dec->work;
  default: return img;
  }
}

int scan_zbar_decode(scan_zbar *dec, const uint8_t *grey, int w, int h,
                     int stride, char *payload, size_t cap,
                     size_t *payload_len, char *msg) {
  const uint8_t *src = grey;
  size_t n;
  int y, i, have_half = 0, nroi = -1, big;
  scan_roi rois[MAX_ROIS];

  if (!dec || !grey || !payload || cap == 0)
    return kerr_set(msg, KERR_INVALID, "scan_zbar_decode: NULL argument");
  if (w <= 0 || h <= 0 || stride < w)
    return kerr_set(msg, KERR_INVALID, "scan_zbar_decode: bad size %dx%d/%d",
                    w, h, stride);
  payload[0] = '\0';
  if (payload_len) *payload_len = 0;
  dec->last_pass = -1;
  n = (size_t)w * (size_t)h;
  if (stride != w) {
    if (ensure_buf(dec, n))
      return kerr_set(msg, KERR_NOMEM, "scan_zbar: %dx%d frame", w, h);
    for (y = 0; y < h; y++)
      memcpy(dec->buf + (size_t)y * (size_t)w,
             grey + (size_t)y * (size_t)stride, (size_t)w);
    src = dec->buf;
  }
  /* Up to VGA a frame is cheap enough to search and read at full
   * resolution, and halving a rendered code of 2-pixel modules (the demo, a
   * test) would make it unreadable. */
  big = n > BIG_FRAME;
  if (ensure_work(dec, n, w, h))
    return kerr_set(msg, KERR_NOMEM, "scan_zbar: %dx%d frame", w, h);
  for (i = 0; i < dec->npasses; i++) {
    const scan_zbar_pass *p = &dec->passes[i];
    int r, nr = 1, rc;
    if (p->where == SCAN_ZBAR_ROI && nroi < 0) {
      int k;
      if (!big) {
        nroi = scan_roi_find(src, w, h, rois, MAX_ROIS, dec->roi_scratch);
        k = nroi; /* already in full-resolution pixels */
      } else {
        if (!have_half) scan_prep_half(src, w, h, dec->half);
        have_half = 1;
        nroi = scan_roi_find(dec->half, w / 2, h / 2, rois, MAX_ROIS,
                             dec->roi_scratch);
        k = 0;
      }
      for (; k < nroi; k++) { /* back to full-resolution pixels */
        rois[k].x *= 2;
        rois[k].y *= 2;
        rois[k].w *= 2;
        rois[k].h *= 2;
      }
    }
    if (p->where == SCAN_ZBAR_ROI) nr = nroi;
    for (r = 0; r < nr; r++) {
      const uint8_t *img = src;
      int pw = w, ph = h;
      if (p->where == SCAN_ZBAR_HALF && big) {
        if (!have_half) scan_prep_half(src, w, h, dec->half);
        have_half = 1;
        img = dec->half;
        pw = w / 2;
        ph = h / 2;
      } else if (p->where == SCAN_ZBAR_ROI) {
        int yy;
        pw = rois[r].w;
        ph = rois[r].h;
        for (yy = 0; yy < ph; yy++)
          memcpy(dec->crop + (size_t)yy * (size_t)pw,
                 src + (size_t)(rois[r].y + yy) * (size_t)w + (size_t)rois[r].x,
                 (size_t)pw);
        img = dec->crop;
      }
      img = transform(dec, p->op, img, pw, ph);
      if (p->density != dec->density) {
        zbar_image_scanner_set_config(dec->scanner, 0, ZBAR_CFG_X_DENSITY,
                                      p->density);
        zbar_image_scanner_set_config(dec->scanner, 0, ZBAR_CFG_Y_DENSITY,
                                      p->density);
        dec->density = p->density;
      }
      rc = zbar_pass(dec, img, pw, ph, payload, cap, payload_len, msg);
      if (rc != 0) {
        if (rc > 0) {
          dec->last_pass = i;
          if (dec->renew > 0 && ++dec->reads >= dec->renew) renew_scanner(dec);
        }
        return rc;
      }
    }
  }
  return 0;
}
