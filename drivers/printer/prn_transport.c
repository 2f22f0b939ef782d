#include "prn_transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct prn_transport {
  prn_uri uri;
  const prn_transport_ops *ops;
  void *state;
};

static int parse_num(const char *s, size_t n, int base, long lo, long hi, long *out) {
  char buf[16];
  if (n == 0 || n >= sizeof buf)
    return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  char *end;
  errno = 0;
  long v = strtol(buf, &end, base);
  if (errno || *end || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

int prn_transport_parse(const char *uri, prn_uri *u, char *msg) {
  memset(u, 0, sizeof *u);
  u->vid = u->pid = -1;
  if (!uri)
    return kerr_set(msg, KERR_INVALID, "no printer URI");
  if (strncmp(uri, "file:", 5) == 0) {
    const char *p = uri + 5;
    if (!*p || strlen(p) >= sizeof u->path)
      return kerr_set(msg, KERR_INVALID, "printer URI \"%s\": file:PATH needs a path", uri);
    u->kind = PRN_URI_FILE;
    memcpy(u->path, p, strlen(p) + 1);
    return KERR_OK;
  }
  if (strncmp(uri, "tcp:", 4) == 0) {
    const char *h = uri + 4, *colon = strrchr(h, ':');
    long port;
    if (!colon || colon == h ||
        parse_num(colon + 1, strlen(colon + 1), 10, 1, 65535, &port) != 0)
      return kerr_set(msg, KERR_INVALID, "printer URI \"%s\": use tcp:HOST:PORT", uri);
    size_t hl = (size_t)(colon - h);
    if (h[0] == '[' && hl > 2 && h[hl - 1] == ']') {
      h++;
      hl -= 2;
    }
    if (hl >= sizeof u->host)
      return kerr_set(msg, KERR_INVALID, "printer URI \"%s\": host too long", uri);
    u->kind = PRN_URI_TCP;
    memcpy(u->host, h, hl);
    u->host[hl] = '\0';
    u->port = (int)port;
    return KERR_OK;
  }
  if (strcmp(uri, "usb:") == 0 || strcmp(uri, "usb") == 0) {
    u->kind = PRN_URI_USB;
    return KERR_OK;
  }
  if (strncmp(uri, "usb:", 4) == 0) {
    const char *v = uri + 4, *colon = strchr(v, ':');
    long vid, pid;
    if (!colon || parse_num(v, (size_t)(colon - v), 16, 0, 0xffff, &vid) != 0 ||
        parse_num(colon + 1, strlen(colon + 1), 16, 0, 0xffff, &pid) != 0)
      return kerr_set(msg, KERR_INVALID, "printer URI \"%s\": use usb: or usb:VID:PID (hex)",
                      uri);
    u->kind = PRN_URI_USB;
    u->vid = (int)vid;
    u->pid = (int)pid;
    return KERR_OK;
  }
  return kerr_set(msg, KERR_INVALID,
                  "printer URI \"%s\": use usb:, usb:VID:PID, tcp:HOST:PORT or file:PATH", uri);
}

void prn_transport_defaults(prn_opts *o) {
  o->connect_ms = 5000;
  o->write_ms = 10000;
  o->status_ms = 2000;
}

int prn_transport_open(const char *uri, const prn_opts *opts, prn_transport **out,
                       char *msg) {
  prn_opts def;
  if (!opts) {
    prn_transport_defaults(&def);
    opts = &def;
  }
  prn_transport *t = calloc(1, sizeof *t);
  if (!t)
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  int rc = prn_transport_parse(uri, &t->uri, msg);
  if (rc) {
    free(t);
    return rc;
  }
  t->ops = t->uri.kind == PRN_URI_FILE  ? &prn_file_ops
           : t->uri.kind == PRN_URI_TCP ? &prn_tcp_ops
                                        : &prn_usb_ops;
  rc = t->ops->open(&t->uri, opts, &t->state, msg);
  if (rc) {
    free(t);
    return rc;
  }
  *out = t;
  return KERR_OK;
}

void prn_transport_close(prn_transport *t) {
  if (!t)
    return;
  t->ops->close(t->state);
  free(t);
}

int prn_transport_write(prn_transport *t, const uint8_t *bytes, size_t len, char *msg) {
  return t->ops->write(t->state, bytes, len, msg);
}

int prn_transport_status(prn_transport *t, prn_status *st, char *msg) {
  memset(st, 0, sizeof *st);
  for (int n = 1; n <= 4; n++) {
    uint8_t b = 0;
    int rc = t->ops->status(t->state, n, &b, msg);
    if (rc)
      return rc;
    if (prn_escpos_status_parse(n, b, st) != KERR_OK)
      return kerr_set(msg, KERR_PROTO, "DLE EOT %d answer 0x%02x is not a status byte", n, b);
  }
  return KERR_OK;
}

const prn_uri *prn_transport_uri(const prn_transport *t) { return &t->uri; }
