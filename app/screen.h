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

typedef struct app app;

typedef struct screen_ops {
  const char *name; /* what `expect NAME` in a script compares */
  void (*enter)(app *a);
  void (*exit)(app *a);
  void (*layout)(app *a);
  void (*draw)(app *a);
  void (*click)(app *a, const char *id);
  int (*event)(app *a, const SDL_Event *ev); /* 1 when handled */
} screen_ops;

#define SCREEN_DEPTH 8

extern const screen_ops scr_attract;
extern const screen_ops scr_member;

void screen_replace(app *a, const screen_ops *s);
void screen_push(app *a, const screen_ops *s);
void screen_pop(app *a);
const screen_ops *screen_top(const app *a);
const char *screen_name(const app *a);
void screen_relayout(app *a);

/* Parts every screen shares: the background, the top bar (mall name,
 * language toggle `lang-toggle`, and with show_exit the `btn-exit` button)
 * and the toast and notice overlays. header_layout returns the y where the
 * screen's content starts. */
void screen_background(app *a);
int screen_header_layout(app *a, int show_exit);
void screen_header_draw(app *a, int show_exit);
/* A tap on a shared part; 1 when handled. */
int screen_header_click(app *a, const char *id);

#endif
