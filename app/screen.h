/*
 * screen: the kiosk's screens as modules on a stack.
 *
 * Each screen is a table of functions: enter/exit when it becomes or stops
 * being the top, layout to place its widgets (on entry, on a resize, when its
 * data changed), draw to paint the frame, click for a widget id, and an
 * optional raw event hook (keys, text). Screens read the session and the app
 * state and ask the app to act (app_* in app.h); they never do I/O.
 *
 * Contract: screen_replace/push/pop call exit on the old top and enter then
 * layout on the new one, and mark the frame dirty. The stack holds at most
 * SCREEN_DEPTH screens; push beyond that replaces the top.
 */
#ifndef SCREEN_H
#define SCREEN_H

#include <SDL.h>
#include <jansson.h>
#include <stdint.h>

typedef struct app app;

typedef struct screen_ops {
  const char *name; /* what `expect NAME` in a script compares */
  void (*enter)(app *a);
  void (*exit)(app *a);
  void (*layout)(app *a);
  void (*draw)(app *a);
  void (*click)(app *a, const char *id);
  int (*event)(app *a, const SDL_Event *ev); /* 1 when handled */
  /* Optional timer (animation, scrolling inertia): returns when it wants to
   * run again, UINT64_MAX for never. */
  uint64_t (*tick)(app *a, uint64_t now_ms);
} screen_ops;

#define SCREEN_DEPTH 8

extern const screen_ops scr_attract;
extern const screen_ops scr_member;
extern const screen_ops scr_catalog;
extern const screen_ops scr_item;
extern const screen_ops scr_result;
extern const screen_ops scr_checkin;
extern const screen_ops scr_parking;
extern const screen_ops scr_admin;
/* Earning and engagement (issue 10): receipt points, lottery, donations. */
extern const screen_ops scr_receipt;
extern const screen_ops scr_lottery;
extern const screen_ops scr_donate;
/* Offers (issue 10): limited-time redemptions and flash sales. */
extern const screen_ops scr_offers;
/* Wipes the plate and stay the parking screen holds (the session ended). */
void scr_parking_forget(void);
/* Drops the attract screen's camera preview texture (before the renderer). */
void scr_attract_close(void);
/* app.c: the answer to the attract screen's GET /v1/leaderboard (status 0
 * when the central was not reached; body NULL then). */
void scr_attract_board(app *a, long status, const json_t *body);
/* Stops the admin screen's worker (app_close, before the queue closes). */
void scr_admin_close(void);

void screen_replace(app *a, const screen_ops *s);
void screen_push(app *a, const screen_ops *s);
void screen_pop(app *a);
const screen_ops *screen_top(const app *a);
const char *screen_name(const app *a);
void screen_relayout(app *a);
/* Runs the top screen's tick; UINT64_MAX when it has none. While a screen
 * change is animating it asks for a frame every SCREEN_TRANSITION_STEP_MS. */
uint64_t screen_tick(app *a, uint64_t now_ms);

/* Screen changes (replace, push, pop, reset) fade the new screen in from
 * the background colour over SCREEN_TRANSITION_MS, driven by the clock, not
 * by frames; an idle kiosk draws nothing. */
#define SCREEN_TRANSITION_MS 180
#define SCREEN_TRANSITION_STEP_MS 16
/* The veil's opacity at now for a change that began at start: 255 at the
 * start, falling (ease-out) to 0 at start + dur and after; 0 when start is
 * 0 (none). Pure, for tests. */
int screen_transition_alpha(uint64_t start_ms, uint64_t now_ms,
                            uint64_t dur_ms);
/* 1 while a screen change is animating (scripts wait for its end). */
int screen_transitioning(const app *a, uint64_t now_ms);
/* The veil over the frame (app_draw, after the screen draws). */
void screen_transition_draw(app *a);
/* Back to the member screen with nothing on the stack above it. */
void screen_home(app *a);
/* The stack becomes just s (exit on the old top, enter on s). */
void screen_reset(app *a, const screen_ops *s);
/* 1 when the stack's bottom is s. */
int screen_base_is(const app *a, const screen_ops *s);

/* Parts every screen shares: the background, the top bar (mall name,
 * language toggle `lang-toggle`, and with show_exit the `btn-exit` button)
 * and the toast and notice overlays. header_layout returns the y where the
 * screen's content starts. */
void screen_background(app *a);
int screen_header_layout(app *a, int show_exit);
void screen_header_draw(app *a, int show_exit);
/* A tap on a shared part; 1 when handled. */
int screen_header_click(app *a, const char *id);

/* The idle countdown (session ENDING) over whatever screen is on top: its
 * `btn-continue` is laid out after the screen's own widgets, and drawn over
 * the frame. Any touch while it shows keeps the session (app.c). */
void screen_countdown_layout(app *a);
void screen_countdown_draw(app *a);

#endif
