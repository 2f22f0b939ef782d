#include "screen.h"

#include <stdlib.h>

#include "app.h"
#include "tmpl.h"

/* The screen change under way: when it began (0 = none). */
static uint64_t tr_start;

/* SCREEN_TRANSITION_MS, or KIOSK_TRANSITION_MS from the environment (0 to
 * 1000; 0 = no fade), read once: long scripted soaks measure memory, not
 * fades, and skip them. */
static uint64_t transition_ms(void) {
  static long ms = -1;
  if (ms < 0) {
    const char *v = getenv("KIOSK_TRANSITION_MS");
    char *end = NULL;
    long n = v && *v ? strtol(v, &end, 10) : -1;
    ms = end && *end == '\0' && n >= 0 && n <= 1000 ? n : SCREEN_TRANSITION_MS;
  }
  return (uint64_t)ms;
}

int screen_transition_alpha(uint64_t start_ms, uint64_t now_ms,
                            uint64_t dur_ms) {
  if (!start_ms || !dur_ms || now_ms >= start_ms + dur_ms) return 0;
  if (now_ms <= start_ms) return 255;
  /* Ease out (cubic): most of the change early, settling gently. */
  double t = (double)(now_ms - start_ms) / (double)dur_ms;
  double u = 1.0 - t;
  return (int)(255.0 * u * u * u + 0.5);
}

int screen_transitioning(const app *a, uint64_t now_ms) {
  (void)a;
  return tr_start && now_ms < tr_start + transition_ms();
}

void screen_transition_draw(app *a) {
  int alpha = screen_transition_alpha(tr_start, app_now_ms(),
                                      transition_ms());
  if (!alpha) return;
  SDL_Color c = a->th.bg_top;
  c.a = (Uint8)alpha;
  draw_fill(a->dr, (SDL_Rect){0, 0, a->w, a->h}, c);
}

static void enter_top(app *a) {
  const screen_ops *s = a->stack[a->depth - 1];
  /* The new screen fades in from the background (screen_tick redraws until
   * it is done). Time-driven, so a slow frame shortens it, never lengthens. */
  tr_start = app_now_ms();
  wset_clear(&a->ws);
  if (s->enter) s->enter(a);
  if (s->layout) s->layout(a);
  screen_countdown_layout(a);
  app_dirty(a);
}

static void exit_top(app *a) {
  if (a->depth > 0 && a->stack[a->depth - 1]->exit)
    a->stack[a->depth - 1]->exit(a);
}

void screen_replace(app *a, const screen_ops *s) {
  exit_top(a);
  if (a->depth == 0) a->depth = 1;
  a->stack[a->depth - 1] = s;
  enter_top(a);
}

void screen_push(app *a, const screen_ops *s) {
  if (a->depth == SCREEN_DEPTH) {
    screen_replace(a, s);
    return;
  }
  exit_top(a);
  a->stack[a->depth++] = s;
  enter_top(a);
}

void screen_pop(app *a) {
  if (a->depth <= 1) return;
  exit_top(a);
  a->depth--;
  enter_top(a);
}

const screen_ops *screen_top(const app *a) {
  return a->depth ? a->stack[a->depth - 1] : NULL;
}

const char *screen_name(const app *a) {
  const screen_ops *s = screen_top(a);
  return s ? s->name : "";
}

void screen_relayout(app *a) {
  const screen_ops *s = screen_top(a);
  int pressed = a->ws.pressed;
  wset_clear(&a->ws);
  if (s && s->layout) s->layout(a);
  screen_countdown_layout(a);
  if (pressed < a->ws.n) a->ws.pressed = pressed;
  app_dirty(a);
}

uint64_t screen_tick(app *a, uint64_t now_ms) {
  const screen_ops *s = screen_top(a);
  uint64_t next = s && s->tick ? s->tick(a, now_ms) : UINT64_MAX;
  if (tr_start) {
    app_dirty(a); /* the next step, or the last frame without the veil */
    if (now_ms >= tr_start + transition_ms()) {
      tr_start = 0;
    } else {
      uint64_t step = now_ms + SCREEN_TRANSITION_STEP_MS;
      if (step < next) next = step;
    }
  }
  return next;
}

void screen_reset(app *a, const screen_ops *s) {
  exit_top(a);
  a->depth = 1;
  a->stack[0] = s;
  enter_top(a);
}

void screen_home(app *a) { screen_reset(a, &scr_member); }

int screen_base_is(const app *a, const screen_ops *s) {
  return a->depth > 0 && a->stack[0] == s;
}

static SDL_Rect countdown_box(app *a) {
  int dw = a->w < a->h ? a->w * 80 / 100 : a->w * 44 / 100;
  int dh = app_px(a, 520);
  return (SDL_Rect){(a->w - dw) / 2, a->h / 2 - dh / 2, dw, dh};
}

void screen_countdown_layout(app *a) {
  if (session_state_of(a->ses) != SESSION_ENDING) return;
  SDL_Rect d = countdown_box(a);
  int bw = d.w * 70 / 100, bh = app_px(a, a->th.button_h);
  wset_add(&a->ws, "btn-continue",
           (SDL_Rect){(a->w - bw) / 2, a->h / 2 + app_px(a, 90), bw, bh});
}

void screen_countdown_draw(app *a) {
  if (session_state_of(a->ses) != SESSION_ENDING) return;
  const theme *th = &a->th;
  draw_fill(a->dr, (SDL_Rect){0, 0, a->w, a->h}, th->overlay);
  SDL_Rect d = countdown_box(a);
  widget_panel(a, d, th->surface_hi);
  int h1 = app_px(a, th->type_h1), body = app_px(a, th->type_body);
  int y = d.y + app_px(a, 56);
  text_draw(a->tx, h1, 1, th->text, app_t(a, "session.idle_title"),
            d.x + d.w / 2, y, TEXT_CENTER);
  y += text_line_height(a->tx, h1, 1) + app_px(a, 12);
  char n[16], line[200];
  snprintf(n, sizeof n, "%d", session_countdown_left(a->ses, app_now_ms()));
  tmpl_fill(line, sizeof line, app_t(a, "session.idle_body"),
            (const char *[]){"seconds", n, NULL});
  text_wrap(a->tx, body, 0, th->text_muted, line,
            (SDL_Rect){d.x + app_px(a, 48), y, d.w - app_px(a, 96), 0},
            TEXT_CENTER, 1);
  widget_button(a, "btn-continue", app_t(a, "session.continue"),
                BUTTON_PRIMARY, app_px(a, th->type_title));
}

void screen_background(app *a) {
  const theme *th = &a->th;
  /* Two large, faint glows give the flat background some depth. */
  SDL_Color g1 = th->tier[3].to, g2 = th->tier[3].from;
  g1.a = 12;
  g2.a = 14;
  draw_glow glows[2] = {{a->w, app_px(a, 120), app_px(a, 560), g1},
                        {0, a->h - app_px(a, 80), app_px(a, 640), g2}};
  draw_backdrop(a->dr, a->w, a->h, th->bg_top, th->bg_bottom, glows, 2);
}

#define HEADER_H 200

int screen_header_layout(app *a, int show_exit) {
  int m = app_px(a, a->th.margin);
  int bh = app_px(a, 100);
  int y = app_px(a, (HEADER_H - 100) / 2);
  int tw = app_px(a, 230);
  wset_add(&a->ws, "lang-toggle", (SDL_Rect){a->w - m - tw, y, tw, bh});
  if (show_exit) {
    int ew = app_px(a, 200);
    wset_add(&a->ws, "btn-exit",
             (SDL_Rect){a->w - m - tw - app_px(a, 24) - ew, y, ew, bh});
  }
  return app_px(a, HEADER_H);
}

void screen_header_draw(app *a, int show_exit) {
  const theme *th = &a->th;
  int m = app_px(a, th->margin);
  const char *mall = a->mall[a->lang][0] ? a->mall[a->lang]
                                         : app_t(a, "header.mall_default");
  /* A small gold mark before the mall name stands in for a logo. */
  int mark = app_px(a, 18);
  int cy = app_px(a, HEADER_H) / 2;
  draw_circle(a->dr, m + mark, cy, mark, th->accent);
  draw_circle(a->dr, m + mark, cy, mark / 2, th->bg_top);
  int tx = m + mark * 2 + app_px(a, 24);
  int h1 = app_px(a, th->type_title), sm = app_px(a, th->type_small);
  int lh1 = text_line_height(a->tx, h1, 1);
  int lh2 = text_line_height(a->tx, sm, 0);
  int top = cy - (lh1 + lh2) / 2;
  text_draw(a->tx, h1, 1, th->text, mall, tx, top, TEXT_LEFT);
  text_draw(a->tx, sm, 0, th->text_muted, app_t(a, "header.subtitle"), tx,
            top + lh1, TEXT_LEFT);
  int bpx = app_px(a, th->type_body);
  widget_button(a, "lang-toggle", app_t(a, "lang.switch"), BUTTON_GHOST, bpx);
  if (show_exit)
    widget_button(a, "btn-exit", app_t(a, "member.exit"), BUTTON_SECONDARY,
                  bpx);
}

int screen_header_click(app *a, const char *id) {
  if (SDL_strcmp(id, "lang-toggle") == 0) {
    app_set_lang(a, a->lang == APP_ZH ? APP_EN : APP_ZH);
    return 1;
  }
  if (SDL_strcmp(id, "btn-exit") == 0) {
    app_end_session(a);
    return 1;
  }
  return 0;
}
