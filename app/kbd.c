#include "kbd.h"

#include <stdio.h>
#include <string.h>

#include "app.h"

#define GAP 12

/* Widths in half keys: a special key is one and a half keys wide on a
 * keyboard with wide_special (its word needs the room). */
static int units(const kbd_def *k, const char *key) {
  return key[0] == '@' && k->wide_special ? 3 : 2;
}

/* Calls fn for each key of row r: its text (not NUL-ended), its length and
 * the half keys before it. Returns the row's width in half keys. */
typedef void (*key_fn)(void *ctx, int row, int at, const char *key, size_t n);

static int walk_row(const kbd_def *k, int r, key_fn fn, void *ctx) {
  int at = 0;
  const char *p = k->rows[r];
  while (*p) {
    const char *e = strchr(p, ' ');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n && fn) fn(ctx, r, at, p, n);
    if (n) at += units(k, p);
    p += n;
    while (*p == ' ') p++;
  }
  return at;
}

static void key_id(const kbd_def *k, const char *key, size_t n, char *id,
                   size_t cap) {
  if (key[0] == '@') snprintf(id, cap, "%s%.*s", k->prefix, (int)n - 1, key + 1);
  else snprintf(id, cap, "%s%.*s", k->prefix, (int)n, key);
}

/* The widest row, in half keys. */
static int max_units(const kbd_def *k) {
  int m = 2;
  for (int r = 0; r < k->nrows; r++) {
    int c = walk_row(k, r, NULL, NULL);
    if (c > m) m = c;
  }
  return m;
}

typedef struct {
  app *a;
  const kbd_def *k;
  SDL_Rect box;
  int kw, kh, gap;
} place_ctx;

/* A key's width for a box w wide: the widest row's keys and gaps fill it. */
static int key_w(app *a, const kbd_def *k, int w) {
  int u = max_units(k), gap = app_px(a, GAP);
  int kw = (2 * w - (u / 2 - 1) * 2 * gap) / u;
  if (kw > app_px(a, KBD_KEY_MAX)) kw = app_px(a, KBD_KEY_MAX);
  return kw;
}

static int key_h(app *a, const kbd_def *k, int kw, int max_h) {
  int gap = app_px(a, GAP);
  int kh = kw * (k->big ? 70 : 110) / 100;
  if (kh < KBD_KEY_MIN) kh = KBD_KEY_MIN;
  if (kh > app_px(a, 150)) kh = app_px(a, 150);
  if (max_h > 0 && k->nrows * kh + (k->nrows - 1) * gap > max_h)
    kh = (max_h - (k->nrows - 1) * gap) / k->nrows;
  return kh;
}

int kbd_height(app *a, const kbd_def *k, int w, int max_h) {
  int kh = key_h(a, k, key_w(a, k, w), max_h);
  return k->nrows * kh + (k->nrows - 1) * app_px(a, GAP);
}

/* Half keys to pixels: each whole key before brings its gap along. */
static int span(const place_ctx *p, int u) {
  return u * p->kw / 2 + (u / 2) * p->gap;
}

static void place(void *ctx, int row, int at, const char *key, size_t n) {
  place_ctx *p = ctx;
  int roww = span(p, walk_row(p->k, row, NULL, NULL)) - p->gap;
  int x0 = p->box.x + (p->box.w - roww) / 2;
  char id[WIDGET_ID_MAX];
  key_id(p->k, key, n, id, sizeof id);
  int w = span(p, units(p->k, key)) - p->gap;
  wset_add(&p->a->ws, id,
           (SDL_Rect){x0 + span(p, at), p->box.y + row * (p->kh + p->gap), w,
                      p->kh});
}

int kbd_layout(app *a, const kbd_def *k, SDL_Rect box) {
  place_ctx p = {a, k, box, 0, 0, app_px(a, GAP)};
  p.kw = key_w(a, k, box.w);
  p.kh = key_h(a, k, p.kw, box.h);
  for (int r = 0; r < k->nrows; r++) walk_row(k, r, place, &p);
  return k->nrows * p.kh + (k->nrows - 1) * p.gap;
}

static void paint(void *ctx, int row, int at, const char *key, size_t n) {
  (void)row;
  (void)at;
  place_ctx *p = ctx;
  app *a = p->a;
  char id[WIDGET_ID_MAX], label[64];
  key_id(p->k, key, n, id, sizeof id);
  int px = app_px(a, p->k->big ? a->th.type_h2 : a->th.type_title);
  if (key[0] == '@') {
    char msgid[48];
    snprintf(msgid, sizeof msgid, "kbd.%.*s", (int)n - 1, key + 1);
    snprintf(label, sizeof label, "%s", app_t(a, msgid));
    px = app_px(a, a->th.type_body);
    widget_button(a, id, label, !strcmp(msgid, "kbd.ok") ? BUTTON_PRIMARY
                                                          : BUTTON_GHOST,
                  px);
    return;
  }
  snprintf(label, sizeof label, "%.*s", (int)n, key);
  widget_button(a, id, label, BUTTON_SECONDARY, px);
}

void kbd_draw(app *a, const kbd_def *k) {
  place_ctx p = {a, k, {0, 0, 0, 0}, 0, 0, 0};
  for (int r = 0; r < k->nrows; r++) walk_row(k, r, paint, &p);
}

typedef struct {
  const kbd_def *k;
  const char *id;
  char *out;
  size_t cap;
  int found;
} hit_ctx;

static void match(void *ctx, int row, int at, const char *key, size_t n) {
  (void)row;
  (void)at;
  hit_ctx *h = ctx;
  char id[WIDGET_ID_MAX];
  if (h->found) return;
  key_id(h->k, key, n, id, sizeof id);
  if (strcmp(id, h->id) != 0) return;
  h->found = key[0] == '@' ? KBD_SPECIAL : KBD_CHAR;
  if (key[0] == '@') snprintf(h->out, h->cap, "%.*s", (int)n - 1, key + 1);
  else snprintf(h->out, h->cap, "%.*s", (int)n, key);
}

int kbd_hit(const kbd_def *k, const char *id, char *out, size_t cap) {
  size_t pl = strlen(k->prefix);
  if (strncmp(id, k->prefix, pl) != 0) return KBD_NONE;
  hit_ctx h = {k, id, out, cap, KBD_NONE};
  for (int r = 0; r < k->nrows && !h.found; r++) walk_row(k, r, match, &h);
  return h.found;
}
