#include "scan_prep.h"

#include <string.h>

static uint8_t clamp255(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

void scan_prep_half(const uint8_t *src, int w, int h, uint8_t *dst) {
  int hw = w / 2, hh = h / 2, x, y;
  for (y = 0; y < hh; y++) {
    const uint8_t *a = src + (size_t)(2 * y) * (size_t)w, *b = a + w;
    uint8_t *d = dst + (size_t)y * (size_t)hw;
    for (x = 0; x < hw; x++)
      d[x] = (uint8_t)((a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1] + 2) >> 2);
  }
}

void scan_prep_invert(const uint8_t *src, int w, int h, uint8_t *dst) {
  size_t i, n = (size_t)w * (size_t)h;
  for (i = 0; i < n; i++) dst[i] = (uint8_t)(255 - src[i]);
}

void scan_prep_stretch(const uint8_t *src, int w, int h, int tile,
                       int min_range, uint8_t *tmp, uint8_t *dst) {
  int tw = (w + tile - 1) / tile, th = (h + tile - 1) / tile, tx, ty, x, y;
  uint8_t *tmin = tmp, *tmax = tmp + (size_t)tw * (size_t)th;

  memset(tmin, 255, (size_t)tw * (size_t)th);
  memset(tmax, 0, (size_t)tw * (size_t)th);
  for (y = 0; y < h; y++) {
    const uint8_t *row = src + (size_t)y * (size_t)w;
    uint8_t *mn = tmin + (size_t)(y / tile) * (size_t)tw;
    uint8_t *mx = tmax + (size_t)(y / tile) * (size_t)tw;
    for (x = 0; x < w; x++) {
      int t = x / tile;
      if (row[x] < mn[t]) mn[t] = row[x];
      if (row[x] > mx[t]) mx[t] = row[x];
    }
  }
  for (ty = 0; ty < th; ty++) {
    for (tx = 0; tx < tw; tx++) {
      int lo = 255, hi = 0, i, j, range, y0 = ty * tile, x0 = tx * tile;
      int y1 = y0 + tile < h ? y0 + tile : h, x1 = x0 + tile < w ? x0 + tile : w;
      /* The 3x3 neighbourhood, so a module cut by a tile edge sees the same
       * black and white as its neighbours and seams do not form. */
      for (j = ty - 1; j <= ty + 1; j++)
        for (i = tx - 1; i <= tx + 1; i++) {
          size_t k;
          if (i < 0 || j < 0 || i >= tw || j >= th) continue;
          k = (size_t)j * (size_t)tw + (size_t)i;
          if (tmin[k] < lo) lo = tmin[k];
          if (tmax[k] > hi) hi = tmax[k];
        }
      range = hi - lo;
      for (y = y0; y < y1; y++) {
        const uint8_t *s = src + (size_t)y * (size_t)w;
        uint8_t *d = dst + (size_t)y * (size_t)w;
        if (range < min_range) {
          memset(d + x0, 128, (size_t)(x1 - x0));
          continue;
        }
        for (x = x0; x < x1; x++) d[x] = (uint8_t)((s[x] - lo) * 255 / range);
      }
    }
  }
}

void scan_prep_sharpen(const uint8_t *src, int w, int h, int amount,
                       uint8_t *dst) {
  int x, y;
  for (y = 0; y < h; y++) {
    const uint8_t *r = src + (size_t)y * (size_t)w;
    const uint8_t *u = y > 0 ? r - w : r, *dn = y < h - 1 ? r + w : r;
    uint8_t *d = dst + (size_t)y * (size_t)w;
    for (x = 0; x < w; x++) {
      int l = x > 0 ? x - 1 : x, rr = x < w - 1 ? x + 1 : x;
      int sum = u[l] + u[x] + u[rr] + r[l] + r[x] + r[rr] + dn[l] + dn[x] + dn[rr];
      int v = r[x] + amount * (9 * r[x] - sum) / 36;
      d[x] = clamp255(v);
    }
  }
}
