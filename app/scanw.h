/*
 * scanw: the kiosk's scanners. Each configured source ([scanner] source,
 * cfg.h: camera:, wedge:, dir:, image:) runs on a scan_thread of its own
 * (drivers/scanner/scan_thread.h: open, decode with scan_zbar, dedupe,
 * reopen when lost); the demo cards' codes are drawn as QR images and
 * decoded with the same scan_zbar decode path on a small demo thread. QR
 * drawing and decoding never run on the UI thread.
 *
 * Everything comes back as one scanw_result per event through on_done, on
 * the thread that produced it; the kiosk's callback only posts it as an
 * SDL event (EVENTS_SCAN). Payloads are raw bytes: the app classifies them
 * (scan_classify) before anything else sees them.
 *
 * Contract: scanw_start() fails only on a bad source list or when a thread
 * cannot start; an absent or unplugged device is a state (scanw_source),
 * and the kiosk keeps working with the other sources. scanw_submit_code()
 * never blocks on decoding (KERR_BUSY past 8 waiting codes) and answers
 * each accepted code exactly once (rc KERR_BUSY at shutdown). scanw_source
 * and scanw_preview are thread-safe. scanw_stop() stops every thread; no
 * callback runs after it returns. The callback owns the result.
 */
#ifndef SCANW_H
#define SCANW_H

#include <stddef.h>
#include <stdint.h>

#include "kerr.h"
#include "scan_thread.h"

#define SCANW_MAX_SOURCES 4
#define SCANW_DEMO (-1) /* scanw_result.source of the demo path */

typedef struct scanw scanw;

typedef struct {
  int source;           /* index in the configured list, or SCANW_DEMO */
  scan_event_kind kind; /* PAYLOAD, STATE or REJECT; the demo path
                           answers PAYLOAD (found or not) or REJECT */
  int found;            /* PAYLOAD: 1 when a code was read */
  scan_state state;     /* STATE */
  int rc;
  char payload[SCAN_SOURCE_PAYLOAD_MAX];
  size_t len;
  kerr_msg msg;
} scanw_result;

typedef void (*scanw_done_fn)(void *ctx, scanw_result *result);

/* sources: the config's comma-separated list, "" for none. With
 * preview_files the file sources feed the preview too (tests, demos). */
int scanw_start(const char *sources, int preview_files, scanw_done_fn on_done,
                void *ctx, scanw **out, char *msg);
/* The demo path: payload drawn as a QR code and decoded. */
int scanw_submit_code(scanw *s, const char *payload);
void scanw_stop(scanw *s);
void scanw_result_free(scanw_result *r);

/* Configured sources: how many, and source i's scheme and latest state
 * (have_state 0 until its first open was tried). */
int scanw_count(const scanw *s);
void scanw_source(scanw *s, int i, const char **scheme, int *have_state,
                  scan_state *state);
/* 1 when a source offers a preview (a camera, or any with preview_files). */
int scanw_has_preview(const scanw *s);
/* The newest preview frame (scan_thread_preview of that source). */
int scanw_preview(scanw *s, uint8_t *dst, size_t cap, int *w, int *h,
                  uint64_t *seq);

#endif
