#include "prn_bitmap.h"

#include <SDL.h>
#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>

struct prn_bitmap {
  int w, h, cap;
  uint8_t *px;
};

int prn_bitmap_new(int width, prn_bitmap **out) {
  if (width <= 0 || width > 4096)
    return KERR_INVALID;
  prn_bitmap *b = calloc(1, sizeof *b);
  if (!b)
    return KERR_NOMEM;
  b->w = width;
  *out = b;
  return KERR_OK;
}

void prn_bitmap_free(prn_bitmap *b) {
  if (!b)
    return;
  free(b->px);
  free(b);
}

int prn_bitmap_width(const prn_bitmap *b) { return b->w; }
int prn_bitmap_height(const prn_bitmap *b) { return b->h; }

int prn_bitmap_grow(prn_bitmap *b, int height) {
  if (height <= b->h)
    return KERR_OK;
  if (height > 100000)
    return KERR_INVALID;
  if (height > b->cap) {
    int cap = b->cap ? b->cap : 512;
    while (cap < height)
      cap *= 2;
    uint8_t *np = realloc(b->px, (size_t)cap * (size_t)b->w);
    if (!np)
      return KERR_NOMEM;
    b->px = np;
    b->cap = cap;
  }
  memset(b->px + (size_t)b->h * (size_t)b->w, 0, (size_t)(height - b->h) * (size_t)b->w);
  b->h = height;
  return KERR_OK;
}

uint8_t *prn_bitmap_row(prn_bitmap *b, int y) {
  if (y < 0 || prn_bitmap_grow(b, y + 1))
    return NULL;
  return b->px + (size_t)y * (size_t)b->w;
}

int prn_bitmap_fill(prn_bitmap *b, int x, int y, int w, int h, uint8_t ink) {
  if (x < 0) {
    w += x;
    x = 0;
  }
  if (x + w > b->w)
    w = b->w - x;
  if (w <= 0 || h <= 0 || y < 0)
    return KERR_OK;
  int rc = prn_bitmap_grow(b, y + h);
  if (rc)
    return rc;
  for (int r = 0; r < h; r++)
    memset(b->px + (size_t)(y + r) * (size_t)b->w + x, ink, (size_t)w);
  return KERR_OK;
}

int prn_bitmap_blend(prn_bitmap *b, int x, int y, const uint8_t *mask, int w, int h,
                     int pitch, int invert) {
  if (h <= 0 || y + h <= 0)
    return KERR_OK;
  int rc = prn_bitmap_grow(b, y + h);
  if (rc)
    return rc;
  for (int r = y < 0 ? -y : 0; r < h; r++) {
    uint8_t *dst = b->px + (size_t)(y + r) * (size_t)b->w;
    const uint8_t *src = mask + (size_t)r * (size_t)pitch;
    for (int c = 0; c < w; c++) {
      int dx = x + c;
      if (dx < 0 || dx >= b->w)
        continue;
      uint8_t v = src[c];
      if (invert) {
        uint8_t keep = (uint8_t)(255 - v);
        if (keep < dst[dx])
          dst[dx] = keep;
      } else if (v > dst[dx]) {
        dst[dx] = v;
      }
    }
  }
  return KERR_OK;
}

int prn_bitmap_put_image(prn_bitmap *b, int x, int y, SDL_Surface *img, int w, int *h_out,
                         char *msg) {
  if (!img || w <= 0 || img->w <= 0 || img->h <= 0)
    return kerr_set(msg, KERR_INVALID, "empty image");
  int h = (int)((long)img->h * w / img->w);
  if (h < 1)
    h = 1;
  SDL_Surface *rgba = SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_ABGR8888, 0);
  if (!rgba)
    return kerr_set(msg, KERR_NOMEM, "image convert: %s", SDL_GetError());
  SDL_Surface *sc = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ABGR8888);
  if (!sc) {
    SDL_FreeSurface(rgba);
    return kerr_set(msg, KERR_NOMEM, "image scale: %s", SDL_GetError());
  }
  SDL_SetSurfaceBlendMode(rgba, SDL_BLENDMODE_NONE);
  SDL_BlitScaled(rgba, NULL, sc, NULL);
  SDL_FreeSurface(rgba);
  /* Floyd–Steinberg on ink (darkness, transparent = paper) in 1/16ths. */
  int *err = calloc((size_t)(w + 2) * 2, sizeof *err);
  int rc = err ? prn_bitmap_grow(b, y + h) : KERR_NOMEM;
  for (int r = 0; rc == KERR_OK && r < h; r++) {
    int *cur = err + (r & 1) * (w + 2) + 1, *nxt = err + ((r + 1) & 1) * (w + 2) + 1;
    memset(nxt - 1, 0, (size_t)(w + 2) * sizeof *nxt);
    const uint8_t *s = (const uint8_t *)sc->pixels + (size_t)r * (size_t)sc->pitch;
    uint8_t *dst = b->px + (size_t)(y + r) * (size_t)b->w;
    for (int c = 0; c < w; c++) {
      const uint8_t *p = s + 4 * c;
      int lum = (p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000;
      int ink = (255 - lum) * p[3] / 255;
      int v = ink + cur[c] / 16;
      int out = v >= 128 ? 255 : 0;
      int e = v - out;
      cur[c + 1] += e * 7;
      nxt[c - 1] += e * 3;
      nxt[c] += e * 5;
      nxt[c + 1] += e;
      if (x + c >= 0 && x + c < b->w && out > dst[x + c])
        dst[x + c] = (uint8_t)out;
    }
  }
  free(err);
  SDL_FreeSurface(sc);
  if (rc == KERR_OK && h_out)
    *h_out = h;
  return rc ? kerr_set(msg, rc, "image: out of memory") : KERR_OK;
}

int prn_bitmap_pack(const prn_bitmap *b, int y0, int y1, uint8_t **bits, int *stride) {
  int st = (b->w + 7) / 8;
  if (y0 < 0 || y1 > b->h || y1 < y0)
    return KERR_INVALID;
  uint8_t *out = calloc((size_t)(y1 - y0) * (size_t)st + 1, 1);
  if (!out)
    return KERR_NOMEM;
  for (int y = y0; y < y1; y++) {
    const uint8_t *src = b->px + (size_t)y * (size_t)b->w;
    uint8_t *dst = out + (size_t)(y - y0) * (size_t)st;
    for (int x = 0; x < b->w; x++)
      if (src[x] >= 128)
        dst[x >> 3] |= (uint8_t)(0x80 >> (x & 7));
  }
  *bits = out;
  *stride = st;
  return KERR_OK;
}

int prn_bitmap_save_png(const uint8_t *bits, int width, int height, int stride,
                        const char *path, char *msg) {
  if (width <= 0 || height <= 0)
    return kerr_set(msg, KERR_INVALID, "empty raster");
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, width, height, 24, SDL_PIXELFORMAT_RGB24);
  if (!s)
    return kerr_set(msg, KERR_NOMEM, "png surface: %s", SDL_GetError());
  for (int y = 0; y < height; y++) {
    uint8_t *d = (uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch;
    const uint8_t *r = bits + (size_t)y * (size_t)stride;
    for (int x = 0; x < width; x++) {
      uint8_t v = (r[x >> 3] & (0x80 >> (x & 7))) ? 0 : 255;
      d[3 * x] = d[3 * x + 1] = d[3 * x + 2] = v;
    }
  }
  int rc = IMG_SavePNG(s, path);
  SDL_FreeSurface(s);
  if (rc != 0)
    return kerr_set(msg, KERR_IO, "write %s: %s", path, SDL_GetError());
  return KERR_OK;
}
