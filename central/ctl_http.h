/*
 * ctl_http: the HTTP face of the central (libmicrohttpd, epoll, a pool of
 * worker threads).
 *
 * Contract: ctl_http_start() binds host:port (port 0 = a free port, reported
 * in *bound_port) and serves until ctl_http_stop(). For each request it
 * collects the body (over 64 KiB: 413 payload_too_large, announced or not),
 * decodes the path, finds the route (404 not_found), checks the signature
 * (ctl_auth) and runs the handler on the worker thread. Slow clients are cut
 * off: a connection silent for timeout_s seconds is closed, and so is one
 * whose request body is still arriving timeout_s seconds after the request
 * line (a trickle never counts as silence). The signed path is the raw
 * request target as sent, so the kiosk and the server hash the same bytes.
 *
 * HTTPS: with tls set, the server speaks only TLS (libmicrohttpd over GnuTLS,
 * as Debian builds it) with the PEM certificate (chain) and private key read
 * from those files at start. A file that is missing, unreadable, empty or
 * holds no PEM block, a key that does not match the certificate, or a
 * libmicrohttpd built without TLS fails ctl_http_start() with a message that
 * names the file and the reason. Handshake failures of clients are logged
 * as warnings by libmicrohttpd's own words.
 */
#ifndef CTL_HTTP_H
#define CTL_HTTP_H

#include <stddef.h>

#include "ctl_env.h"

typedef struct ctl_http ctl_http;

typedef struct {
  const char *cert_file; /* PEM: the server certificate, then any chain */
  const char *key_file;  /* PEM: its private key, unencrypted */
} ctl_http_tls;

/* tls NULL: plain HTTP. */
int ctl_http_start(const ctl_env *env, const char *host, int port,
                   int threads, int timeout_s, const ctl_http_tls *tls,
                   ctl_http **out, int *bound_port, char *msg);
void ctl_http_stop(ctl_http *h);

/* Splits a raw request path (up to '?') into percent-decoded segments stored
 * in buf (cap bytes); seg gets up to CTL_REQ_MAX_SEGS pointers into it.
 * Returns the count, or -1 for a path the server does not serve (no leading
 * '/', bad escape, an encoded NUL, too many segments, too long). Exported so
 * the request fuzzer routes exactly as the server does. */
int ctl_http_split_path(const char *uri, char *buf, size_t cap, const char **seg);

#endif
