/*
 * ui: the window, the renderer and the main loop.
 *
 * The software renderer is the default (hints SDL_RENDER_DRIVER=software and
 * SDL_FRAMEBUFFER_ACCELERATION=0 before the window exists: measured here it
 * keeps the kiosk near 40 MB, where GL through llvmpipe costs 140 MB);
 * `renderer = accelerated` in the config leaves the choice to SDL. Full
 * screen unless windowed (the dummy video driver always gets a window of
 * the requested size, for headless scripts).
 *
 * Contract: ui_run() sleeps in SDL_WaitEventTimeout until an event or the
 * next timer, and draws only when something changed, so an idle kiosk uses
 * almost no CPU. It returns the process exit code (a script's result, or 0).
 */
#ifndef UI_H
#define UI_H

#include "app.h"

int ui_open(app *a, char *msg);
void ui_close(app *a);
int ui_run(app *a);
/* Asks for r alone to be drawn again (a small animation), without marking
 * the whole frame dirty. With the software renderer the next pass redraws
 * the top screen clipped to r and updates only r on the window; other
 * renderers (whose back buffer is lost at present) draw a whole frame. A
 * dirty frame takes the request with it. For screens that set no clip
 * rectangle of their own (the attract screen). */
void ui_dirty_rect(app *a, SDL_Rect r);
/* Draws the current frame and writes it as PNG (parent folders created). */
int ui_shot(app *a, const char *path, char *msg);

#endif
