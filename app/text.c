#include "text.h"

#include <SDL_ttf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Measured sizes kept (no strings: a 64-bit hash names each). */
#define MEASURE_CACHE 1024
#define METRIC_SLOTS 64

typedef struct {
  uint64_t hash;
  int px, bold, w, h;
} measured;

typedef struct {
  int px, bold, skip, height;
} text_metric;

typedef struct {
  uint64_t hash;
  int px, bold;
  char *s;
  SDL_Texture *tex;
  int w, h;
  uint64_t used;
} entry;

/* One open font per weight, switched between sizes with TTF_SetFontSize.
 * REALITY: a Noto CJK face costs about a megabyte of FreeType tables each
 * time it is opened, and the screens use a dozen sizes (fitting text tries
 * more): one face per size was ~14 MB of the kiosk's peak. Rendered strings
 * and measured sizes are cached, so a size switch (which empties SDL_ttf's
 * glyph cache) happens only for text not seen before. */
struct text {
  SDL_Renderer *ren;
  char *path[2];
  int face;
  TTF_Font *open[2];
  int open_px[2];
  text_metric metric[METRIC_SLOTS];
  int nmetric;
  measured sizes[MEASURE_CACHE];
  entry cache[TEXT_CACHE];
  uint64_t clock;
};

static TTF_Font *font(text *t, int px, int bold) {
  if (px < 4) px = 4;
  bold = bold ? 1 : 0;
  if (!t->open[bold]) {
    t->open[bold] = TTF_OpenFontIndex(t->path[bold], px, t->face);
    if (!t->open[bold]) return bold ? font(t, px, 0) : NULL;
    t->open_px[bold] = px;
  }
  if (t->open_px[bold] != px) {
    if (TTF_SetFontSize(t->open[bold], px) != 0) return NULL;
    t->open_px[bold] = px;
  }
  return t->open[bold];
}

int text_new(SDL_Renderer *ren, const char *regular, const char *bold,
             int face, text **out, char *msg) {
  if (!TTF_WasInit() && TTF_Init() != 0)
    return kerr_set(msg, KERR_IO, "TTF_Init: %s", TTF_GetError());
  text *t = calloc(1, sizeof *t);
  if (!t) return kerr_set(msg, KERR_NOMEM, "out of memory");
  t->ren = ren;
  t->face = face;
  t->path[0] = strdup(regular);
  t->path[1] = strdup(bold && *bold ? bold : regular);
  if (!t->path[0] || !t->path[1]) {
    text_free(t);
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  }
  TTF_Font *f = TTF_OpenFontIndex(regular, 32, face);
  if (!f) {
    kerr_set(msg, KERR_IO, "font %s (face %d): %s", regular, face,
             TTF_GetError());
    text_free(t);
    return KERR_IO;
  }
  TTF_CloseFont(f);
  *out = t;
  return KERR_OK;
}

void text_free(text *t) {
  if (!t) return;
  for (int i = 0; i < TEXT_CACHE; i++) {
    if (t->cache[i].tex) SDL_DestroyTexture(t->cache[i].tex);
    free(t->cache[i].s);
  }
  for (int i = 0; i < 2; i++)
    if (t->open[i]) TTF_CloseFont(t->open[i]);
  free(t->path[0]);
  free(t->path[1]);
  free(t);
}

static uint64_t hash(const char *s, int px, int bold) {
  uint64_t h = 1469598103934665603ull ^ (uint64_t)(px * 2 + bold);
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static entry *get(text *t, int px, int bold, const char *s) {
  uint64_t h = hash(s, px, bold);
  entry *victim = &t->cache[0];
  t->clock++;
  for (int i = 0; i < TEXT_CACHE; i++) {
    entry *e = &t->cache[i];
    if (e->s && e->hash == h && e->px == px && e->bold == bold &&
        strcmp(e->s, s) == 0) {
      e->used = t->clock;
      return e;
    }
    if (!e->s || (victim->s && e->used < victim->used)) victim = e;
  }
  TTF_Font *f = font(t, px, bold);
  if (!f) return NULL;
  SDL_Surface *surf =
      TTF_RenderUTF8_Blended(f, s, (SDL_Color){255, 255, 255, 255});
  if (!surf) return NULL;
  SDL_Texture *tex = SDL_CreateTextureFromSurface(t->ren, surf);
  int w = surf->w, hh = surf->h;
  SDL_FreeSurface(surf);
  if (!tex) return NULL;
  char *copy = strdup(s);
  if (!copy) {
    SDL_DestroyTexture(tex);
    return NULL;
  }
  if (victim->tex) SDL_DestroyTexture(victim->tex);
  free(victim->s);
  SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
  *victim = (entry){h, px, bold, copy, tex, w, hh, t->clock};
  return victim;
}

/* Line skip and height of a size, from the table or the font. */
static int metric(text *t, int px, int bold, int *height) {
  for (int i = 0; i < t->nmetric; i++)
    if (t->metric[i].px == px && t->metric[i].bold == bold) {
      if (height) *height = t->metric[i].height;
      return t->metric[i].skip;
    }
  TTF_Font *f = font(t, px, bold);
  int skip = f ? TTF_FontLineSkip(f) : px, hh = f ? TTF_FontHeight(f) : px;
  if (f && t->nmetric < METRIC_SLOTS)
    t->metric[t->nmetric++] = (text_metric){px, bold, skip, hh};
  if (height) *height = hh;
  return skip;
}

int text_line_height(text *t, int px, int bold) { return metric(t, px, bold, NULL); }

void text_measure(text *t, int px, int bold, const char *s, int *w, int *h) {
  int ww = 0, hh = 0;
  if (!*s) {
    metric(t, px, bold, &hh);
  } else {
    uint64_t k = hash(s, px, bold);
    measured *m = &t->sizes[k % MEASURE_CACHE];
    if (m->hash == k && m->px == px && m->bold == bold) {
      ww = m->w;
      hh = m->h;
    } else {
      TTF_Font *f = font(t, px, bold);
      if (f && TTF_SizeUTF8(f, s, &ww, &hh) == 0)
        *m = (measured){k, px, bold, ww, hh};
    }
  }
  if (w) *w = ww;
  if (h) *h = hh;
}

int text_draw(text *t, int px, int bold, SDL_Color c, const char *s, int x,
              int y, text_align align) {
  if (!s || !*s) return 0;
  entry *e = get(t, px, bold, s);
  if (!e) return 0;
  SDL_Rect dst = {x, y, e->w, e->h};
  if (align == TEXT_CENTER) dst.x = x - e->w / 2;
  if (align == TEXT_RIGHT) dst.x = x - e->w;
  SDL_SetTextureColorMod(e->tex, c.r, c.g, c.b);
  SDL_SetTextureAlphaMod(e->tex, c.a);
  SDL_RenderCopy(t->ren, e->tex, NULL, &dst);
  return e->w;
}

static int decode(const char *s, int *len) {
  const unsigned char *u = (const unsigned char *)s;
  if (u[0] < 0x80) return *len = 1, u[0];
  if ((u[0] & 0xE0) == 0xC0 && u[1]) return *len = 2, (u[0] & 0x1F) << 6 | (u[1] & 0x3F);
  if ((u[0] & 0xF0) == 0xE0 && u[1] && u[2])
    return *len = 3, (u[0] & 0x0F) << 12 | (u[1] & 0x3F) << 6 | (u[2] & 0x3F);
  if ((u[0] & 0xF8) == 0xF0 && u[1] && u[2] && u[3])
    return *len = 4, (u[0] & 0x07) << 18 | (u[1] & 0x3F) << 12 |
                         (u[2] & 0x3F) << 6 | (u[3] & 0x3F);
  return *len = 1, 0xFFFD;
}

static int is_cjk(int cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFFEF) || cp >= 0x20000;
}

static int in(int cp, const int *set) {
  for (; *set; set++)
    if (*set == cp) return 1;
  return 0;
}

/* Characters a line must not start with, and ones it must not end with. */
static const int no_start[] = {0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF01,
                               0xFF1F, 0xFF09, 0x300D, 0x300F, 0x300B, 0x3009,
                               0x3011, 0x2026, 0x2014, 0xFF05, ',', '.', ';',
                               ':', '!', '?', ')', ']', '}', '%', 0};
static const int no_end[] = {0xFF08, 0x300C, 0x300E, 0x300A, 0x3008, 0x3010,
                             '(', '[', '{', 0};

static int width_of(text *t, int px, int bold, const char *s, int a, int b) {
  char buf[1024];
  while (b > a && s[b - 1] == ' ') b--;
  int n = b - a;
  if (n <= 0) return 0;
  if (n >= (int)sizeof buf) n = (int)sizeof buf - 1;
  memcpy(buf, s + a, (size_t)n);
  buf[n] = '\0';
  int w = 0;
  text_measure(t, px, bold, buf, &w, NULL);
  return w;
}

/* May a line end between cp and next? */
static int breakable(int cp, int next) {
  if (next == ' ' || in(next, no_start) || in(cp, no_end)) return 0;
  return cp == ' ' || is_cjk(cp) || is_cjk(next);
}

int text_break(text *t, int px, int bold, const char *s, int max_w,
               int *starts, int *ends, int cap) {
  int n = 0, start = 0, len = (int)strlen(s);
  while (start < len && n < cap) {
    int last = -1, i = start, end = len, next_start = len;
    while (i < len) {
      int l, cp = decode(s + i, &l);
      if (cp == '\n') {
        end = i;
        next_start = i + 1;
        break;
      }
      int after = i + l, nl = 0;
      int next = after < len ? decode(s + after, &nl) : 0;
      if (after >= len || next == '\n' || breakable(cp, next)) {
        if (width_of(t, px, bold, s, start, after) <= max_w) {
          last = after;
        } else {
          /* A single word wider than the line is kept whole. */
          end = next_start = last > start ? last : after;
          break;
        }
      }
      i = after;
    }
    int e = end;
    while (e > start && s[e - 1] == ' ') e--;
    starts[n] = start;
    ends[n] = e;
    n++;
    start = next_start;
    while (start < len && s[start] == ' ') start++;
  }
  return n;
}

int text_wrap(text *t, int px, int bold, SDL_Color c, const char *s,
              SDL_Rect box, text_align align, int draw) {
  int starts[32], ends[32];
  int n = text_break(t, px, bold, s, box.w, starts, ends, 32);
  int lh = text_line_height(t, px, bold);
  if (draw) {
    char buf[1024];
    int x = align == TEXT_CENTER  ? box.x + box.w / 2
            : align == TEXT_RIGHT ? box.x + box.w
                                  : box.x;
    for (int i = 0; i < n; i++) {
      int m = ends[i] - starts[i];
      if (m >= (int)sizeof buf) m = (int)sizeof buf - 1;
      memcpy(buf, s + starts[i], (size_t)m);
      buf[m] = '\0';
      text_draw(t, px, bold, c, buf, x, box.y + i * lh, align);
    }
  }
  return n * lh;
}

int text_cached(const text *t) {
  int n = 0;
  for (int i = 0; i < TEXT_CACHE; i++) n += t->cache[i].s != NULL;
  return n;
}
