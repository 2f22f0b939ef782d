/*
 * kerr: the project's result codes.
 *
 * Contract: every fallible function in the project returns an int that is
 * KERR_OK (0) on success or one of the negative codes below. The detail a
 * person needs (which file, which line, the library's own message) goes into
 * a caller-supplied buffer of type kerr_msg; kerr_str() names the code. A
 * module may define finer codes of its own but maps them to these at its
 * boundary.
 */
#ifndef KERR_H
#define KERR_H

#include <stddef.h>

enum {
  KERR_OK = 0,
  KERR_INVALID = -1,   /* bad argument or malformed input */
  KERR_NOMEM = -2,     /* allocation failed */
  KERR_IO = -3,        /* file or device I/O failed */
  KERR_CONFIG = -4,    /* configuration is wrong */
  KERR_NET = -5,       /* network unreachable, reset, refused */
  KERR_TIMEOUT = -6,   /* a deadline passed */
  KERR_HTTP = -7,      /* the server answered with an error status */
  KERR_PROTO = -8,     /* the peer's answer did not parse */
  KERR_DB = -9,        /* sqlite failed */
  KERR_NOT_FOUND = -10,
  KERR_DENIED = -11,   /* signature, permission or policy refused */
  KERR_DEVICE = -12,   /* printer, camera or scanner fault */
  KERR_BUSY = -13,
  KERR_UNSUPPORTED = -14,
};

#define KERR_MSG_MAX 256
typedef char kerr_msg[KERR_MSG_MAX];

/* The code's name, e.g. "KERR_TIMEOUT"; "KERR_UNKNOWN" for an unknown code. */
const char *kerr_str(int code);

/* Writes a printf-style detail into msg (may be NULL) and returns code, so a
 * failure reads `return kerr_set(msg, KERR_IO, "open %s: %s", p, strerror(e));` */
int kerr_set(char *msg, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
