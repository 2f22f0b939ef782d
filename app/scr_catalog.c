/* The catalog screen: category tabs, a grid of item cards (picture, name,
 * the member's own tier price with the full price struck through, stock,
 * limit and tier badges, and why an item cannot be redeemed), scrolled by
 * dragging with inertia. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "catalog.h"
#include "jui.h"
#include "klog.h"
#include "screen.h"
#include "tmpl.h"

static const char *tab_ids[4] = {"tab-gift", "tab-coupon", "tab-parking",
                                 "tab-experience"};
static const char *kinds[4] = {"gift", "coupon", "parking", "experience"};

#define DRAG_SLOP 24   /* design px a finger may wander before it scrolls */
#define FRICTION_MS 325.0 /* inertia time constant (iOS-like) */

static struct {
  int tab;
  float scroll, max_scroll;
  float vel; /* window px per ms, positive = content moves up */
  int dragging, moved;
  int start_y, last_y;
  uint64_t last_ms, tick_ms;
  SDL_Rect view;
  int cols, card_w, card_h, gap, top;
  unsigned gen; /* a new member starts on the first tab, at the top */
} S;

static void enter(app *a) {
  if (S.gen != session_generation(a->ses)) {
    S.gen = session_generation(a->ses);
    S.tab = 0;
    S.scroll = 0;
  }
  S.vel = 0;
  S.dragging = 0;
  catalog_refresh(a);
}

static int visible_items(app *a, int *idx, int cap) {
  int n = 0;
  for (int i = 0; i < catalog_count(a) && n < cap; i++)
    if (!strcmp(catalog_at(a, i)->kind, kinds[S.tab])) idx[n++] = i;
  return n;
}

static void layout(app *a) {
  int top = screen_header_layout(a, 1);
  S.top = top;
  int y = jui_title_layout(a, top);
  int m = app_px(a, a->th.margin), gap = app_px(a, 28);
  int tw = (a->w - 2 * m - 3 * gap) / 4, th = app_px(a, 104);
  for (int i = 0; i < 4; i++)
    wset_add(&a->ws, tab_ids[i], (SDL_Rect){m + i * (tw + gap), y, tw, th});
  y += th + app_px(a, 36);
  S.view = (SDL_Rect){0, y, a->w, a->h - y};
  S.cols = a->w > a->h ? 4 : 2;
  S.gap = app_px(a, 32);
  S.card_w = (a->w - 2 * m - (S.cols - 1) * S.gap) / S.cols;
  S.card_h = S.card_w * 62 / 100 + app_px(a, 214);
  int idx[CATALOG_MAX];
  int n = visible_items(a, idx, CATALOG_MAX);
  int rows = (n + S.cols - 1) / S.cols;
  int content = rows * (S.card_h + S.gap) + app_px(a, 40);
  S.max_scroll = content > S.view.h ? (float)(content - S.view.h) : 0;
  if (S.scroll > S.max_scroll) S.scroll = S.max_scroll;
  if (S.scroll < 0) S.scroll = 0;
  for (int k = 0; k < n; k++) {
    const catalog_item *it = catalog_at(a, idx[k]);
    SDL_Rect r = {m + (k % S.cols) * (S.card_w + S.gap),
                  S.view.y + (k / S.cols) * (S.card_h + S.gap) - (int)S.scroll,
                  S.card_w, S.card_h};
    SDL_Rect clip;
    /* Only what shows is touchable: a card under the tabs is not. */
    if (!SDL_IntersectRect(&r, &S.view, &clip) || clip.h < app_px(a, 60)) continue;
    char id[WIDGET_ID_MAX];
    snprintf(id, sizeof id, "item-%s", it->id);
    wset_add(&a->ws, id, clip);
  }
}

static void badge(app *a, int *x, int y, const char *label, SDL_Color fill,
                  SDL_Color fg) {
  int sm = app_px(a, a->th.type_small - 4);
  *x += widget_pill(a, *x, y, label, fill, fg, sm) + app_px(a, 10);
}

/* The largest size up to px (down to 70 %) at which s fits in max_w. */
static int fit(app *a, int px, int bold, const char *s, int max_w) {
  int w = 0;
  for (int p = px; p >= px * 7 / 10; p -= 2) {
    text_measure(a->tx, p, bold, s, &w, NULL);
    if (w <= max_w) return p;
  }
  return px * 7 / 10;
}

static void draw_card_item(app *a, const catalog_item *it, SDL_Rect r,
                           const session_member *m) {
  const theme *th = &a->th;
  char id[WIDGET_ID_MAX];
  snprintf(id, sizeof id, "item-%s", it->id);
  int pressed = wset_is_pressed(&a->ws, id) && !S.moved;
  if (pressed) r.y += app_px(a, 4);
  int rad = app_px(a, th->radius);
  if (!pressed && th->surface.a == 255)
    draw_shadow_opaque(a->dr, r, rad, app_px(a, 14), 90);
  else if (!pressed)
    draw_shadow(a->dr, r, rad, app_px(a, 14), 90);
  draw_rrect(a->dr, r, rad, pressed ? th->surface_hi : th->surface);
  int p = app_px(a, 20);
  SDL_Rect img = {r.x + p, r.y + p, r.w - 2 * p, r.w * 62 / 100 - p};
  if (it->tex)
    draw_picture(a->dr, it->tex, it->image, it->tex_w, it->tex_h, it->tex_bg,
                 pressed ? th->surface_hi : th->surface, img,
                 app_px(a, th->radius_small));
  else
    jui_image(a, it, img); /* the stand-in until the picture arrives */
  const char *why = catalog_why(it, m->tier, m->points, (int64_t)time(NULL));
  int y = img.y + img.h + app_px(a, 16);
  int t = app_px(a, th->type_title - 6), body = app_px(a, th->type_body);
  int sm = app_px(a, th->type_small);
  int tp = fit(a, t, 1, jui_name(a, it), r.w - 2 * p);
  text_draw(a->tx, tp, 1, th->text, jui_name(a, it), r.x + p,
            y + text_line_height(a->tx, t, 1) - text_line_height(a->tx, tp, 1),
            TEXT_LEFT);
  y += text_line_height(a->tx, t, 1);
  char n[32], line[64];
  int64_t price = catalog_price(it, m->tier);
  tmpl_number(price, n, sizeof n);
  tmpl_fill(line, sizeof line, app_t(a, "catalog.price"),
            (const char *[]){"points", n, NULL});
  int pw = text_draw(a->tx, body, 1, why ? th->text_muted : th->accent, line,
                     r.x + p, y, TEXT_LEFT);
  if (price < it->price[0]) {
    tmpl_number(it->price[0], n, sizeof n);
    int sx = r.x + p + pw + app_px(a, 16);
    int lh = text_line_height(a->tx, sm, 0);
    int sy = y + text_line_height(a->tx, body, 1) - lh - app_px(a, 4);
    int sw = text_draw(a->tx, sm, 0, th->text_muted, n, sx, sy, TEXT_LEFT);
    draw_fill(a->dr, (SDL_Rect){sx - app_px(a, 2), sy + lh * 55 / 100,
                                sw + app_px(a, 4), app_px(a, 3) > 1 ? app_px(a, 3) : 1},
              th->text_muted);
  }
  y += text_line_height(a->tx, body, 1) + app_px(a, 8);
  int x = r.x + p;
  SDL_Color tag = th->surface_hi;
  if (it->min_tier > 0) {
    static const char *keys[4] = {"", "catalog.tier_only.silver",
                                  "catalog.tier_only.gold",
                                  "catalog.tier_only.diamond"};
    const theme_tier *tt = &th->tier[it->min_tier];
    badge(a, &x, y, app_t(a, keys[it->min_tier]), tt->from, tt->text);
  }
  if (it->stock > 0 && it->stock <= 10) {
    snprintf(n, sizeof n, "%lld", (long long)it->stock);
    tmpl_fill(line, sizeof line, app_t(a, "catalog.stock_low"),
              (const char *[]){"n", n, NULL});
    badge(a, &x, y, line, tag, th->accent);
  }
  if (it->per_day > 0 || it->total > 0) {
    snprintf(n, sizeof n, "%d", it->per_day > 0 ? it->per_day : it->total);
    tmpl_fill(line, sizeof line,
              app_t(a, it->per_day > 0 ? "catalog.limit_day" : "catalog.limit_total"),
              (const char *[]){"n", n, NULL});
    if (x + app_px(a, 160) < r.x + r.w) badge(a, &x, y, line, tag, th->text_muted);
  }
  if (why) {
    /* Dimmed, with the reason across the picture. */
    draw_rrect(a->dr, r, rad, (SDL_Color){8, 10, 24, 110});
    const char *txt = app_t(a, why);
    int w = 0, h = 0;
    body = fit(a, body, 1, txt, img.w - 2 * body);
    text_measure(a->tx, body, 1, txt, &w, &h);
    SDL_Rect pill = {img.x + (img.w - w) / 2 - body, img.y + img.h / 2 - h / 2 - body / 3,
                     w + 2 * body, h + body * 2 / 3};
    draw_rrect(a->dr, pill, pill.h / 2, th->danger_bg);
    draw_rrect_outline(a->dr, pill, pill.h / 2, app_px(a, 3), th->danger);
    text_draw(a->tx, body, 1, th->danger, txt, pill.x + pill.w / 2,
              pill.y + body / 3, TEXT_CENTER);
  }
}

static void paint(app *a) {
  const theme *th = &a->th;
  const session_member *m = session_member_of(a->ses);
  screen_background(a);
  screen_header_draw(a, 1);
  jui_title_draw(a, S.top, app_t(a, "catalog.title"));
  static const char *labels[4] = {"catalog.tab.gift", "catalog.tab.coupon",
                                  "catalog.tab.parking", "catalog.tab.experience"};
  for (int i = 0; i < 4; i++)
    widget_button(a, tab_ids[i], app_t(a, labels[i]),
                  i == S.tab ? BUTTON_PRIMARY : BUTTON_SECONDARY,
                  app_px(a, th->type_body));
  if (!m) return;
  int idx[CATALOG_MAX];
  int n = visible_items(a, idx, CATALOG_MAX);
  int mg = app_px(a, th->margin);
  if (!n) {
    const char *msgid = catalog_state(a) < 0 ? "catalog.unavailable"
                        : catalog_state(a) == 0 ? "catalog.loading"
                                                : "catalog.empty";
    text_wrap(a->tx, app_px(a, th->type_body), 0, th->text_muted, app_t(a, msgid),
              (SDL_Rect){mg, S.view.y + app_px(a, 80), a->w - 2 * mg, 0},
              TEXT_CENTER, 1);
    return;
  }
  SDL_RenderSetClipRect(a->ren, &S.view);
  for (int k = 0; k < n; k++) {
    SDL_Rect r = {mg + (k % S.cols) * (S.card_w + S.gap),
                  S.view.y + (k / S.cols) * (S.card_h + S.gap) - (int)S.scroll,
                  S.card_w, S.card_h};
    if (r.y + r.h < S.view.y || r.y > S.view.y + S.view.h) continue;
    draw_card_item(a, catalog_at(a, idx[k]), r, m);
  }
  SDL_RenderSetClipRect(a->ren, NULL);
  /* A soft fade where the grid runs under the tabs. */
  SDL_Color top = th->bg_top, clear = th->bg_top;
  clear.a = 0;
  if (S.scroll > 0)
    draw_vgrad(a->dr, (SDL_Rect){0, S.view.y, a->w, app_px(a, 40)}, top, clear);
}

static void click(app *a, const char *id) {
  if (screen_header_click(a, id)) return;
  if (!strcmp(id, "btn-back")) {
    screen_pop(a);
    return;
  }
  for (int i = 0; i < 4; i++)
    if (!strcmp(id, tab_ids[i])) {
      S.tab = i;
      S.scroll = 0;
      S.vel = 0;
      screen_relayout(a);
      return;
    }
  if (!strncmp(id, "item-", 5) && catalog_find(a, id + 5)) {
    jui_select(id + 5);
    screen_push(a, &scr_item);
  }
}

/* Drag to scroll: a press that travels further than the slop becomes a
 * scroll and no longer a tap on the card under it. */
static int event(app *a, const SDL_Event *ev) {
  uint64_t now = app_now_ms();
  switch (ev->type) {
  case SDL_MOUSEBUTTONDOWN: {
    SDL_Point p = {ev->button.x, ev->button.y};
    if (ev->button.button != SDL_BUTTON_LEFT || !SDL_PointInRect(&p, &S.view))
      return 0;
    S.dragging = 1;
    S.moved = 0;
    S.vel = 0;
    S.start_y = S.last_y = ev->button.y;
    S.last_ms = now;
    return 0;
  }
  case SDL_MOUSEMOTION: {
    if (!S.dragging) return 0;
    int y = ev->motion.y;
    if (!S.moved && abs(y - S.start_y) < app_px(a, DRAG_SLOP)) return 0;
    if (!S.moved) a->ws.pressed = -1;
    S.moved = 1;
    float dy = (float)(S.last_y - y);
    float dt = (float)(now - S.last_ms);
    S.scroll += dy;
    if (dt > 0) S.vel = 0.7f * (dy / dt) + 0.3f * S.vel;
    S.last_y = y;
    S.last_ms = now;
    screen_relayout(a);
    return 1;
  }
  case SDL_MOUSEBUTTONUP:
    if (!S.dragging) return 0;
    S.dragging = 0;
    if (!S.moved) return 0;
    /* A finger that stopped before lifting throws nothing. */
    if (now - S.last_ms > 80) S.vel = 0;
    S.tick_ms = now;
    a->ws.pressed = -1;
    return 1;
  default:
    return 0;
  }
}

static uint64_t tick(app *a, uint64_t now) {
  if (S.dragging || fabsf(S.vel) < 0.02f) {
    S.vel = 0;
    return UINT64_MAX;
  }
  float dt = (float)(now - S.tick_ms);
  if (dt <= 0) return now + 16;
  S.tick_ms = now;
  S.scroll += S.vel * dt;
  S.vel *= expf(-dt / (float)FRICTION_MS);
  if (S.scroll <= 0 || S.scroll >= S.max_scroll) S.vel = 0;
  screen_relayout(a);
  return now + 16;
}

const screen_ops scr_catalog = {.name = "catalog",
                                .enter = enter,
                                .layout = layout,
                                .draw = paint,
                                .click = click,
                                .event = event,
                                .tick = tick};
