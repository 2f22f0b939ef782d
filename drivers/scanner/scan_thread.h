/*
 * scan_thread: one scanner source, read and decoded on a thread of its own.
 *
 * scan_thread_start() parses the source URI (scan_source.h: camera:DEV,
 * wedge:DEV, dir:PATH, image:FILE) and starts a thread that opens the
 * source, decodes its frames with a scan_zbar decoder of its own (the same
 * decode path for camera frames and image files), drops repeats of the same
 * payload within the dedupe window (scan_dedupe), and reports to on_event:
 *
 *   PAYLOAD  a new scan: payload bytes (NUL-terminated, may hold NULs), len
 *   STATE    the source became OK, ABSENT (cannot be opened: not plugged in,
 *            no permission, wrong format) or UNPLUGGED (was working, lost);
 *            rc and msg say why. Sent on changes only; the first open's
 *            outcome is always sent.
 *   REJECT   one item was unusable (a garbage file, a code longer than
 *            SCAN_SOURCE_PAYLOAD_MAX - 1, an over-long typed code); the
 *            source stays up. Also logged.
 *
 * A source that cannot be opened or is lost is tried again every retry_ms,
 * so a camera plugged in later starts working without a restart; the kiosk
 * keeps running with its other sources meanwhile. Payload bytes are never
 * logged (a member code is a credential for its validity), only lengths.
 *
 * Contract: on_event runs on the scanner thread, one call at a time; the
 * event and its strings are valid only during the call (copy what you keep;
 * the kiosk copies it into an SDL user event). It must not call
 * scan_thread_stop(). scan_thread_stop() wakes the thread, waits for it
 * (prompt: every wait inside a source also watches the stop pipe), and
 * after it returns on_event is never called again.
 */
#ifndef SCAN_THREAD_H
#define SCAN_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "scan_source.h"

typedef enum {
  SCAN_EVENT_PAYLOAD,
  SCAN_EVENT_STATE,
  SCAN_EVENT_REJECT,
} scan_event_kind;

typedef enum {
  SCAN_STATE_OK,
  SCAN_STATE_ABSENT,
  SCAN_STATE_UNPLUGGED,
} scan_state;

typedef struct {
  scan_event_kind kind;
  const char *scheme;  /* "camera", "wedge", "dir", "image" */
  const char *payload; /* PAYLOAD */
  size_t len;
  scan_state state; /* STATE */
  int rc;           /* STATE (KERR_OK for OK) and REJECT */
  const char *msg;  /* STATE and REJECT: detail for the log/admin screen */
} scan_event;

typedef void (*scan_thread_fn)(void *ctx, const scan_event *ev);

typedef struct {
  scan_source_opts source;
  int dedupe_ms;     /* 0: SCAN_DEDUPE_WINDOW_MS (3 s); negative: off */
  int retry_ms;      /* reopen interval, 0: 3000 */
  int preview_files; /* 1: file frames also feed the preview (demo, tests) */
} scan_thread_opts;

typedef struct scan_thread scan_thread;

/* opts may be NULL. Fails (KERR_CONFIG) only on a bad URI or when the
 * thread cannot be started; an absent device is a STATE event instead. */
int scan_thread_start(const char *uri, scan_thread_fn on_event, void *ctx,
                      const scan_thread_opts *opts, scan_thread **out,
                      char *msg);
void scan_thread_stop(scan_thread *t);

/* The latest frame of a camera source as grey, box-downscaled to at most
 * SCAN_PREVIEW_MAX pixels on each side, for the member to aim with. Copies
 * it into dst (cap >= SCAN_PREVIEW_MAX * SCAN_PREVIEW_MAX always suffices)
 * and returns 1 when it is newer than *seq (updated), 0 when there is no
 * newer frame, KERR_INVALID when cap is too small. Callable from any thread;
 * the lock is held only for the copy. */
#define SCAN_PREVIEW_MAX 320
int scan_thread_preview(scan_thread *t, uint8_t *dst, size_t cap, int *w,
                        int *h, uint64_t *seq);

/* Box-downscales a w x h grey frame (row stride `stride`) by the smallest
 * integer factor that fits max x max into dst; writes *dw, *dh. */
void scan_thread_downscale(const uint8_t *src, int w, int h, int stride,
                           int max, uint8_t *dst, int *dw, int *dh);

#endif
