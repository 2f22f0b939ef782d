#include "theme.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *section;
  const char *name;
  int is_color;
  size_t off;
} entry;

#define C(sec, nm, field) {sec, nm, 1, offsetof(theme, field)}
#define I(sec, nm, field) {sec, nm, 0, offsetof(theme, field)}
#define T(nm, i)                                                               \
  C("tier", nm "_from", tier[i].from), C("tier", nm "_to", tier[i].to),        \
      C("tier", nm "_text", tier[i].text), C("tier", nm "_muted", tier[i].muted)

static const entry entries[] = {
    C("color", "bg_top", bg_top), C("color", "bg_bottom", bg_bottom),
    C("color", "surface", surface), C("color", "surface_hi", surface_hi),
    C("color", "line", line), C("color", "text", text),
    C("color", "text_muted", text_muted), C("color", "accent", accent),
    C("color", "accent_text", accent_text), C("color", "danger", danger),
    C("color", "danger_bg", danger_bg), C("color", "success", success),
    C("color", "overlay", overlay), C("color", "birthday_from", birthday_from),
    C("color", "birthday_to", birthday_to),
    C("color", "birthday_text", birthday_text),
    T("standard", 0), T("silver", 1), T("gold", 2), T("diamond", 3),
    I("type", "display", type_display), I("type", "h1", type_h1),
    I("type", "h2", type_h2), I("type", "title", type_title),
    I("type", "body", type_body), I("type", "small", type_small),
    I("space", "xs", space_xs), I("space", "s", space_s),
    I("space", "m", space_m), I("space", "l", space_l),
    I("space", "xl", space_xl), I("space", "xxl", space_xxl),
    I("space", "radius", radius), I("space", "radius_small", radius_small),
    I("space", "button_h", button_h), I("space", "margin", margin),
};
#define NENTRIES (sizeof entries / sizeof entries[0])

static SDL_Color rgb(Uint32 v) {
  SDL_Color c = {(Uint8)(v >> 16), (Uint8)(v >> 8), (Uint8)v, 255};
  return c;
}

void theme_defaults(theme *t) {
  memset(t, 0, sizeof *t);
  t->bg_top = rgb(0x0B1022);
  t->bg_bottom = rgb(0x1B1F45);
  t->surface = rgb(0x1A2140);
  t->surface_hi = rgb(0x252E57);
  t->line = rgb(0x343E6B);
  t->text = rgb(0xFFFFFF);
  t->text_muted = rgb(0xA7B0D0);
  t->accent = rgb(0xF4C463);
  t->accent_text = rgb(0x241A00);
  t->danger = rgb(0xFF7A7A);
  t->danger_bg = rgb(0x4A1D2C);
  t->success = rgb(0x4CD9A6);
  t->overlay = (SDL_Color){0, 0, 0, 190};
  t->birthday_from = rgb(0xFF8FA3);
  t->birthday_to = rgb(0xFFC58F);
  t->birthday_text = rgb(0x3B0A18);
  const Uint32 tiers[4][4] = {{0x7C8DB0, 0x4A5678, 0xFFFFFF, 0xDCE3F5},
                              {0xEEF2F7, 0x9CA8B8, 0x1E2532, 0x46505F},
                              {0xFBE3A1, 0xC9973A, 0x2E1F00, 0x5C4414},
                              {0x7B61FF, 0x1FB6FF, 0xFFFFFF, 0xE4E0FF}};
  for (int i = 0; i < 4; i++) {
    t->tier[i].from = rgb(tiers[i][0]);
    t->tier[i].to = rgb(tiers[i][1]);
    t->tier[i].text = rgb(tiers[i][2]);
    t->tier[i].muted = rgb(tiers[i][3]);
  }
  t->type_display = 132;
  t->type_h1 = 76;
  t->type_h2 = 54;
  t->type_title = 42;
  t->type_body = 34;
  t->type_small = 28;
  t->space_xs = 8;
  t->space_s = 16;
  t->space_m = 24;
  t->space_l = 40;
  t->space_xl = 64;
  t->space_xxl = 96;
  t->radius = 32;
  t->radius_small = 18;
  t->button_h = 144;
  t->margin = 64;
}

int theme_parse_color(const char *s, SDL_Color *out) {
  size_t n = strlen(s);
  if (s[0] != '#' || (n != 7 && n != 9)) return KERR_INVALID;
  for (size_t i = 1; i < n; i++)
    if (!strchr("0123456789abcdefABCDEF", s[i])) return KERR_INVALID;
  unsigned long v = strtoul(s + 1, NULL, 16);
  if (n == 7) {
    *out = rgb((Uint32)v);
  } else {
    out->r = (Uint8)(v >> 24);
    out->g = (Uint8)(v >> 16);
    out->b = (Uint8)(v >> 8);
    out->a = (Uint8)v;
  }
  return KERR_OK;
}

int theme_tier_index(const char *code) {
  static const char *codes[] = {"standard", "silver", "gold", "diamond"};
  for (int i = 0; i < 4; i++)
    if (code && strcmp(code, codes[i]) == 0) return i;
  return 0;
}

typedef struct {
  theme *t;
  FILE *f;
  const char *path;
  int line;
  char *msg;
  int failed;
} ctx;

static char *reader(char *buf, int size, void *stream) {
  ctx *c = stream;
  char *r = fgets(buf, size, c->f);
  if (r) c->line++;
  return r;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value) {
  ctx *c = user;
  if (c->failed) return 0;
  for (size_t i = 0; i < NENTRIES; i++) {
    const entry *e = &entries[i];
    if (strcmp(e->section, section) || strcmp(e->name, name)) continue;
    char *base = (char *)c->t + e->off;
    if (e->is_color) {
      if (theme_parse_color(value, (SDL_Color *)(void *)base) == 0) return 1;
      kerr_set(c->msg, KERR_CONFIG, "%s:%d: %s must be #RRGGBB or #RRGGBBAA",
               c->path, c->line, name);
    } else {
      char *end;
      errno = 0;
      long v = strtol(value, &end, 10);
      if (!errno && end != value && !*end && v >= 0 && v <= 1000) {
        *(int *)(void *)base = (int)v;
        return 1;
      }
      kerr_set(c->msg, KERR_CONFIG, "%s:%d: %s must be 0..1000", c->path,
               c->line, name);
    }
    c->failed = 1;
    return 0;
  }
  kerr_set(c->msg, KERR_CONFIG, "%s:%d: unknown key %s in [%s]", c->path,
           c->line, name, section);
  c->failed = 1;
  return 0;
}

int theme_load(const char *path, theme *t, char *msg) {
  theme_defaults(t);
  ctx c = {.t = t, .path = path, .msg = msg};
  c.f = fopen(path, "r");
  if (!c.f)
    return kerr_set(msg, KERR_CONFIG, "%s: cannot open: %s", path,
                    strerror(errno));
  int rc = ini_parse_stream(reader, &c, handler, &c);
  fclose(c.f);
  if (c.failed) return KERR_CONFIG;
  if (rc != 0)
    return kerr_set(msg, KERR_CONFIG, "%s:%d: syntax error", path, rc);
  return KERR_OK;
}
