#include "draw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Cache kinds. */
enum { K_EMPTY, K_CORNER, K_CARD, K_RING, K_BACKDROP, K_SHADOW, K_TILE };

typedef struct {
  int kind;
  int w, h, radius;
  Uint32 from, to;
  const void *src; /* K_TILE: the picture's texture (identity only) */
  Uint32 tag;      /* K_TILE: the caller's name for the picture */
  SDL_Texture *tex;
  Uint64 used;
  size_t bytes;
} slot;

struct draw {
  SDL_Renderer *ren;
  Uint32 opaque_fmt; /* the window's format: opaque copies are memcpy */
  slot cache[DRAW_CACHE];
  Uint64 clock;
};

int draw_new(SDL_Renderer *ren, draw **out, char *msg) {
  draw *d = calloc(1, sizeof *d);
  if (!d) return kerr_set(msg, KERR_NOMEM, "out of memory");
  d->ren = ren;
  SDL_Window *win = SDL_RenderGetWindow(ren);
  Uint32 f = win ? SDL_GetWindowPixelFormat(win) : SDL_PIXELFORMAT_UNKNOWN;
  d->opaque_fmt = f == SDL_PIXELFORMAT_RGB888 || f == SDL_PIXELFORMAT_ARGB8888
                      ? f
                      : SDL_PIXELFORMAT_ARGB8888;
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

static slot *lookup_src(draw *d, int kind, int w, int h, int radius,
                        Uint32 from, Uint32 to, const void *src) {
  slot *victim = &d->cache[0];
  d->clock++;
  for (int i = 0; i < DRAW_CACHE; i++) {
    slot *s = &d->cache[i];
    if (s->kind == kind && kind != K_TILE && s->w == w && s->h == h &&
        s->radius == radius && s->from == from && s->to == to && s->src == src) {
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
  victim->src = src;
  victim->used = d->clock;
  return victim;
}

static slot *lookup(draw *d, int kind, int w, int h, int radius, Uint32 from,
                    Uint32 to) {
  return lookup_src(d, kind, w, h, radius, from, to, NULL);
}

size_t draw_cache_bytes(const draw *d) {
  size_t n = 0;
  for (int i = 0; i < DRAW_CACHE; i++)
    if (d->cache[i].tex) n += d->cache[i].bytes;
  return n;
}

void draw_forget_picture(draw *d, const void *src) {
  for (int i = 0; i < DRAW_CACHE; i++) {
    slot *s = &d->cache[i];
    if (s->kind != K_TILE || s->src != src) continue;
    if (s->tex) SDL_DestroyTexture(s->tex);
    memset(s, 0, sizeof *s);
  }
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

static SDL_Texture *own(slot *s, SDL_Texture *t, int w, int h) {
  s->tex = t;
  s->bytes = t ? (size_t)w * (size_t)h * 4 : 0;
  return t;
}

/* A disc (t == 0) or a ring of thickness t, 2r by 2r, white with coverage as
 * alpha. Whole, not one quadrant: REALITY: the software renderer serves a
 * flipped copy (SDL_RenderCopyEx) by building a rotated surface each call,
 * which made rounded corners the dearest thing on a frame; a quadrant of
 * the whole shape is a plain copy. */
static SDL_Texture *round_mask(draw *d, int kind, int r, int t) {
  slot *s = lookup(d, kind, r, r, t, 0, 0);
  if (s->tex) return s->tex;
  int n = 2 * r;
  SDL_Surface *surf =
      SDL_CreateRGBSurfaceWithFormat(0, n, n, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!surf) return NULL;
  for (int y = 0; y < n; y++) {
    Uint32 *row = (Uint32 *)(void *)((Uint8 *)surf->pixels + y * surf->pitch);
    for (int x = 0; x < n; x++) {
      float px = x + .5f, py = y + .5f;
      float a = coverage(px, py, (float)r, (float)r, (float)r);
      if (t > 0) a -= coverage(px, py, (float)r, (float)r, (float)(r - t));
      row[x] = (Uint32)(a * 255.0f + 0.5f) << 24 | 0xFFFFFF;
    }
  }
  return own(s, to_texture(d, surf), n, n);
}

/* The four quadrants of a round mask at the corners of r. */
static void corners(draw *d, SDL_Texture *t, SDL_Rect r, int rad, SDL_Color c) {
  SDL_SetTextureColorMod(t, c.r, c.g, c.b);
  SDL_SetTextureAlphaMod(t, c.a);
  for (int i = 0; i < 4; i++) {
    SDL_Rect src = {i & 1 ? rad : 0, i & 2 ? rad : 0, rad, rad};
    SDL_Rect dst = {i & 1 ? r.x + r.w - rad : r.x,
                    i & 2 ? r.y + r.h - rad : r.y, rad, rad};
    SDL_RenderCopy(d->ren, t, &src, &dst);
  }
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
  SDL_Texture *t = round_mask(d, K_CORNER, radius, 0);
  if (t) corners(d, t, r, radius, c);
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
  /* Corner arcs: quadrants of a cached ring. */
  SDL_Texture *ring = round_mask(d, K_RING, rad, t);
  if (ring) corners(d, ring, r, rad, c);
}

static Uint8 mix(Uint8 a, Uint8 b, float t) {
  return (Uint8)(a + (b - a) * t + 0.5f);
}

void draw_card(draw *d, SDL_Rect r, int radius, SDL_Color from, SDL_Color to) {
  if (r.w <= 0 || r.h <= 0) return;
  slot *s = lookup(d, K_CARD, r.w, r.h, radius, pack(from), pack(to));
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
    if (!own(s, to_texture(d, surf), r.w, r.h)) return;
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

/* The shadow's alpha at (px, py) of its w + 2 spread by h + 2 spread mask:
 * stacked layers, each a little larger and fainter. */
static float shadow_alpha(float px, float py, int w, int h, int radius,
                          int spread, float la, int layers) {
  float keep = 1.0f;
  for (int i = layers; i >= 1; i--) {
    int g = spread * i / layers;
    float rad = (float)(radius + g);
    float lw = (float)(w + 2 * g), lh = (float)(h + 2 * g);
    if (rad * 2 > lw) rad = lw / 2;
    if (rad * 2 > lh) rad = lh / 2;
    keep *= 1.0f - la * rrect_cover(px, py, (float)(spread - g),
                                    (float)(spread - g), lw, lh, rad);
  }
  return 1.0f - keep;
}

/* Part of the shadow mask of a w by h rect, as a tw by th texture: its
 * pixel (x, y) is the mask's (x + ax, y + oy + ay), where ax applies from
 * column sx on and ay from row sy on, so one texture holds two bands. */
typedef struct {
  int tw, th, sx, ax, sy, ay, oy;
} part_map;

static SDL_Texture *shadow_part(draw *d, slot *s, part_map m, int w, int h,
                                int radius, int spread, float la, int layers) {
  SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, m.tw, m.th, 32,
                                                     SDL_PIXELFORMAT_ARGB8888);
  if (!surf) return NULL;
  for (int y = 0; y < m.th; y++) {
    Uint32 *row = (Uint32 *)(void *)((Uint8 *)surf->pixels + y * surf->pitch);
    int my = y + m.oy + (y >= m.sy ? m.ay : 0);
    for (int x = 0; x < m.tw; x++) {
      int mx = x + (x >= m.sx ? m.ax : 0);
      float a = shadow_alpha(mx + .5f, my + .5f, w, h, radius, spread, la,
                             layers);
      row[x] = (Uint32)(a * 255.0f + .5f) << 24;
    }
  }
  return own(s, to_texture(d, surf), m.tw, m.th);
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
   * into one alpha mask and blended as one layer: the bands along the edges
   * copied, the middle a fill. The whole mask per card size would cost a
   * megabyte each; the bands are a fifth of that. */
  const int layers = 4;
  if (r.w <= 0 || r.h <= 0) return;
  if (spread < 0) spread = 0;
  float la = (float)(alpha / layers) / 255.0f;
  float keep = 1.0f;
  for (int i = 0; i < layers; i++) keep *= 1.0f - la;
  SDL_Rect o = {r.x - spread, r.y - spread + spread / 2, r.w + 2 * spread,
                r.h + 2 * spread};
  int k = spread + radius + 1; /* corner tile; beyond it edges are straight */
  if (o.w < 2 * k + 1 || o.h < 2 * k + 1) k = 0;
  /* Bands at their drawn size, copied as they are: REALITY: stretching a
   * one-pixel edge while blending takes SDL's generic per-pixel path, which
   * cost more than the rest of a card. Top and bottom bands share one
   * texture (o.w by 2k), the sides another (2k by the height between). */
  int ih = o.h - 2 * k;
  Uint32 key = (Uint32)spread << 8 | alpha;
  int hh = k ? 2 * k : o.h;
  slot *hs = lookup(d, K_SHADOW, o.w, hh, radius, key, (Uint32)o.h);
  part_map hm = {o.w, hh, o.w, 0, k ? k : hh, o.h - 2 * k, 0};
  if (!hs->tex &&
      !shadow_part(d, hs, hm, r.w, r.h, radius, spread, la, layers))
    return;
  if (!k) {
    SDL_RenderCopy(d->ren, hs->tex, NULL, &o);
    return;
  }
  SDL_Rect top = {0, 0, o.w, k}, bot = {0, k, o.w, k};
  SDL_RenderCopy(d->ren, hs->tex, &top, &(SDL_Rect){o.x, o.y, o.w, k});
  SDL_RenderCopy(d->ren, hs->tex, &bot, &(SDL_Rect){o.x, o.y + o.h - k, o.w, k});
  if (ih > 0) {
    slot *vs = lookup(d, K_SHADOW, -o.w, ih, radius, key, (Uint32)k);
    part_map vm = {2 * k, ih, k, o.w - 2 * k, ih, 0, k};
    if (!vs->tex &&
        !shadow_part(d, vs, vm, r.w, r.h, radius, spread, la, layers))
      return;
    SDL_Rect l = {0, 0, k, ih}, rr = {k, 0, k, ih};
    SDL_RenderCopy(d->ren, vs->tex, &l, &(SDL_Rect){o.x, o.y + k, k, ih});
    SDL_RenderCopy(d->ren, vs->tex, &rr,
                   &(SDL_Rect){o.x + o.w - k, o.y + k, k, ih});
  }
  int iw = o.w - 2 * k;
  /* Under an opaque card the middle band of r is covered: not blended. */
  SDL_Rect band = {r.x, r.y + radius, r.w, hole ? r.h - 2 * radius : 0};
  fill_around(d, (SDL_Rect){o.x + k, o.y + k, iw, ih}, band,
              (SDL_Color){0, 0, 0, (Uint8)((1.0f - keep) * 255.0f + .5f)});
}

void draw_vgrad(draw *d, SDL_Rect r, SDL_Color top, SDL_Color bottom) {
  /* One fill per run of rows of the same colour: REALITY: SDL_RenderGeometry
   * rasterises per pixel in the software renderer, several times dearer than
   * a blended fill of the same area. */
  if (r.w <= 0 || r.h <= 0) return;
  int y0 = 0;
  SDL_Color run = top;
  for (int y = 1; y <= r.h; y++) {
    SDL_Color c = run;
    if (y < r.h) {
      float t = r.h > 1 ? (float)y / (float)(r.h - 1) : 0;
      c = (SDL_Color){mix(top.r, bottom.r, t), mix(top.g, bottom.g, t),
                      mix(top.b, bottom.b, t), mix(top.a, bottom.a, t)};
    }
    if (y < r.h && !memcmp(&c, &run, sizeof c)) continue;
    if (run.a) draw_fill(d, (SDL_Rect){r.x, r.y + y0, r.w, y - y0}, run);
    y0 = y;
    run = c;
  }
}

void draw_backdrop(draw *d, int w, int h, SDL_Color top, SDL_Color bottom,
                   const draw_glow *glows, int nglows) {
  /* Computed once per size and cached: a full-screen gradient with glows
   * blended per pixel every frame cost ~30 ms in the software renderer. */
  Uint32 key = 0;
  for (int i = 0; i < nglows; i++)
    key = key * 31 + pack(glows[i].c) + (Uint32)(glows[i].x * 7 + glows[i].y * 13 + glows[i].r);
  slot *s = lookup(d, K_BACKDROP, w, h, (int)key, pack(top), pack(bottom));
  if (!s->tex) {
    /* In the window's own format: copied as it is (memcpy), not converted
     * pixel by pixel every frame. */
    SDL_Surface *surf =
        SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, d->opaque_fmt);
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
    if (!own(s, to_texture(d, surf), w, h)) return;
    SDL_SetTextureBlendMode(s->tex, SDL_BLENDMODE_NONE);
  }
  SDL_RenderCopy(d->ren, s->tex, NULL, NULL);
}

void draw_circle(draw *d, int cx, int cy, int radius, SDL_Color c) {
  draw_rrect(d, (SDL_Rect){cx - radius, cy - radius, 2 * radius, 2 * radius},
             radius, c);
}

/* The least recently used picture tile when DRAW_TILES are cached, else the
 * slot lookup would pick. */
static slot *tile_slot(draw *d, int w, int h, int radius, Uint32 bg,
                       Uint32 under, const void *src, Uint32 tag) {
  int n = 0;
  slot *oldest = NULL;
  for (int i = 0; i < DRAW_CACHE; i++) {
    slot *s = &d->cache[i];
    if (s->kind != K_TILE) continue;
    if (s->w == w && s->h == h && s->radius == radius && s->from == bg &&
        s->to == under && s->src == src && s->tag == tag) {
      s->used = ++d->clock;
      return s;
    }
    n++;
    if (!oldest || s->used < oldest->used) oldest = s;
  }
  if (n >= DRAW_TILES && oldest) {
    if (oldest->tex) SDL_DestroyTexture(oldest->tex);
    memset(oldest, 0, sizeof *oldest); /* an empty slot: lookup takes it */
  }
  return lookup_src(d, K_TILE, w, h, radius, bg, under, src);
}

void draw_picture(draw *d, SDL_Texture *pic, const char *name, int pw, int ph,
                  SDL_Color bg, SDL_Color under, SDL_Rect r, int radius) {
  if (r.w <= 0 || r.h <= 0 || !pic || pw <= 0 || ph <= 0) return;
  /* The name with the texture: a texture freed and another made at the same
   * address must not bring back the old picture. */
  Uint32 tag = 2166136261u;
  for (const char *c = name ? name : ""; *c; c++)
    tag = (tag ^ (unsigned char)*c) * 16777619u;
  slot *s = tile_slot(d, r.w, r.h, radius, pack(bg), pack(under), pic, tag);
  if (!s->tex) {
    /* Composed once on a target texture: the tile, then the picture scaled
     * smoothly into it. REALITY: a scaled copy every frame was the dearest
     * part of a catalog card in the software renderer. */
    SDL_Texture *t = SDL_CreateTexture(d->ren, d->opaque_fmt,
                                       SDL_TEXTUREACCESS_TARGET, r.w, r.h);
    if (!t) return;
    SDL_Texture *was = SDL_GetRenderTarget(d->ren);
    if (SDL_SetRenderTarget(d->ren, t) != 0) {
      SDL_DestroyTexture(t);
      return;
    }
    draw_fill(d, (SDL_Rect){0, 0, r.w, r.h}, under);
    float sx = (float)r.w / (float)pw, sy = (float)r.h / (float)ph;
    float sc = sx < sy ? sx : sy;
    int w = (int)((float)pw * sc), h = (int)((float)ph * sc);
    SDL_Rect dst = {(r.w - w) / 2, (r.h - h) / 2, w, h};
    if (w < r.w || h < r.h) draw_rrect(d, (SDL_Rect){0, 0, r.w, r.h}, radius, bg);
    SDL_RenderCopy(d->ren, pic, NULL, &dst);
    SDL_SetRenderTarget(d->ren, was);
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
    own(s, t, r.w, r.h);
    s->tag = tag;
  }
  SDL_RenderCopy(d->ren, s->tex, NULL, &r);
}
