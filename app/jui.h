/*
 * jui: drawing pieces the journey screens share (catalog, item, result,
 * check-in): the title row with its back button, an item's image (or a
 * drawn stand-in while it loads, never an empty box), the progress spinner
 * and the big result marks, drawn from round strokes because the font has no
 * icons.
 *
 * Contract: UI thread; layout functions add widgets, draw functions only
 * paint. Nothing here keeps state but the time-based spinner phase.
 */
#ifndef JUI_H
#define JUI_H

#include <SDL.h>
#include <stdint.h>

#include "catalog.h"

typedef struct app app;

typedef enum { JUI_OK, JUI_FAIL, JUI_CLOCK, JUI_PRINTER } jui_mark_kind;

/* Adds `btn-back` under the header; returns where the content starts. */
int jui_title_layout(app *a, int top);
/* The back button, the title and the member's points on the right. */
void jui_title_draw(app *a, int top, const char *title);

/* The item's picture fitted into r on a light tile. */
void jui_image(app *a, const catalog_item *it, SDL_Rect r);
/* A ring of dots turning with the clock. */
void jui_spinner(app *a, int cx, int cy, int radius, SDL_Color c);
/* A round badge with a mark inside. */
void jui_mark(app *a, int cx, int cy, int radius, jui_mark_kind k);
/* A thick round-ended stroke. */
void jui_stroke(app *a, int x0, int y0, int x1, int y1, int t, SDL_Color c);

/* The item the member picked in the catalog (for the item screen). */
void jui_select(const char *item_id);
const char *jui_selected(void);

const char *jui_name(const app *a, const catalog_item *it);
const char *jui_desc(const app *a, const catalog_item *it);

#endif
