#include "widget.h"

#include <stdio.h>
#include <string.h>

#include "app.h"

void wset_clear(wset *w) {
  w->n = 0;
  w->pressed = -1;
}

const widget *wset_add(wset *w, const char *id, SDL_Rect r) {
  int i;
  for (i = 0; i < w->n; i++)
    if (strcmp(w->items[i].id, id) == 0) break;
  if (i == w->n) {
    if (w->n == WSET_MAX) return NULL;
    w->n++;
  }
  snprintf(w->items[i].id, sizeof w->items[i].id, "%s", id);
  w->items[i].r = r;
  return &w->items[i];
}

const widget *wset_find(const wset *w, const char *id) {
  for (int i = 0; i < w->n; i++)
    if (strcmp(w->items[i].id, id) == 0) return &w->items[i];
  return NULL;
}

int wset_is_pressed(const wset *w, const char *id) {
  return w->pressed >= 0 && w->pressed < w->n &&
         strcmp(w->items[w->pressed].id, id) == 0;
}

static int hit(const wset *w, int x, int y) {
  SDL_Point p = {x, y};
  /* Last added is on top. */
  for (int i = w->n - 1; i >= 0; i--)
    if (SDL_PointInRect(&p, &w->items[i].r)) return i;
  return -1;
}

int wset_event(wset *w, const SDL_Event *ev, const char **clicked) {
  switch (ev->type) {
  case SDL_MOUSEBUTTONDOWN:
    if (ev->button.button != SDL_BUTTON_LEFT) return WSET_NONE;
    w->pressed = hit(w, ev->button.x, ev->button.y);
    return w->pressed >= 0 ? WSET_CHANGED : WSET_NONE;
  case SDL_MOUSEMOTION:
    if (w->pressed >= 0 && hit(w, ev->motion.x, ev->motion.y) != w->pressed) {
      w->pressed = -1;
      return WSET_CHANGED;
    }
    return WSET_NONE;
  case SDL_MOUSEBUTTONUP: {
    if (ev->button.button != SDL_BUTTON_LEFT || w->pressed < 0)
      return WSET_NONE;
    int was = w->pressed;
    w->pressed = -1;
    if (hit(w, ev->button.x, ev->button.y) == was) {
      *clicked = w->items[was].id;
      return WSET_CLICKED;
    }
    return WSET_CHANGED;
  }
  default:
    return WSET_NONE;
  }
}

static SDL_Color darker(SDL_Color c, int pct) {
  return (SDL_Color){(Uint8)(c.r * pct / 100), (Uint8)(c.g * pct / 100),
                     (Uint8)(c.b * pct / 100), c.a};
}

void widget_button(app *a, const char *id, const char *label,
                   button_style style, int px) {
  const widget *w = wset_find(&a->ws, id);
  if (!w) return;
  const theme *th = &a->th;
  int pressed = wset_is_pressed(&a->ws, id);
  SDL_Rect r = w->r;
  int rad = r.h / 2 < app_px(a, th->radius) ? r.h / 2 : app_px(a, th->radius);
  SDL_Color fill, fg;
  switch (style) {
  case BUTTON_PRIMARY:
    fill = th->accent;
    fg = th->accent_text;
    break;
  case BUTTON_SECONDARY:
    fill = th->surface_hi;
    fg = th->text;
    break;
  default:
    fill = (SDL_Color){0, 0, 0, 0};
    fg = th->text;
    break;
  }
  if (pressed) {
    /* Sink by a few pixels and darken: visible feedback within the frame. */
    r.y += app_px(a, 4);
    fill = darker(fill, 80);
  } else if (style != BUTTON_GHOST) {
    draw_shadow(a->dr, r, rad, app_px(a, 10), 70);
  }
  if (style == BUTTON_GHOST) {
    if (pressed) draw_rrect(a->dr, r, rad, (SDL_Color){255, 255, 255, 30});
    draw_rrect_outline(a->dr, r, rad, app_px(a, 3) > 1 ? app_px(a, 3) : 1,
                       th->line);
  } else {
    draw_rrect(a->dr, r, rad, fill);
  }
  int lh = 0;
  text_measure(a->tx, px, 1, label, NULL, &lh);
  text_draw(a->tx, px, 1, fg, label, r.x + r.w / 2, r.y + (r.h - lh) / 2,
            TEXT_CENTER);
}

void widget_panel(app *a, SDL_Rect r, SDL_Color fill) {
  int rad = app_px(a, a->th.radius);
  draw_shadow(a->dr, r, rad, app_px(a, 16), 90);
  draw_rrect(a->dr, r, rad, fill);
}

int widget_pill(app *a, int x, int y, const char *label, SDL_Color fill,
                SDL_Color fg, int px) {
  int w = 0, h = 0;
  text_measure(a->tx, px, 1, label, &w, &h);
  int padx = px * 2 / 3, pady = px / 6;
  SDL_Rect r = {x, y, w + 2 * padx, h + 2 * pady};
  draw_rrect(a->dr, r, r.h / 2, fill);
  text_draw(a->tx, px, 1, fg, label, x + padx, y + pady, TEXT_LEFT);
  return r.w;
}
