/*
 * scan_source: where scans come from, behind one ops table.
 *
 *   camera:/dev/video0   V4L2 through zbar_video_* (grey frames to decode)
 *   wedge:/dev/input/by-id/...-event-kbd
 *                        a USB HID scanner that types the code (payloads)
 *   dir:PATH             image files dropped into a folder (demo, tests)
 *   image:FILE           one image file, read once
 *
 * A source yields items: a grey FRAME the scanner thread decodes with the
 * same code for every source (scan_zbar), or a PAYLOAD a device decoded
 * itself (the wedge), or a REJECT (one file or key sequence was unusable;
 * the source stays up). scan_source_parse() is the only place that reads a
 * source URI.
 *
 * Contract for an ops table: open() prepares the source and returns 0, or
 * KERR_NOT_FOUND when the device or path is not there, or another negative
 * KERR_* (message filled); the caller retries a failed open later. next()
 * waits at most timeout_ms for an item, and returns early with
 * SCAN_ITEM_NONE as soon as wake_fd is readable (the thread's stop pipe).
 * It returns 0 with item filled, or a negative KERR_* when the source was
 * lost (device unplugged, folder removed): the caller closes it and calls
 * open() again later. Pointers in an item stay valid until the next call to
 * next() or close(). Sources are used by one thread at a time.
 */
#ifndef SCAN_SOURCE_H
#define SCAN_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#define SCAN_SOURCE_URI_MAX 512
/* Longest payload handed on; a member code is about 150 bytes, and the
 * classifier refuses anything longer than MCODE_MAX_LEN anyway. */
#define SCAN_SOURCE_PAYLOAD_MAX 1024

typedef enum {
  SCAN_ITEM_NONE,    /* nothing within the timeout, or woken */
  SCAN_ITEM_FRAME,   /* grey, w, h, stride: decode it */
  SCAN_ITEM_PAYLOAD, /* payload, len: already decoded by the device */
  SCAN_ITEM_REJECT,  /* rc and msg say why; the source stays up */
  SCAN_ITEM_END,     /* nothing more will ever come (image:FILE) */
} scan_item_kind;

typedef struct {
  scan_item_kind kind;
  const uint8_t *grey;
  int w, h, stride;
  const char *payload;
  size_t len;
  int rc;
  char name[SCAN_SOURCE_URI_MAX]; /* where the item came from, for logs */
} scan_item;

/* Settings a source reads at open(); zero fields take the defaults. */
typedef struct {
  int camera_w, camera_h; /* requested size, default 1280x720 */
  int wedge_max_len;      /* longest code typed, default 512 */
  int wedge_key_gap_ms;   /* a longer pause drops a partial code; 500 */
} scan_source_opts;

typedef struct {
  const char *scheme; /* "camera", "wedge", "dir", "image" */
  int live;           /* 1: frames worth a preview (a camera) */
  int (*open)(void **state, const char *arg, const scan_source_opts *opts,
              char *msg);
  int (*next)(void *state, int wake_fd, int timeout_ms, scan_item *item,
              char *msg);
  void (*close)(void *state);
} scan_source_ops;

/* Splits "scheme:arg" and finds the scheme's ops. A bare "wedge" or
 * "camera" takes the default device (/dev/input/by-id/ has no fixed name,
 * so a bare wedge is a config error). Returns KERR_CONFIG for an unknown
 * scheme, an empty or too long argument. */
int scan_source_parse(const char *uri, const scan_source_ops **ops, char *arg,
                      size_t argcap, char *msg);

/* The opts with every zero field replaced by its default. */
scan_source_opts scan_source_opts_resolve(const scan_source_opts *opts);

/* Waits up to timeout_ms (-1: forever) for fd (may be -1) or wake_fd to be
 * readable. Returns 1 for fd, 0 for timeout or wake, or -errno. Shared by
 * the sources so each honours the stop pipe the same way. */
int scan_source_wait(int fd, int wake_fd, int timeout_ms, short *revents);

/* Loads an image file as the item: a FRAME in *grey (the previous buffer
 * freed, the new one owned by the caller's source), or a REJECT with the
 * reason in msg. Returns scan_img's result, for the dir source's renaming.
 * Shared by the dir and image sources so both read files the same way. */
int scan_source_load_image(const char *path, uint8_t **grey, scan_item *item,
                           char *msg);

#endif
