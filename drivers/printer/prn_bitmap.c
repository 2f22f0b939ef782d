#include "prn_bitmap.h"

#include <SDL.h>
#include <SDL_image.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Ink (darkness, transparent = paper) of an ABGR8888 pixel, 0..255. */
static int ink_of(const uint8_t *p) {
  int lum = (p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000;
  return (255 - lum) * p[3] / 255;
}

/* Scales the ink of src to w x h by averaging every source pixel under each
 * target dot. SDL_BlitScaled picks the nearest pixel instead, which drops
 * or doubles thin strokes of a logo at 2.25:1 (288 px onto 128 dots); the
 * averaged grey edges are what the dither then turns into a smooth outline. */
static void area_scale(const SDL_Surface *src, int w, int h, uint8_t *out) {
  for (int y = 0; y < h; y++) {
    int y0 = (int)((long)y * src->h / h), y1 = (int)((long)(y + 1) * src->h / h);
    if (y1 <= y0)
      y1 = y0 + 1;
    for (int x = 0; x < w; x++) {
      int x0 = (int)((long)x * src->w / w), x1 = (int)((long)(x + 1) * src->w / w);
      if (x1 <= x0)
        x1 = x0 + 1;
      long sum = 0;
      for (int sy = y0; sy < y1; sy++) {
        const uint8_t *row = (const uint8_t *)src->pixels + (size_t)sy * (size_t)src->pitch;
        for (int sx = x0; sx < x1; sx++)
          sum += ink_of(row + 4 * sx);
      }
      out[(size_t)y * (size_t)w + (size_t)x] =
          (uint8_t)(sum / ((long)(y1 - y0) * (x1 - x0)));
    }
  }
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
  uint8_t *ink = malloc((size_t)w * (size_t)h);
  if (ink)
    area_scale(rgba, w, h, ink);
  SDL_FreeSurface(rgba);
  /* Floyd–Steinberg on ink in 1/16ths. */
  int *err = ink ? calloc((size_t)(w + 2) * 2, sizeof *err) : NULL;
  int rc = err ? prn_bitmap_grow(b, y + h) : KERR_NOMEM;
  for (int r = 0; rc == KERR_OK && r < h; r++) {
    int *cur = err + (r & 1) * (w + 2) + 1, *nxt = err + ((r + 1) & 1) * (w + 2) + 1;
    memset(nxt - 1, 0, (size_t)(w + 2) * sizeof *nxt);
    const uint8_t *s = ink + (size_t)r * (size_t)w;
    uint8_t *dst = b->px + (size_t)(y + r) * (size_t)b->w;
    for (int c = 0; c < w; c++) {
      int v = s[c] + cur[c] / 16;
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
  free(ink);
  if (rc == KERR_OK && h_out)
    *h_out = h;
  return rc ? kerr_set(msg, rc, "image: out of memory") : KERR_OK;
}

/* The last image loaded, dithered: every slip carries the same logo, and
 * decoding and dithering the PNG again costs more than laying out the rest
 * of a text-mode slip. Keyed on path, width, size and mtime, so a replaced
 * file is read again; the mutex makes it safe for printer threads. */
static struct {
  pthread_mutex_t mu;
  char path[1024];
  int w;
  off_t size;
  struct timespec mtime;
  prn_bitmap *img;
} cache = {PTHREAD_MUTEX_INITIALIZER, "", 0, 0, {0, 0}, NULL};

static int copy_of(const prn_bitmap *src, prn_bitmap **out) {
  prn_bitmap *b = NULL;
  int rc = prn_bitmap_new(src->w, &b);
  if (!rc)
    rc = prn_bitmap_grow(b, src->h);
  if (rc) {
    prn_bitmap_free(b);
    return rc;
  }
  memcpy(b->px, src->px, (size_t)src->w * (size_t)src->h);
  *out = b;
  return KERR_OK;
}

static int same_file(const char *path, int w, const struct stat *st) {
  return cache.img && cache.w == w && strcmp(cache.path, path) == 0 &&
         cache.size == st->st_size && cache.mtime.tv_sec == st->st_mtim.tv_sec &&
         cache.mtime.tv_nsec == st->st_mtim.tv_nsec;
}

int prn_bitmap_load_image(const char *path, int w, prn_bitmap **out, char *msg) {
  struct stat st;
  if (stat(path, &st) != 0)
    return kerr_set(msg, KERR_CONFIG, "image %s: %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode)) /* a device or FIFO could block the printer thread */
    return kerr_set(msg, KERR_CONFIG, "image %s: not a regular file", path);
  pthread_mutex_lock(&cache.mu);
  int rc = same_file(path, w, &st) ? copy_of(cache.img, out) : KERR_NOT_FOUND;
  pthread_mutex_unlock(&cache.mu);
  if (rc != KERR_NOT_FOUND)
    return rc ? kerr_set(msg, rc, "image %s: out of memory", path) : KERR_OK;

  SDL_Surface *img = IMG_Load(path);
  if (!img)
    return kerr_set(msg, KERR_CONFIG, "image %s: %s", path, IMG_GetError());
  prn_bitmap *b = NULL;
  rc = prn_bitmap_new(w, &b);
  if (rc)
    rc = kerr_set(msg, rc, "image %s: %d dots wide", path, w);
  else
    rc = prn_bitmap_put_image(b, 0, 0, img, w, NULL, msg);
  SDL_FreeSurface(img);
  prn_bitmap *keep = NULL;
  if (!rc && strlen(path) < sizeof cache.path && copy_of(b, &keep) == KERR_OK) {
    pthread_mutex_lock(&cache.mu);
    prn_bitmap_free(cache.img);
    memcpy(cache.path, path, strlen(path) + 1);
    cache.w = w;
    cache.size = st.st_size;
    cache.mtime = st.st_mtim;
    cache.img = keep;
    pthread_mutex_unlock(&cache.mu);
  }
  if (rc) {
    prn_bitmap_free(b);
    return rc;
  }
  *out = b;
  return KERR_OK;
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
