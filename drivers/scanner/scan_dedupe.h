/*
 * scan_dedupe: the same code seen again within a window is one scan.
 *
 * A camera at 15 fps reads a phone held in front of it many times a second,
 * and a wedge scanner may fire twice. scan_dedupe_fresh() says whether a
 * read is a new scan: a different payload, or the same one not seen for
 * window_ms. The window slides: a phone held there for a minute is still one
 * scan; taken away for longer than the window and shown again, it is two.
 *
 * Contract: remembers only the last payload (as a 16-byte digest); times are
 * a monotonic clock in milliseconds; not thread-safe.
 */
#ifndef SCAN_DEDUPE_H
#define SCAN_DEDUPE_H

#include <stddef.h>
#include <stdint.h>

#define SCAN_DEDUPE_WINDOW_MS 3000

typedef struct scan_dedupe scan_dedupe;

int scan_dedupe_new(scan_dedupe **out, int64_t window_ms, char *msg);
void scan_dedupe_free(scan_dedupe *d);
/* 1 if this read is a new scan, 0 if it repeats the last one. */
int scan_dedupe_fresh(scan_dedupe *d, const char *payload, size_t len,
                      int64_t now_ms);

#endif
