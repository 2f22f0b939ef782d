/*
 * widget: the retained part of the UI: each screen lays out its touch
 * targets (buttons, cards, toggles) with stable ids, and this module turns
 * mouse and touch events into presses and clicks. The drawing helpers paint
 * a widget in its current state, so a touch shows within one frame.
 *
 * Contract: ids are unique within a set (a second wset_add with the same id
 * replaces the first); a click is a press and a release on the same widget;
 * moving off a pressed widget cancels it. The set never allocates.
 */
#ifndef WIDGET_H
#define WIDGET_H

#include <SDL.h>

#include "text.h"

#define WSET_MAX 48
#define WIDGET_ID_MAX 40

typedef struct app app;

typedef struct {
  char id[WIDGET_ID_MAX];
  SDL_Rect r;
} widget;

typedef struct {
  widget items[WSET_MAX];
  int n;
  int pressed; /* index, -1 for none */
} wset;

enum { WSET_NONE, WSET_CHANGED, WSET_CLICKED };

void wset_clear(wset *w);
const widget *wset_add(wset *w, const char *id, SDL_Rect r);
const widget *wset_find(const wset *w, const char *id);
int wset_is_pressed(const wset *w, const char *id);
/* Feeds a mouse button or motion event; on WSET_CLICKED *clicked names the
 * widget (valid until the set changes). */
int wset_event(wset *w, const SDL_Event *ev, const char **clicked);

typedef enum { BUTTON_PRIMARY, BUTTON_SECONDARY, BUTTON_GHOST } button_style;

/* Paints the button laid out under id (screens add widgets in layout and
 * paint them in draw); nothing when id is not laid out. */
void widget_button(app *a, const char *id, const char *label,
                   button_style style, int px);
/* A rounded panel with a soft shadow. */
void widget_panel(app *a, SDL_Rect r, SDL_Color fill);
/* A rounded tag (label on a tinted pill); returns its width. */
int widget_pill(app *a, int x, int y, const char *label, SDL_Color fill,
                SDL_Color fg, int px);

#endif
