#include "kerr.h"

#include <stdarg.h>
#include <stdio.h>

const char *kerr_str(int code) {
  switch (code) {
  case KERR_OK: return "KERR_OK";
  case KERR_INVALID: return "KERR_INVALID";
  case KERR_NOMEM: return "KERR_NOMEM";
  case KERR_IO: return "KERR_IO";
  case KERR_CONFIG: return "KERR_CONFIG";
  case KERR_NET: return "KERR_NET";
  case KERR_TIMEOUT: return "KERR_TIMEOUT";
  case KERR_HTTP: return "KERR_HTTP";
  case KERR_PROTO: return "KERR_PROTO";
  case KERR_DB: return "KERR_DB";
  case KERR_NOT_FOUND: return "KERR_NOT_FOUND";
  case KERR_DENIED: return "KERR_DENIED";
  case KERR_DEVICE: return "KERR_DEVICE";
  case KERR_BUSY: return "KERR_BUSY";
  case KERR_UNSUPPORTED: return "KERR_UNSUPPORTED";
  default: return "KERR_UNKNOWN";
  }
}

int kerr_set(char *msg, int code, const char *fmt, ...) {
  if (msg) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, KERR_MSG_MAX, fmt, ap);
    va_end(ap);
  }
  return code;
}
