/*
 * faultproxy: a loopback HTTP/1.1 proxy that sits between the kiosk and
 * kiosk-central and injects network faults on command (test code).
 *
 *   kiosk-faultproxy --upstream 127.0.0.1:PORT [--listen 127.0.0.1:0]
 *                    [--control 127.0.0.1:0 | --control FIFO]
 *                    [--mode MODE] [--delay MS]
 *
 * Once ready it prints `control on 127.0.0.1:CPORT` (TCP control only) and
 * then `listening on 127.0.0.1:PORT` on stdout. Each request the kiosk sends
 * is read whole, then handled by the mode in force when it arrived:
 *
 *   pass       forward to the central, return its answer (a central that
 *              does not answer: the kiosk's connection is reset)
 *   down       close the kiosk's connection at once with an RST (also right
 *              after accept), nothing forwarded: the central looks dead
 *   slow       forward, then hold the answer back for the delay (default
 *              5000 ms); a kiosk that times out first never sees it
 *   reset      forward, send the answer's head and half its body, then RST
 *              (SO_LINGER 0): the central applied it, the kiosk saw an error
 *   http500    answer 500 itself, nothing forwarded
 *   http429    answer 429 (Retry-After: 1) itself, nothing forwarded
 *   garbage    forward, then answer 200 with a body that is not JSON
 *   truncated  forward, send the head (full Content-Length) and half the
 *              body, then close normally (FIN)
 *
 * Control: one command per line, one answer line per command (`ok ...` or
 * `error ...`) on the TCP connection, or on stdout for a FIFO:
 *
 *   mode NAME        NAME from now on
 *   mode NAME N      NAME for the next N requests only, then back
 *   mode NAME every K  NAME for the first request from now and every K-th
 *                    after it, the others as before (a flaky link: with
 *                    K = 2 each transaction meets the fault once, then its
 *                    retry passes)
 *   delay MS         the slow mode's delay
 *   stats            ok requests=R forwarded=F faults=X pass=.. down=.. ...
 *                    (per mode: requests it handled; faults counts all modes
 *                    but pass)
 *
 * The upstream connection is opened per request with `Connection: close`, so
 * the central's own keep-alive never hides a fault; the kiosk's connection to
 * the proxy is kept alive like the central's would be.
 *
 * The helpers below run the proxy from a test: faultproxy_start() spawns it
 * (net_spawn.h), faultproxy_cmd() sends a control line and reads the answer.
 */
#ifndef FAULTPROXY_H
#define FAULTPROXY_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net_spawn.h"

typedef struct {
  spawn_child child;
  int port;     /* where the kiosk connects */
  int ctl_port; /* control */
  char url[64]; /* http://127.0.0.1:PORT */
} faultproxy;

/* Starts bin (the kiosk-faultproxy executable) in front of upstream_port;
 * 0 on success. log: file for its stderr, or NULL to inherit. */
static inline int faultproxy_start(faultproxy *fp, const char *bin,
                                   int upstream_port, const char *log) {
  char up[32];
  snprintf(up, sizeof up, "127.0.0.1:%d", upstream_port);
  const char *argv[] = {bin, "--listen", "127.0.0.1:0", "--upstream", up,
                        "--control", "127.0.0.1:0", NULL};
  char lines[2][128];
  memset(fp, 0, sizeof *fp);
  memset(lines, 0, sizeof lines);
  if (spawn_start(&fp->child, argv, log, lines, 2) != 0) {
    spawn_stop(&fp->child);
    return -1;
  }
  const char *c = strstr(lines[0], "control on 127.0.0.1:");
  const char *l = strstr(lines[1], "listening on 127.0.0.1:");
  if (!c || !l) {
    spawn_stop(&fp->child);
    return -1;
  }
  fp->ctl_port = (int)strtol(c + 21, NULL, 10);
  fp->port = (int)strtol(l + 23, NULL, 10);
  snprintf(fp->url, sizeof fp->url, "http://127.0.0.1:%d", fp->port);
  return 0;
}

/* Sends one control line (no newline needed) and copies the answer line
 * into reply (may be NULL); 0 when the answer starts with "ok". */
static inline int faultproxy_cmd(const faultproxy *fp, const char *line,
                                 char *reply, size_t cap) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET,
                           .sin_port = htons((unsigned short)fp->ctl_port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char buf[512];
  size_t len = 0;
  int rc = -1;
  if (fd < 0)
    return -1;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
    size_t n = strlen(line);
    if (write(fd, line, n) == (ssize_t)n && write(fd, "\n", 1) == 1) {
      ssize_t got;
      while (len < sizeof buf - 1 &&
             (got = read(fd, buf + len, sizeof buf - 1 - len)) > 0) {
        len += (size_t)got;
        if (memchr(buf, '\n', len))
          break;
      }
      buf[len] = '\0';
      char *nl = strchr(buf, '\n');
      if (nl)
        *nl = '\0';
      rc = strncmp(buf, "ok", 2) == 0 ? 0 : -1;
      if (reply && cap > 0) {
        size_t keep = strlen(buf) < cap ? strlen(buf) : cap - 1;
        memcpy(reply, buf, keep); /* a long stats line may be cut: fine */
        reply[keep] = '\0';
      }
    }
  }
  close(fd);
  return rc;
}

/* The value of one counter from `stats` (e.g. "faults"), or -1. */
static inline long faultproxy_stat(const faultproxy *fp, const char *name) {
  char reply[512], pat[40];
  if (faultproxy_cmd(fp, "stats", reply, sizeof reply) != 0)
    return -1;
  snprintf(pat, sizeof pat, " %s=", name);
  const char *at = strstr(reply, pat);
  return at ? strtol(at + strlen(pat), NULL, 10) : -1;
}

static inline void faultproxy_stop(faultproxy *fp) { spawn_stop(&fp->child); }

#endif
