/*
 * script_run: runs a parsed script inside the kiosk's main loop.
 *
 * Input goes through the same paths as a person's: taps become SDL mouse
 * events, `scan` goes to app_scan_payload(). Commands that need the kiosk to
 * catch up wait for it, at most 5 s each: `press` until the widget exists
 * and the screen change's fade (screen.h) has ended,
 * `expect` until the screen matches and no request or scan is in flight,
 * `shot` until nothing is in flight and no fade is under way.
 *
 * Contract: script_run_step() never blocks; it returns the time it wants to
 * be called again. When the script ends (quit or its last line) it sets
 * a->quit with a->exit_code 0, or 1 after a failed expect or press, with a
 * "file:line: ..." message on stderr.
 */
#ifndef SCRIPT_RUN_H
#define SCRIPT_RUN_H

#include <stdint.h>

#include "app.h"
#include "script.h"

#define SCRIPT_RUN_PATIENCE_MS 5000

/* Takes ownership of s. */
script_run *script_run_new(script *s);
void script_run_free(script_run *r);
uint64_t script_run_step(script_run *r, app *a, uint64_t now_ms);

#endif
