/* tcp:HOST:PORT transport (raw port 9100). Every wait is a poll() with a
 * deadline, so a printer that stops reading (paper out with a full buffer)
 * or vanishes from the network gives KERR_TIMEOUT instead of a hang. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "prn_transport.h"

typedef struct {
  int fd;
  prn_uri uri;
  prn_opts o;
} tcp_state;

static int wait_fd(int fd, short ev, int ms) {
  struct pollfd p = {fd, ev, 0};
  int r;
  do
    r = poll(&p, 1, ms);
  while (r < 0 && errno == EINTR);
  return r; /* 0 timeout, <0 error, >0 ready */
}

static int connect_one(const struct addrinfo *ai, int ms, int *err) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) {
    *err = errno;
    return -1;
  }
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
    return fd;
  if (errno != EINPROGRESS) {
    *err = errno;
    close(fd);
    return -1;
  }
  int r = wait_fd(fd, POLLOUT, ms);
  if (r == 0) {
    *err = ETIMEDOUT;
    close(fd);
    return -1;
  }
  socklen_t sl = sizeof *err;
  if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &sl) != 0 || *err != 0) {
    if (r < 0)
      *err = errno;
    close(fd);
    return -1;
  }
  return fd;
}

static int tcp_connect(tcp_state *s, char *msg) {
  struct addrinfo hints = {0}, *res = NULL;
  char port[8];
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  snprintf(port, sizeof port, "%d", s->uri.port);
  int g = getaddrinfo(s->uri.host, port, &hints, &res);
  if (g != 0)
    return kerr_set(msg, KERR_NET, "printer %s:%d: %s", s->uri.host, s->uri.port,
                    gai_strerror(g));
  int err = 0;
  for (struct addrinfo *ai = res; ai && s->fd < 0; ai = ai->ai_next)
    s->fd = connect_one(ai, s->o.connect_ms, &err);
  freeaddrinfo(res);
  if (s->fd >= 0)
    return KERR_OK;
  if (err == ETIMEDOUT)
    return kerr_set(msg, KERR_TIMEOUT, "printer %s:%d: no connection within %d ms",
                    s->uri.host, s->uri.port, s->o.connect_ms);
  return kerr_set(msg, KERR_NET, "printer %s:%d: %s", s->uri.host, s->uri.port,
                  strerror(err));
}

static void drop(tcp_state *s) {
  if (s->fd >= 0)
    close(s->fd);
  s->fd = -1;
}

static int tcp_open(const prn_uri *u, const prn_opts *o, void **state, char *msg) {
  tcp_state *s = calloc(1, sizeof *s);
  if (!s)
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  s->fd = -1;
  s->uri = *u;
  s->o = *o;
  int rc = tcp_connect(s, msg);
  if (rc) {
    free(s);
    return rc;
  }
  *state = s;
  return KERR_OK;
}

static int tcp_write(void *state, const uint8_t *b, size_t n, char *msg) {
  tcp_state *s = state;
  if (s->fd < 0) {
    int rc = tcp_connect(s, msg);
    if (rc)
      return rc;
  }
  size_t done = 0;
  while (done < n) {
    ssize_t w = send(s->fd, b + done, n - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w > 0) {
      done += (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      int r = wait_fd(s->fd, POLLOUT, s->o.write_ms);
      if (r > 0)
        continue;
      if (r == 0) {
        drop(s);
        return kerr_set(msg, KERR_TIMEOUT,
                        "printer %s:%d took no data for %d ms after %zu of %zu bytes "
                        "(paper out or offline?)",
                        s->uri.host, s->uri.port, s->o.write_ms, done, n);
      }
    }
    int e = errno;
    drop(s);
    return kerr_set(msg, KERR_NET, "printer %s:%d dropped the connection after %zu of %zu "
                    "bytes: %s", s->uri.host, s->uri.port, done, n, strerror(e));
  }
  return KERR_OK;
}

static int tcp_status(void *state, int n, uint8_t *answer, char *msg) {
  tcp_state *s = state;
  uint8_t q[3], junk[256];
  if (s->fd < 0) {
    int rc = tcp_connect(s, msg);
    if (rc)
      return rc;
  }
  /* An unasked answer (automatic status back) would be taken for ours. */
  while (recv(s->fd, junk, sizeof junk, MSG_DONTWAIT) > 0) {
  }
  prn_escpos_status_query(q, n);
  int rc = tcp_write(s, q, sizeof q, msg);
  if (rc)
    return rc;
  int r = wait_fd(s->fd, POLLIN, s->o.status_ms);
  if (r == 0)
    return kerr_set(msg, KERR_TIMEOUT, "printer %s:%d: no answer to DLE EOT %d within %d ms",
                    s->uri.host, s->uri.port, n, s->o.status_ms);
  ssize_t got = r > 0 ? recv(s->fd, answer, 1, 0) : -1;
  if (got == 1)
    return KERR_OK;
  int e = got == 0 ? ECONNRESET : errno;
  drop(s);
  return kerr_set(msg, KERR_NET, "printer %s:%d: status read: %s", s->uri.host, s->uri.port,
                  got == 0 ? "connection closed" : strerror(e));
}

static void tcp_close(void *state) {
  tcp_state *s = state;
  if (!s)
    return;
  drop(s);
  free(s);
}

const prn_transport_ops prn_tcp_ops = {"tcp", tcp_open, tcp_write, tcp_status, tcp_close};
