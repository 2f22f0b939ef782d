/*
 * draw: the shapes the kiosk is made of: rounded rectangles with smooth
 * (anti-aliased) corners, gradient cards, soft shadows, vertical gradients.
 *
 * The software renderer has no anti-aliasing, so smooth edges come from
 * small textures computed once and cached: a corner quadrant per radius
 * (tinted with colour modulation) and a whole texture per gradient card size.
 * No shape is ever copied scaled or flipped while drawing: the software
 * renderer does those per pixel through slow generic paths.
 * Contract: every draw call is for the UI thread; the cache holds at most
 * DRAW_CACHE entries and frees the least recently used one; draw_free()
 * releases every texture.
 */
#ifndef DRAW_H
#define DRAW_H

#include <SDL.h>

#include "kerr.h"

#define DRAW_CACHE 64
/* Picture tiles (draw_picture) kept at most; the oldest goes first. */
#define DRAW_TILES 12

typedef struct draw draw;

int draw_new(SDL_Renderer *ren, draw **out, char *msg);
void draw_free(draw *d);

void draw_fill(draw *d, SDL_Rect r, SDL_Color c);
void draw_rrect(draw *d, SDL_Rect r, int radius, SDL_Color c);
/* A ring outline of thickness t around r (inside it). */
void draw_rrect_outline(draw *d, SDL_Rect r, int radius, int t, SDL_Color c);
/* Diagonal gradient with two soft light circles: the membership card look. */
void draw_card(draw *d, SDL_Rect r, int radius, SDL_Color from, SDL_Color to);
void draw_shadow(draw *d, SDL_Rect r, int radius, int spread, Uint8 alpha);
/* The same shadow for a rounded rect the caller then fills opaquely: what
 * that fill covers is not blended (a frame's worth of cards scrolls faster). */
void draw_shadow_opaque(draw *d, SDL_Rect r, int radius, int spread,
                        Uint8 alpha);
void draw_vgrad(draw *d, SDL_Rect r, SDL_Color top, SDL_Color bottom);
typedef struct {
  int x, y, r;
  SDL_Color c; /* alpha = strength */
} draw_glow;
/* The whole window: a vertical gradient with soft circular glows. */
void draw_backdrop(draw *d, int w, int h, SDL_Color top, SDL_Color bottom,
                   const draw_glow *glows, int nglows);
void draw_circle(draw *d, int cx, int cy, int radius, SDL_Color c);
/* A picture (pw by ph) fitted whole and centred in r, on a rounded tile of
 * bg where it leaves room, the corners showing under (the colour behind
 * the tile). Composed once per picture, size and colours into an opaque
 * texture (at most DRAW_TILES of them), then copied as it is each frame. */
void draw_picture(draw *d, SDL_Texture *pic, const char *name, int pw, int ph,
                  SDL_Color bg, SDL_Color under, SDL_Rect r, int radius);
/* Drops the tiles made from pic (before pic is destroyed, or to free them). */
void draw_forget_picture(draw *d, const void *pic);
/* Bytes of pixels the cache holds now (for the bench and tests). */
size_t draw_cache_bytes(const draw *d);

#endif
