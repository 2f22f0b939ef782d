/* The hidden way into the admin screen: a press held HOLD_ADMIN_MS on the
 * widget "admin-gesture" (the mall logo) of the attract or storage screen;
 * the PIN screen guards what follows. A script's `press admin-gesture`
 * stands in for the hold (the screens' click handlers).
 *
 * Contract: a screen keeps its own `uint64_t since` (0 = no hold), passes
 * every event to hold_event and calls hold_tick from its tick. hold_tick
 * returns when to wake next (UINT64_MAX when no hold is under way); once the
 * hold is complete it pushes the admin screen, clears since and returns
 * UINT64_MAX. Releasing the button or sliding off the widget ends a hold.
 * UI thread only. */
#ifndef HOLD_H
#define HOLD_H

#include <SDL.h>
#include <stdint.h>

#include "app.h"

#define HOLD_ADMIN_MS 3000

void hold_event(app *a, const SDL_Event *ev, uint64_t *since);
uint64_t hold_tick(app *a, uint64_t now, uint64_t *since);

#endif
