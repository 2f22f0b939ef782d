/*
 * scan_wedge: the wedge:/dev/input/by-id/...-event-kbd source, a USB HID
 * barcode scanner that "types" the code it read and presses Enter.
 *
 * SDL cannot tell which keyboard a key came from, so the scanner's own evdev
 * node is read here and grabbed (EVIOCGRAB) so its keys never reach a text
 * field on screen. Key codes are turned into characters with a fixed US
 * layout (the scanner's factory setting) whatever layout the system has:
 * letters, digits, punctuation, space, keypad, with either Shift; Caps Lock,
 * Ctrl and Alt are ignored (a scanner sends Shift for capitals). Enter (main
 * or keypad) ends a code. A pause between two key presses longer than
 * wedge_key_gap_ms drops the partial code (a half-read code, or someone
 * leaning on a keyboard plugged in as the scanner); a code longer than
 * wedge_max_len is refused as a whole when its Enter comes. Pause and order
 * come from the events' own timestamps, so a recording replays the same.
 *
 * Contract: open() fails with KERR_NOT_FOUND when the node does not exist
 * and KERR_DENIED without read permission (the kiosk user must be in the
 * "input" group or get a udev rule). A node that cannot be grabbed (a pipe
 * or FIFO in tests, or another program holding the grab) is still read.
 * End of file or ENODEV loses the source (unplugged).
 */
#ifndef SCAN_WEDGE_H
#define SCAN_WEDGE_H

#include <stddef.h>
#include <stdint.h>

#include "scan_source.h"

extern const scan_source_ops scan_wedge_ops;

/* The key decoder alone, for tests and replaying recordings. */
typedef struct scan_wedge_keys scan_wedge_keys;

int scan_wedge_keys_new(scan_wedge_keys **out, int max_len, int gap_ms,
                        char *msg);
void scan_wedge_keys_free(scan_wedge_keys *k);
/* Feeds one evdev event (type, code, value as in struct input_event; time in
 * microseconds). Returns 1 when Enter completed a code (copied to out,
 * NUL-terminated, *len set), 0 when nothing completed, KERR_INVALID when
 * Enter ended a code longer than max_len (dropped; msg says so). */
int scan_wedge_keys_feed(scan_wedge_keys *k, int type, int code, int value,
                         int64_t time_us, char *out, size_t cap, size_t *len,
                         char *msg);

#endif
