/*
 * mcw: the member cache (net/mcache.h) off the UI thread.
 *
 * The UI thread hands over puts (a profile the central just sent) and one
 * lookup at a time (the central was unreachable at scan time); a worker
 * thread opens the cache in the state dir, does the disk work, sweeps
 * expired members every hour, and answers a lookup by calling wake(ctx)
 * (which only posts an event); the UI thread then takes the answer with
 * mcw_answer(). A cache that cannot open (a storage fault) is logged and
 * opened again at the next job: the kiosk serves without it.
 *
 * Contract: mcw_put/get/answer/stop are UI-thread calls that never touch
 * the disk. A newer mcw_get() replaces an older unanswered one. Profiles
 * are scrubbed by mcache_put (no phone numbers ever reach the file).
 */
#ifndef MCW_H
#define MCW_H

#include <stdint.h>

#include "kerr.h"

typedef struct mcw mcw;

int mcw_start(const char *dir, void (*wake)(void *ctx), void *ctx, mcw **out,
              char *msg);
void mcw_stop(mcw *w);

/* Copies both strings; dropped (logged) when the worker is behind. */
void mcw_put(mcw *w, const char *member_id, const char *profile_json);
/* Looks member_id up for session generation gen. */
void mcw_get(mcw *w, unsigned gen, const char *member_id);
/* 1 when a lookup was answered: *gen, and *profile_json (malloc'd, NULL
 * when the member is not cached) with *seen_at (unix seconds). */
int mcw_answer(mcw *w, unsigned *gen, char **profile_json, int64_t *seen_at);

#endif
