#include "scan_img.h"

#include <SDL.h>
#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>

#include "kerr.h"

int scan_img_load_grey(const char *path, uint8_t **out_grey, int *out_w,
                       int *out_h, char *msg) {
  SDL_Surface *src, *rgba;
  uint8_t *grey;
  int x, y;

  if (!path || !out_grey || !out_w || !out_h)
    return kerr_set(msg, KERR_INVALID, "scan_img: NULL argument");
  src = IMG_Load(path);
  if (!src) return kerr_set(msg, KERR_IO, "%s: %s", path, IMG_GetError());
  /* One pixel layout for every input format, so the luma loop below is the
   * only conversion there is. */
  rgba = SDL_ConvertSurfaceFormat(src, SDL_PIXELFORMAT_RGBA32, 0);
  SDL_FreeSurface(src);
  if (!rgba) return kerr_set(msg, KERR_IO, "%s: %s", path, SDL_GetError());
  if (rgba->w <= 0 || rgba->h <= 0) {
    SDL_FreeSurface(rgba);
    return kerr_set(msg, KERR_INVALID, "%s: empty image", path);
  }
  grey = malloc((size_t)rgba->w * (size_t)rgba->h);
  if (!grey) {
    SDL_FreeSurface(rgba);
    return kerr_set(msg, KERR_NOMEM, "%s: %d x %d image", path, rgba->w,
                    rgba->h);
  }
  for (y = 0; y < rgba->h; y++) {
    const uint8_t *row = (const uint8_t *)rgba->pixels + (size_t)y * (size_t)rgba->pitch;
    uint8_t *dst = grey + (size_t)y * (size_t)rgba->w;
    for (x = 0; x < rgba->w; x++) {
      const uint8_t *p = row + 4 * x;
      unsigned luma = (299u * p[0] + 587u * p[1] + 114u * p[2] + 500u) / 1000u;
      /* A transparent pixel is paper, not ink: composite on white, or a
       * PNG with an alpha-only background would read as a black square. */
      luma = (luma * p[3] + 255u * (255u - p[3]) + 127u) / 255u;
      dst[x] = (uint8_t)luma;
    }
  }
  *out_w = rgba->w;
  *out_h = rgba->h;
  *out_grey = grey;
  SDL_FreeSurface(rgba);
  return KERR_OK;
}

int scan_img_save_grey_png(const char *path, const uint8_t *grey, int w, int h,
                           char *msg) {
  SDL_Surface *s;
  int y, x, rc;

  if (!path || !grey || w <= 0 || h <= 0)
    return kerr_set(msg, KERR_INVALID, "scan_img: bad image to save");
  s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
  if (!s) return kerr_set(msg, KERR_NOMEM, "%s: %s", path, SDL_GetError());
  for (y = 0; y < h; y++) {
    uint8_t *row = (uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch;
    const uint8_t *srow = grey + (size_t)y * (size_t)w;
    for (x = 0; x < w; x++) memset(row + 3 * x, srow[x], 3);
  }
  rc = IMG_SavePNG(s, path);
  SDL_FreeSurface(s);
  if (rc != 0) return kerr_set(msg, KERR_IO, "%s: %s", path, IMG_GetError());
  return KERR_OK;
}
