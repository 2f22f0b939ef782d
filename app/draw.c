#include "draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int kind; /* 0 empty, 1 corner, 2 card */
  int w, h, radius;
  Uint32 from, to;
  SDL_Texture *tex;
  Uint64 used;
} slot;

struct draw {
  SDL_Renderer *ren;
  slot cache[DRAW_CACHE];
  Uint64 clock;
};

int draw_new(SDL_Renderer *ren, draw **out, char *msg) {
  draw *d = calloc(1, sizeof *d);
  if (!d) return kerr_set(msg, KERR_NOMEM, "out of memory");
  d->ren = ren;
  *out = d;
  return KERR_OK;
}

void draw_free(draw *d) {
  if (!d) return;
  for (int i = 0; i < DRAW_CACHE; i++)
    if (d->cache[i].tex) SDL_DestroyTexture(d->cache[i].tex);
  free(d);
}

static Uint32 pack(SDL_Color c) {
  return (Uint32)c.r << 24 | (Uint32)c.g << 16 | (Uint32)c.b << 8 | c.a;
}

static slot *lookup(draw *d, int kind, int w, int h, int radius, Uint32 from,
                    Uint32 to) {
  slot *victim = &d->cache[0];
  d->clock++;
  for (int i = 0; i < DRAW_CACHE; i++) {
    slot *s = &d->cache[i];
    if (s->kind == kind && s->w == w && s->h == h && s->radius == radius &&
        s->from == from && s->to == to) {
      s->used = d->clock;
      return s;
    }
    if (!s->kind || s->used < victim->used) victim = s;
  }
  if (victim->tex) SDL_DestroyTexture(victim->tex);
  memset(victim, 0, sizeof *victim);
  victim->kind = kind;
  victim->w = w;
  victim->h = h;
  victim->radius = radius;
  victim->from = from;
  victim->to = to;
  victim->used = d->clock;
  return victim;
}

/* How much of the pixel (px, py) lies inside a circle of radius r centred at
 * (cx, cy): a one-pixel ramp across the edge, which reads as anti-aliased. */
static float coverage(float px, float py, float cx, float cy, float r) {
  float dx = px - cx, dy = py - cy;
  float c = r - sqrtf(dx * dx + dy * dy) + 0.5f;
  return c < 0 ? 0 : c > 1 ? 1 : c;
}

static SDL_Texture *to_texture(draw *d, SDL_Surface *s) {
  SDL_Texture *t = SDL_CreateTextureFromSurface(d->ren, s);
  SDL_FreeSurface(s);
  if (t) SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
  return t;
}

static SDL_Texture *corner(draw *d, int r) {
  slot *s = lookup(d, 1, r, r, r, 0, 0);
  if (s->tex) return s->tex;
  SDL_Surface *surf =
      SDL_CreateRGBSurfaceWithFormat(0, r, r, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!surf) return NULL;
  for (int y = 0; y < r; y++) {
    Uint32 *row = (Uint32 *)(void *)((Uint8 *)surf->pixels + y * surf->pitch);
    for (int x = 0; x < r; x++) {
      float a = coverage(x + 0.5f, y + 0.5f, (float)r, (float)r, (float)r);
      row[x] = (Uint32)(a * 255.0f + 0.5f) << 24 | 0xFFFFFF;
    }
  }
  s->tex = to_texture(d, surf);
  return s->tex;
}

void draw_fill(draw *d, SDL_Rect r, SDL_Color c) {
  /* The software renderer blends every pixel of a BLEND fill even at alpha
   * 255; an opaque fill as a plain copy gives the same pixels for less. The
   * renderer is left blending: untextured geometry (gradients) uses it. */
  SDL_SetRenderDrawBlendMode(d->ren, c.a == 255 ? SDL_BLENDMODE_NONE
                                                : SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(d->ren, c.r, c.g, c.b, c.a);
  SDL_RenderFillRect(d->ren, &r);
  if (c.a == 255) SDL_SetRenderDrawBlendMode(d->ren, SDL_BLENDMODE_BLEND);
}

void draw_rrect(draw *d, SDL_Rect r, int radius, SDL_Color c) {
  if (r.w <= 0 || r.h <= 0) return;
  if (radius * 2 > r.w) radius = r.w / 2;
  if (radius * 2 > r.h) radius = r.h / 2;
  if (radius < 1) {
    draw_fill(d, r, c);
    return;
  }
  SDL_Texture *t = corner(d, radius);
  if (t) {
    SDL_SetTextureColorMod(t, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(t, c.a);
    static const SDL_RendererFlip flips[4] = {
        SDL_FLIP_NONE, SDL_FLIP_HORIZONTAL, SDL_FLIP_VERTICAL,
        (SDL_RendererFlip)(SDL_FLIP_HORIZONTAL | SDL_FLIP_VERTICAL)};
    for (int i = 0; i < 4; i++) {
      SDL_Rect dst = {i & 1 ? r.x + r.w - radius : r.x,
                      i & 2 ? r.y + r.h - radius : r.y, radius, radius};
      SDL_RenderCopyEx(d->ren, t, NULL, &dst, 0, NULL, flips[i]);
    }
  }
  draw_fill(d, (SDL_Rect){r.x + radius, r.y, r.w - 2 * radius, r.h}, c);
  draw_fill(d, (SDL_Rect){r.x, r.y + radius, radius, r.h - 2 * radius}, c);
  draw_fill(d, (SDL_Rect){r.x + r.w - radius, r.y + radius, radius,
                          r.h - 2 * radius},
            c);
}

void draw_rrect_outline(draw *d, SDL_Rect r, int radius, int t, SDL_Color c) {
  /* Four bands plus the corners' rings, drawn as thin rounded strips so the
   * inside stays untouched (the caller's fill or gradient shows through). */
  int rad = radius > t ? radius : t;
  draw_fill(d, (SDL_Rect){r.x + rad, r.y, r.w - 2 * rad, t}, c);
  draw_fill(d, (SDL_Rect){r.x + rad, r.y + r.h - t, r.w - 2 * rad, t}, c);
  draw_fill(d, (SDL_Rect){r.x, r.y + rad, t, r.h - 2 * rad}, c);
  draw_fill(d, (SDL_Rect){r.x + r.w - t, r.y + rad, t, r.h - 2 * rad}, c);
  /* Corner arcs: sample a ring per corner pixel into a cached texture. */
  slot *s = lookup(d, 3, rad, rad, t, 0, 0);
  if (!s->tex) {
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, rad, rad, 32,
                                                       SDL_PIXELFORMAT_ARGB8888);
    if (!surf) return;
    for (int y = 0; y < rad; y++) {
      Uint32 *row = (Uint32 *)(void *)((Uint8 *)surf->pixels + y * surf->pitch);
      for (int x = 0; x < rad; x++) {
        float o = coverage(x + .5f, y + .5f, (float)rad, (float)rad, (float)rad);
        float i = coverage(x + .5f, y + .5f, (float)rad, (float)rad,
                           (float)(rad - t));
        float a = o - i;
        row[x] = (Uint32)(a * 255.0f + 0.5f) << 24 | 0xFFFFFF;
      }
    }
    s->tex = to_texture(d, surf);
    if (!s->tex) return;
  }
  SDL_SetTextureColorMod(s->tex, c.r, c.g, c.b);
  SDL_SetTextureAlphaMod(s->tex, c.a);
  static const SDL_RendererFlip flips[4] = {
      SDL_FLIP_NONE, SDL_FLIP_HORIZONTAL, SDL_FLIP_VERTICAL,
      (SDL_RendererFlip)(SDL_FLIP_HORIZONTAL | SDL_FLIP_VERTICAL)};
  for (int i = 0; i < 4; i++) {
    SDL_Rect dst = {i & 1 ? r.x + r.w - rad : r.x, i & 2 ? r.y + r.h - rad : r.y,
                    rad, rad};
    SDL_RenderCopyEx(d->ren, s->tex, NULL, &dst, 0, NULL, flips[i]);
  }
}

static Uint8 mix(Uint8 a, Uint8 b, float t) {
  return (Uint8)(a + (b - a) * t + 0.5f);
}

void draw_card(draw *d, SDL_Rect r, int radius, SDL_Color from, SDL_Color to) {
  if (r.w <= 0 || r.h <= 0) return;
  slot *s = lookup(d, 2, r.w, r.h, radius, pack(from), pack(to));
  if (!s->tex) {
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, r.w, r.h, 32,
                                                       SDL_PIXELFORMAT_ARGB8888);
    if (!surf) return;
    float w = (float)r.w, h = (float)r.h, rad = (float)radius;
    /* Two light circles off the top right corner, like a printed card. */
    float c1x = w * 0.92f, c1y = -h * 0.15f, c1r = h * 0.85f;
    float c2x = w * 1.02f, c2y = h * 0.55f, c2r = h * 0.55f;
    for (int y = 0; y < r.h; y++) {
      Uint32 *row = (Uint32 *)(void *)((Uint8 *)surf->pixels + y * surf->pitch);
      for (int x = 0; x < r.w; x++) {
        float px = x + .5f, py = y + .5f;
        float t = (px / w * 0.6f + py / h * 0.4f);
        float lr = mix(from.r, to.r, t), lg = mix(from.g, to.g, t),
              lb = mix(from.b, to.b, t);
        float light = 0.10f * coverage(px, py, c1x, c1y, c1r) +
                      0.07f * coverage(px, py, c2x, c2y, c2r);
        lr += (255 - lr) * light;
        lg += (255 - lg) * light;
        lb += (255 - lb) * light;
        float a = 1.0f;
        float cx = px < rad ? rad : px > w - rad ? w - rad : px;
        float cy = py < rad ? rad : py > h - rad ? h - rad : py;
        if (cx != px && cy != py) a = coverage(px, py, cx, cy, rad);
        row[x] = (Uint32)(a * 255.0f + .5f) << 24 | (Uint32)lr << 16 |
                 (Uint32)lg << 8 | (Uint32)lb;
      }
    }
    s->tex = to_texture(d, surf);
    if (!s->tex) return;
  }
  SDL_RenderCopy(d->ren, s->tex, NULL, &r);
}

/* Coverage of the pixel (px, py) by a rounded rectangle at (x, y) of w by h. */
static float rrect_cover(float px, float py, float x, float y, float w, float h,
                         float rad) {
  if (px < x - 0.5f || py < y - 0.5f || px > x + w + 0.5f || py > y + h + 0.5f)
    return 0;
  float cx = px < x + rad ? x + rad : px > x + w - rad ? x + w - rad : px;
  float cy = py < y + rad ? y + rad : py > y + h - rad ? y + h - rad : py;
  if (cx == px || cy == py) {
    /* Straight edges: the same one-pixel ramp as the corners. */
    float dx = px < x + w / 2 ? px - x : x + w - px;
    float dy = py < y + h / 2 ? py - y : y + h - py;
    float d = (cx == px ? dy : dx) + 0.5f;
    return d < 0 ? 0 : d > 1 ? 1 : d;
  }
  return coverage(px, py, cx, cy, rad);
}

/* The shadow of a w by h rect: stacked layers composed into one alpha mask
 * (the texture is w + 2 spread by h + 2 spread). */
static SDL_Texture *shadow_mask(draw *d, slot *s, int w, int h, int radius,
                                int spread, float la, int layers) {
  int tw = w + 2 * spread, th = h + 2 * spread;
  SDL_Surface *surf =
      SDL_CreateRGBSurfaceWithFormat(0, tw, th, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!surf) return NULL;
  for (int y = 0; y < th; y++) {
    Uint32 *row = (Uint32 *)(void *)((Uint8 *)surf->pixels + y * surf->pitch);
    for (int x = 0; x < tw; x++) {
      float px = x + .5f, py = y + .5f, keep = 1.0f;
      for (int i = layers; i >= 1; i--) {
        int g = spread * i / layers;
        float rad = (float)(radius + g);
        float lw = (float)(w + 2 * g), lh = (float)(h + 2 * g);
        if (rad * 2 > lw) rad = lw / 2;
        if (rad * 2 > lh) rad = lh / 2;
        keep *= 1.0f - la * rrect_cover(px, py, (float)(spread - g),
                                        (float)(spread - g), lw, lh, rad);
      }
      row[x] = (Uint32)((1.0f - keep) * 255.0f + .5f) << 24;
    }
  }
  s->tex = to_texture(d, surf);
  return s->tex;
}

static void shadow(draw *d, SDL_Rect r, int radius, int spread, Uint8 alpha,
                   int hole);

void draw_shadow(draw *d, SDL_Rect r, int radius, int spread, Uint8 alpha) {
  shadow(d, r, radius, spread, alpha, 0);
}

void draw_shadow_opaque(draw *d, SDL_Rect r, int radius, int spread,
                        Uint8 alpha) {
  shadow(d, r, radius, spread, alpha, 1);
}

/* c without h, as up to four fills. */
static void fill_around(draw *d, SDL_Rect c, SDL_Rect h, SDL_Color col) {
  SDL_Rect i;
  if (!SDL_IntersectRect(&c, &h, &i)) {
    draw_fill(d, c, col);
    return;
  }
  SDL_Rect part[4] = {{c.x, c.y, c.w, i.y - c.y},
                      {c.x, i.y + i.h, c.w, c.y + c.h - i.y - i.h},
                      {c.x, i.y, i.x - c.x, i.h},
                      {i.x + i.w, i.y, c.x + c.w - i.x - i.w, i.h}};
  for (int k = 0; k < 4; k++)
    if (part[k].w > 0 && part[k].h > 0) draw_fill(d, part[k], col);
}

static void shadow(draw *d, SDL_Rect r, int radius, int spread, Uint8 alpha,
                   int hole) {
  /* Stacked translucent rounded rects, offset downwards: a soft drop shadow
   * without a blur pass. REALITY: blending the four layers every frame was
   * most of a catalog frame in the software renderer (8 cards, ~20 of 34 ms
   * CPU while scrolling, tests/bench/bench_ui.sh), so they are composed once
   * into a small mask (corners plus one row and column of straight edge) and
   * blended as one layer: corners copied, edges stretched, the middle a
   * fill. A whole mask per card size would cost megabytes each. */
  const int layers = 4;
  if (r.w <= 0 || r.h <= 0) return;
  if (spread < 0) spread = 0;
  float la = (float)(alpha / layers) / 255.0f;
  float keep = 1.0f;
  for (int i = 0; i < layers; i++) keep *= 1.0f - la;
  SDL_Rect o = {r.x - spread, r.y - spread + spread / 2, r.w + 2 * spread,
                r.h + 2 * spread};
  int k = spread + radius + 1; /* corner tile; beyond it edges are straight */
  int small = r.w < 2 * radius + 3 || r.h < 2 * radius + 3 || o.w < 2 * k + 1 ||
              o.h < 2 * k + 1;
  int mw = small ? r.w : 2 * radius + 3, mh = small ? r.h : 2 * radius + 3;
  slot *s = lookup(d, 5, mw, mh, radius, (Uint32)spread, alpha);
  if (!s->tex && !shadow_mask(d, s, mw, mh, radius, spread, la, layers)) return;
  if (small) {
    SDL_RenderCopy(d->ren, s->tex, NULL, &o);
    return;
  }
  int m = mw + 2 * spread - k; /* the mask's far corner tiles start here */
  int iw = o.w - 2 * k, ih = o.h - 2 * k;
  const SDL_Rect src[8] = {
      {0, 0, k, k}, {m, 0, k, k}, {0, m, k, k}, {m, m, k, k},   /* corners */
      {k, 0, 1, k}, {k, m, 1, k}, {0, k, k, 1}, {m, k, k, 1}}; /* edges */
  const SDL_Rect dst[8] = {
      {o.x, o.y, k, k},          {o.x + o.w - k, o.y, k, k},
      {o.x, o.y + o.h - k, k, k}, {o.x + o.w - k, o.y + o.h - k, k, k},
      {o.x + k, o.y, iw, k},      {o.x + k, o.y + o.h - k, iw, k},
      {o.x, o.y + k, k, ih},      {o.x + o.w - k, o.y + k, k, ih}};
  for (int i = 0; i < 8; i++) SDL_RenderCopy(d->ren, s->tex, &src[i], &dst[i]);
  /* Under an opaque card the middle band of r is covered: not blended. */
  SDL_Rect band = {r.x, r.y + radius, r.w, hole ? r.h - 2 * radius : 0};
  fill_around(d, (SDL_Rect){o.x + k, o.y + k, iw, ih}, band,
              (SDL_Color){0, 0, 0, (Uint8)((1.0f - keep) * 255.0f + .5f)});
}

void draw_vgrad(draw *d, SDL_Rect r, SDL_Color top, SDL_Color bottom) {
  SDL_Vertex v[4] = {
      {{(float)r.x, (float)r.y}, top, {0, 0}},
      {{(float)(r.x + r.w), (float)r.y}, top, {0, 0}},
      {{(float)r.x, (float)(r.y + r.h)}, bottom, {0, 0}},
      {{(float)(r.x + r.w), (float)(r.y + r.h)}, bottom, {0, 0}},
  };
  static const int idx[6] = {0, 1, 2, 1, 3, 2};
  SDL_RenderGeometry(d->ren, NULL, v, 4, idx, 6);
}

void draw_backdrop(draw *d, int w, int h, SDL_Color top, SDL_Color bottom,
                   const draw_glow *glows, int nglows) {
  /* Computed once per size and cached: a full-screen gradient with glows
   * blended per pixel every frame cost ~30 ms in the software renderer. */
  Uint32 key = 0;
  for (int i = 0; i < nglows; i++)
    key = key * 31 + pack(glows[i].c) + (Uint32)(glows[i].x * 7 + glows[i].y * 13 + glows[i].r);
  slot *s = lookup(d, 4, w, h, (int)key, pack(top), pack(bottom));
  if (!s->tex) {
    SDL_Surface *surf =
        SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf) return;
    for (int y = 0; y < h; y++) {
      Uint32 *row = (Uint32 *)(void *)((Uint8 *)surf->pixels + y * surf->pitch);
      float t = h > 1 ? (float)y / (float)(h - 1) : 0;
      float r0 = mix(top.r, bottom.r, t), g0 = mix(top.g, bottom.g, t),
            b0 = mix(top.b, bottom.b, t);
      for (int x = 0; x < w; x++) {
        float r = r0, g = g0, b = b0;
        for (int i = 0; i < nglows; i++) {
          const draw_glow *gl = &glows[i];
          float a = coverage(x + .5f, y + .5f, (float)gl->x, (float)gl->y,
                             (float)gl->r) * gl->c.a / 255.0f;
          if (a <= 0) continue;
          r += (gl->c.r - r) * a;
          g += (gl->c.g - g) * a;
          b += (gl->c.b - b) * a;
        }
        row[x] = 0xFF000000u | (Uint32)r << 16 | (Uint32)g << 8 | (Uint32)b;
      }
    }
    s->tex = to_texture(d, surf);
    if (!s->tex) return;
    SDL_SetTextureBlendMode(s->tex, SDL_BLENDMODE_NONE);
  }
  SDL_RenderCopy(d->ren, s->tex, NULL, NULL);
}

void draw_circle(draw *d, int cx, int cy, int radius, SDL_Color c) {
  draw_rrect(d, (SDL_Rect){cx - radius, cy - radius, 2 * radius, 2 * radius},
             radius, c);
}
