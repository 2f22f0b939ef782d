/*
 * demo_central: `kiosk --demo` starts its own reference central.
 *
 * Runs `kiosk-central --listen 127.0.0.1:0 --db STATE_DIR/demo-central.db
 * --demo` from the kiosk binary's own folder (/proc/self/exe; the
 * environment variable KIOSK_CENTRAL_BIN overrides it), waits up to 10 s for
 * its `listening on http://127.0.0.1:PORT` line and hands back that URL.
 *
 * Contract: the child dies with the kiosk (PR_SET_PDEATHSIG) even if the
 * kiosk crashes; demo_central_stop() sends SIGTERM, waits up to 3 s, then
 * SIGKILL, and reaps it. Call start before any other thread exists.
 */
#ifndef DEMO_CENTRAL_H
#define DEMO_CENTRAL_H

#include <stddef.h>

#include "kerr.h"

typedef struct demo_central demo_central;

int demo_central_start(const char *state_dir, demo_central **out, char *url,
                       size_t url_cap, char *msg);
void demo_central_stop(demo_central *dc);

#endif
