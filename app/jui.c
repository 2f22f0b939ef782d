#include "jui.h"

#include <math.h>
#include <stdio.h>

#include "app.h"
#include "tmpl.h"

#define TITLE_H 130

int jui_title_layout(app *a, int top) {
  int m = app_px(a, a->th.margin);
  wset_add(&a->ws, "btn-back",
           (SDL_Rect){m, top + app_px(a, 10), app_px(a, 200), app_px(a, 104)});
  return top + app_px(a, TITLE_H);
}

void jui_title_draw(app *a, int top, const char *title) {
  const theme *th = &a->th;
  int m = app_px(a, th->margin);
  widget_button(a, "btn-back", app_t(a, "catalog.back"), BUTTON_GHOST,
                app_px(a, th->type_body));
  int h2 = app_px(a, th->type_h2), sm = app_px(a, th->type_small);
  int cy = top + app_px(a, 10) + app_px(a, 104) / 2;
  int title_end = m + app_px(a, 236) +
                  text_draw(a->tx, h2, 1, th->text, title, m + app_px(a, 236),
                            cy - text_line_height(a->tx, h2, 1) / 2, TEXT_LEFT);
  const session_member *mem = session_member_of(a->ses);
  if (!mem) return;
  char n[32];
  tmpl_number(mem->points, n, sizeof n);
  int tw = text_draw(a->tx, h2, 1, th->accent, n, a->w - m,
                     cy - text_line_height(a->tx, h2, 1) / 2, TEXT_RIGHT);
  /* The caption only where it clears the title (a long English title on a
   * portrait screen): the number alone still says it. */
  const char *label = app_t(a, "member.points_label");
  int lw = 0, lh = 0;
  text_measure(a->tx, sm, 0, label, &lw, &lh);
  int label_right = a->w - m - tw - app_px(a, 14);
  if (label_right - lw < title_end + app_px(a, 16)) return;
  text_draw(a->tx, sm, 0, th->text_muted, label, label_right,
            cy - text_line_height(a->tx, sm, 0) / 2 + app_px(a, 4), TEXT_RIGHT);
}

/* A gift box of shapes: what a card shows until its picture arrives. */
static void stand_in(app *a, SDL_Rect r) {
  const theme *th = &a->th;
  int s = (r.w < r.h ? r.w : r.h) * 2 / 5;
  int cx = r.x + r.w / 2, cy = r.y + r.h / 2;
  SDL_Color box = th->line, rib = th->text_muted;
  draw_rrect(a->dr, (SDL_Rect){cx - s / 2, cy - s / 3, s, s * 5 / 6}, s / 10, box);
  draw_rrect(a->dr, (SDL_Rect){cx - s / 2 - s / 12, cy - s / 2, s + s / 6, s / 4},
             s / 14, box);
  draw_fill(a->dr, (SDL_Rect){cx - s / 14, cy - s / 2, s / 7, s * 6 / 6}, rib);
  draw_circle(a->dr, cx - s / 6, cy - s / 2 - s / 10, s / 8, rib);
  draw_circle(a->dr, cx + s / 6, cy - s / 2 - s / 10, s / 8, rib);
}

void jui_image(app *a, const catalog_item *it, SDL_Rect r) {
  const theme *th = &a->th;
  int rad = app_px(a, th->radius_small);
  if (!it || !it->tex) {
    draw_rrect(a->dr, r, rad, th->surface_hi);
    stand_in(a, r);
    return;
  }
  /* Fitted whole; the tile shows only where the picture leaves room. */
  float sx = (float)r.w / (float)it->tex_w, sy = (float)r.h / (float)it->tex_h;
  float sc = sx < sy ? sx : sy;
  int w = (int)(it->tex_w * sc), h = (int)(it->tex_h * sc);
  SDL_Rect dst = {r.x + (r.w - w) / 2, r.y + (r.h - h) / 2, w, h};
  /* The pictures have a flat background: extend it to fill the tile. */
  if (w < r.w || h < r.h) draw_rrect(a->dr, r, rad, it->tex_bg);
  SDL_RenderCopy(a->ren, it->tex, NULL, &dst);
}

void jui_spinner(app *a, int cx, int cy, int radius, SDL_Color c) {
  const int n = 12;
  double phase = (double)(app_now_ms() % 1200) / 1200.0;
  int lead = (int)(phase * n);
  for (int i = 0; i < n; i++) {
    double ang = 2.0 * M_PI * i / n - M_PI / 2;
    int age = (lead - i + n) % n; /* 0 = the newest dot */
    SDL_Color d = c;
    d.a = (Uint8)(255 - age * 200 / n);
    int dr = radius / 7 - age * radius / (7 * n * 2);
    if (dr < 2) dr = 2;
    draw_circle(a->dr, cx + (int)(cos(ang) * radius), cy + (int)(sin(ang) * radius),
                dr, d);
  }
}

void jui_stroke(app *a, int x0, int y0, int x1, int y1, int t, SDL_Color c) {
  double dx = x1 - x0, dy = y1 - y0, len = sqrt(dx * dx + dy * dy);
  int steps = (int)(len / (t * 0.35)) + 1;
  for (int i = 0; i <= steps; i++)
    draw_circle(a->dr, x0 + (int)(dx * i / steps), y0 + (int)(dy * i / steps),
                t / 2, c);
}

void jui_mark(app *a, int cx, int cy, int r, jui_mark_kind k) {
  const theme *th = &a->th;
  SDL_Color ring = k == JUI_OK      ? th->success
                   : k == JUI_FAIL  ? th->danger
                                    : th->accent;
  /* Opaque: translucent circles double up where their quadrants meet. */
  SDL_Color bg = th->bg_top, soft = {(Uint8)((bg.r * 4 + ring.r) / 5),
                                     (Uint8)((bg.g * 4 + ring.g) / 5),
                                     (Uint8)((bg.b * 4 + ring.b) / 5), 255};
  draw_circle(a->dr, cx, cy, r + app_px(a, 18), soft);
  draw_circle(a->dr, cx, cy, r, ring);
  SDL_Color ink = th->bg_top;
  int t = r / 5;
  switch (k) {
  case JUI_OK:
    jui_stroke(a, cx - r / 2, cy, cx - r / 8, cy + r * 2 / 5, t, ink);
    jui_stroke(a, cx - r / 8, cy + r * 2 / 5, cx + r / 2, cy - r * 2 / 5, t, ink);
    break;
  case JUI_FAIL:
    jui_stroke(a, cx - r * 2 / 5, cy - r * 2 / 5, cx + r * 2 / 5, cy + r * 2 / 5, t, ink);
    jui_stroke(a, cx + r * 2 / 5, cy - r * 2 / 5, cx - r * 2 / 5, cy + r * 2 / 5, t, ink);
    break;
  case JUI_CLOCK:
    draw_circle(a->dr, cx, cy, r * 3 / 5, ink);
    draw_circle(a->dr, cx, cy, r * 3 / 5 - t * 2 / 3, ring);
    jui_stroke(a, cx, cy, cx, cy - r * 2 / 5, t * 2 / 3, ink);
    jui_stroke(a, cx, cy, cx + r / 4, cy + r / 6, t * 2 / 3, ink);
    break;
  case JUI_PRINTER:
    draw_rrect(a->dr, (SDL_Rect){cx - r / 2, cy - r / 5, r, r * 2 / 5}, t / 2, ink);
    draw_fill(a->dr, (SDL_Rect){cx - r / 3, cy - r / 2, r * 2 / 3, r / 3}, ink);
    draw_fill(a->dr, (SDL_Rect){cx - r / 3, cy + r / 10, r * 2 / 3, r * 2 / 5},
              (SDL_Color){255, 255, 255, 255});
    break;
  }
}

const char *jui_name(const app *a, const catalog_item *it) {
  return app_pick(a, it->name_zh, it->name_en);
}

const char *jui_desc(const app *a, const catalog_item *it) {
  return app_pick(a, it->desc_zh, it->desc_en);
}

static char selected[32];

void jui_select(const char *item_id) {
  snprintf(selected, sizeof selected, "%s", item_id ? item_id : "");
}

const char *jui_selected(void) { return selected; }
