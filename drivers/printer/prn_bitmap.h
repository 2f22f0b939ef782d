/*
 * prn_bitmap: the paper as pixels, for raster mode.
 *
 * Contract: a prn_bitmap is a fixed-width canvas of ink values (0 = paper,
 * 255 = black) whose height grows as the layout goes down the slip; rows past
 * the end are blank. prn_bitmap_pack() thresholds it at half ink into the
 * 1-bit rows GS v 0 takes (MSB = leftmost dot, 1 = black). Photos and logos
 * go in through prn_bitmap_put_image(), which Floyd–Steinberg dithers them
 * to 0/255 so the threshold keeps their grey levels as dot density.
 * prn_bitmap_save_png() writes 1-bit rows as a black-on-white PNG.
 */
#ifndef PRN_BITMAP_H
#define PRN_BITMAP_H

#include <stddef.h>
#include <stdint.h>

#include "kerr.h"

typedef struct prn_bitmap prn_bitmap;
struct SDL_Surface;

int prn_bitmap_new(int width, prn_bitmap **out);
void prn_bitmap_free(prn_bitmap *b);
int prn_bitmap_width(const prn_bitmap *b);
int prn_bitmap_height(const prn_bitmap *b);
/* Makes rows [0, height) addressable; returns KERR_NOMEM on failure. */
int prn_bitmap_grow(prn_bitmap *b, int height);
/* Row y (grown first); NULL when y < 0 or growing fails. */
uint8_t *prn_bitmap_row(prn_bitmap *b, int y);
/* Clipped to the canvas; grows it downwards as needed. */
int prn_bitmap_fill(prn_bitmap *b, int x, int y, int w, int h, uint8_t ink);
/* Max-blends an 8-bit coverage mask (pitch bytes a row) at x, y; with
 * invert set, the mask is cut out of what is there (white text on black). */
int prn_bitmap_blend(prn_bitmap *b, int x, int y, const uint8_t *mask, int w, int h,
                     int pitch, int invert);
/* Scales any SDL surface to w dots wide (keeping the aspect ratio, each dot
 * the average of the pixels under it), dithers it and places it at x, y.
 * Sets *h_out to the height used. */
int prn_bitmap_put_image(prn_bitmap *b, int x, int y, struct SDL_Surface *img, int w,
                         int *h_out, char *msg);
/* An image file (PNG, anything SDL_image reads) as a new bitmap exactly w
 * dots wide, dithered as above; KERR_CONFIG names the file when it does not
 * load. The last one loaded is kept (per path and width, read again when
 * the file's size or mtime changes), so the logo on every slip costs a copy
 * rather than a PNG decode and a dither; safe to call from several threads. */
int prn_bitmap_load_image(const char *path, int w, prn_bitmap **out, char *msg);
/* Rows [y0, y1) as 1-bit, stride = ceil(width/8); the caller frees. */
int prn_bitmap_pack(const prn_bitmap *b, int y0, int y1, uint8_t **bits, int *stride);
int prn_bitmap_save_png(const uint8_t *bits, int width, int height, int stride,
                        const char *path, char *msg);

#endif
