/* kiosk-faultproxy: the fault-injecting HTTP proxy of the network tests.
 * Modes and the control protocol are described in faultproxy.h.
 *
 * One thread per kiosk connection: it reads a whole request, takes the mode
 * in force (a "next N requests" mode is used up here, one per request), and
 * acts. Forwarding opens a fresh upstream connection with `Connection:
 * close` and reads the central's answer to the end, so the proxy always
 * holds the whole answer before it decides how much of it the kiosk gets. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "klog.h"

#define HEAD_MAX (64 * 1024)
#define BODY_MAX (8 * 1024 * 1024)
#define UPSTREAM_TIMEOUT_S 30
/* Lets the half answer reach the kiosk before the RST: an RST on a reused
 * connection that carried no answer byte makes curl resend on its own, and
 * the fault would never reach the sync worker. */
#define RESET_PAUSE_MS 50

typedef enum {
  M_PASS, M_DOWN, M_SLOW, M_RESET, M_HTTP500, M_HTTP429, M_GARBAGE,
  M_TRUNCATED, M_COUNT
} mode;

static const char *const mode_names[M_COUNT] = {
    "pass", "down", "slow", "reset", "http500", "http429", "garbage",
    "truncated"};

static struct {
  pthread_mutex_t mu;
  mode base;
  mode once;      /* for the next once_left requests, then base again, */
  long once_left;
  long every;     /* or for every every-th request from now on (0: off) */
  long slot;      /* requests since `every` was set */
  long delay_ms;
  long requests, forwarded, handled[M_COUNT];
  struct sockaddr_in upstream;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .delay_ms = 5000};

typedef struct {
  char *p;
  size_t len, cap;
} buf;

static int buf_add(buf *b, const void *data, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
      return -1;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static int buf_str(buf *b, const char *s) { return buf_add(b, s, strlen(s)); }

static void buf_drop(buf *b, size_t n) {
  memmove(b->p, b->p + n, b->len - n + 1);
  b->len -= n;
}

static mode mode_named(const char *name) {
  for (int i = 0; i < M_COUNT; i++)
    if (strcmp(name, mode_names[i]) == 0)
      return (mode)i;
  return M_COUNT;
}

/* The mode for the request just read; uses up one "next N" slot. */
static mode next_mode(void) {
  if (g.every > 0)
    return g.slot % g.every == 0 ? g.once : g.base;
  return g.once_left > 0 ? g.once : g.base;
}

/* Uses up the next request's slot; the caller holds mu. */
static mode take_locked(void) {
  mode m = next_mode();
  if (g.every > 0)
    g.slot++;
  else if (g.once_left > 0)
    g.once_left--;
  g.requests++;
  g.handled[m]++;
  return m;
}

static mode take_mode(void) {
  pthread_mutex_lock(&g.mu);
  mode m = take_locked();
  pthread_mutex_unlock(&g.mu);
  return m;
}

/* A connection just accepted: 1 when the next request is to meet `down`
 * (its slot is used up); otherwise the slot is left to the request. */
static int take_down_at_accept(void) {
  pthread_mutex_lock(&g.mu);
  int down = next_mode() == M_DOWN;
  if (down)
    take_locked();
  pthread_mutex_unlock(&g.mu);
  return down;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Answers go out in one write; without this a head and body written apart
 * meet Nagle and the kiosk's delayed ACK: 40 ms on every request. */
static void no_delay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void rst_close(int fd) {
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Offset just past the blank line that ends a head, or 0. */
static size_t head_end(const char *p, size_t n) {
  for (size_t i = 3; i < n; i++)
    if (p[i] == '\n' && p[i - 1] == '\r' && p[i - 2] == '\n' && p[i - 3] == '\r')
      return i + 1;
  return 0;
}

/* Calls fn for each header line (name, value, whole line) of a head. */
typedef void (*header_fn)(void *ctx, const char *name, size_t nlen,
                          const char *value, size_t vlen, const char *line,
                          size_t llen);

static void each_header(const char *head, size_t len, header_fn fn, void *ctx) {
  const char *p = memchr(head, '\n', len), *end = head + len;
  while (p && ++p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
      break;
    const char *colon = memchr(p, ':', (size_t)(eol - p));
    if (colon) {
      const char *v = colon + 1, *ve = eol;
      while (v < ve && (*v == ' ' || *v == '\t'))
        v++;
      while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
        ve--;
      fn(ctx, p, (size_t)(colon - p), v, (size_t)(ve - v), p,
         (size_t)(eol + 1 - p));
    }
    p = eol;
  }
}

static int name_is(const char *name, size_t n, const char *want) {
  return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

typedef struct {
  long content_length; /* -1: none */
  int chunked, expect_continue;
} head_info;

static void note_header(void *ctx, const char *name, size_t nlen,
                        const char *value, size_t vlen, const char *line,
                        size_t llen) {
  head_info *h = ctx;
  char v[64];
  (void)line;
  (void)llen;
  snprintf(v, sizeof v, "%.*s", (int)(vlen < 63 ? vlen : 63), value);
  if (name_is(name, nlen, "Content-Length")) {
    char *e;
    long n = strtol(v, &e, 10);
    h->content_length = e != v && *e == '\0' && n >= 0 ? n : -2;
  } else if (name_is(name, nlen, "Transfer-Encoding")) {
    h->chunked = strcasecmp(v, "identity") != 0;
  } else if (name_is(name, nlen, "Expect")) {
    h->expect_continue = strcasecmp(v, "100-continue") == 0;
  }
}

/* Copies every header but the hop-by-hop ones this proxy decides itself. */
static void keep_header(void *ctx, const char *name, size_t nlen,
                        const char *value, size_t vlen, const char *line,
                        size_t llen) {
  (void)value;
  (void)vlen;
  if (name_is(name, nlen, "Connection") || name_is(name, nlen, "Keep-Alive") ||
      name_is(name, nlen, "Expect") || name_is(name, nlen, "Proxy-Connection"))
    return;
  buf_add(ctx, line, llen);
}

/* Reads one whole request into in (which may already hold the start of it):
 * its length, or 0 when the kiosk closed or sent something unusable. */
static size_t read_request(int fd, buf *in, size_t *head_len) {
  head_info h = {.content_length = -1};
  int continued = 0;
  for (;;) {
    size_t hl = head_end(in->p ? in->p : "", in->len);
    if (hl) {
      h.content_length = -1;
      each_header(in->p, hl, note_header, &h);
      if (h.chunked || h.content_length < -1 || h.content_length > BODY_MAX)
        return 0; /* the kiosk never sends these */
      size_t total = hl + (size_t)(h.content_length > 0 ? h.content_length : 0);
      if (in->len >= total) {
        *head_len = hl;
        return total;
      }
      if (h.expect_continue && !continued) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        if (write_all(fd, cont, sizeof cont - 1) != 0)
          return 0;
        continued = 1;
      }
    } else if (in->len > HEAD_MAX) {
      return 0;
    }
    char chunk[16384];
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0 || buf_add(in, chunk, (size_t)n) != 0)
      return 0;
  }
}

/* Sends req to the central on a fresh connection and reads its whole answer
 * into resp; 0 when a complete head came back. */
static int upstream_exchange(const char *req, size_t n, buf *resp) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  no_delay(fd);
  struct timeval tv = {UPSTREAM_TIMEOUT_S, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int rc = -1;
  if (connect(fd, (struct sockaddr *)&g.upstream, sizeof g.upstream) == 0 &&
      write_all(fd, req, n) == 0) {
    char chunk[16384];
    ssize_t got;
    while ((got = recv(fd, chunk, sizeof chunk, 0)) > 0 ||
           (got < 0 && errno == EINTR))
      if (got > 0 && (resp->len > BODY_MAX ||
                      buf_add(resp, chunk, (size_t)got) != 0))
        break;
    rc = resp->p && head_end(resp->p, resp->len) ? 0 : -1;
  }
  close(fd);
  return rc;
}

/* Waits ms before an answer; -1 as soon as the kiosk hangs up (it timed
 * out), so a held answer never outlives its reader by much. */
static int hold(int fd, long ms) {
  int64_t until = mono_ms() + ms;
  for (;;) {
    int64_t left = until - mono_ms();
    if (left <= 0)
      return 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, (int)left);
    if (r < 0 && errno != EINTR)
      return -1;
    if (r > 0) {
      char c;
      ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
        return -1;
      sleep_ms((long)(until - mono_ms() > 0 ? until - mono_ms() : 0));
      return 0; /* a pipelined request waits; the kiosk is still there */
    }
  }
}

static void canned(buf *out, int status, const char *reason,
                   const char *extra, const char *body) {
  char head[256];
  snprintf(head, sizeof head,
           "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n%s"
           "Content-Length: %zu\r\n\r\n",
           status, reason, extra, strlen(body));
  buf_str(out, head);
  buf_str(out, body);
}

/* Splits the central's answer: the head the kiosk gets (hop-by-hop headers
 * dropped, a Content-Length added when the central framed it by closing)
 * and where the body starts. */
static size_t client_head(const buf *resp, buf *head) {
  size_t hl = head_end(resp->p, resp->len);
  const char *eol = memchr(resp->p, '\n', hl);
  buf_add(head, resp->p, (size_t)(eol + 1 - resp->p));
  each_header(resp->p, hl, keep_header, head);
  head_info h = {.content_length = -1};
  each_header(resp->p, hl, note_header, &h);
  long status = hl > 12 ? strtol(resp->p + 9, NULL, 10) : 0;
  if (h.content_length == -1 && !h.chunked && status >= 200 && status != 204 &&
      status != 304) {
    char cl[48];
    snprintf(cl, sizeof cl, "Content-Length: %zu\r\n", resp->len - hl);
    buf_str(head, cl);
  }
  buf_str(head, "\r\n");
  return hl;
}

/* Handles one request; 0 to keep the connection, -1 when it is closed. */
static int serve(int fd, const char *req, size_t head_len, size_t total) {
  const char *sp = memchr(req, ' ', head_len);
  const char *sp2 = sp ? memchr(sp + 1, ' ', head_len - (size_t)(sp + 1 - req)) : NULL;
  char what[160];
  snprintf(what, sizeof what, "%.*s", (int)(sp2 ? sp2 - req : 0), req);
  mode m = take_mode();
  if (m != M_PASS)
    klog_info("faultproxy", "%s -> %s", what, mode_names[m]);
  buf out = {0}, up = {0}, resp = {0};
  int rc = 0;
  if (m == M_DOWN) {
    rst_close(fd);
    return -1;
  }
  if (m == M_HTTP500 || m == M_HTTP429) {
    if (m == M_HTTP500)
      canned(&out, 500, "Internal Server Error", "",
             "{\"error\":\"injected\",\"message\":\"kiosk-faultproxy: HTTP 500\"}");
    else
      canned(&out, 429, "Too Many Requests", "Retry-After: 1\r\n",
             "{\"error\":\"rate_limited\",\"message\":\"kiosk-faultproxy: HTTP 429\"}");
    rc = write_all(fd, out.p, out.len);
    free(out.p);
    if (rc != 0)
      close(fd);
    return rc;
  }
  const char *eol = memchr(req, '\n', head_len);
  buf_add(&up, req, (size_t)(eol + 1 - req));
  each_header(req, head_len, keep_header, &up);
  buf_str(&up, "Connection: close\r\n\r\n");
  buf_add(&up, req + head_len, total - head_len);
  if (!up.p || upstream_exchange(up.p, up.len, &resp) != 0) {
    klog_warn("faultproxy", "%s: no answer from upstream", what);
    free(up.p);
    free(resp.p);
    rst_close(fd);
    return -1;
  }
  pthread_mutex_lock(&g.mu);
  g.forwarded++;
  pthread_mutex_unlock(&g.mu);
  size_t hl = client_head(&resp, &out);
  const char *body = resp.p + hl;
  size_t body_len = resp.len - hl;
  long delay = 0;
  if (m == M_SLOW) {
    pthread_mutex_lock(&g.mu);
    delay = g.delay_ms;
    pthread_mutex_unlock(&g.mu);
  }
  if (m == M_SLOW && hold(fd, delay) != 0) {
    klog_info("faultproxy", "%s: the kiosk left before the answer", what);
    rc = -1; /* closed below */
  } else if (m == M_PASS || m == M_SLOW) {
    buf_add(&out, body, body_len);
    rc = write_all(fd, out.p, out.len);
  } else if (m == M_RESET || m == M_TRUNCATED) {
    buf_add(&out, body, body_len / 2);
    write_all(fd, out.p, out.len);
    if (m == M_RESET) {
      sleep_ms(RESET_PAUSE_MS);
      rst_close(fd);
    } else {
      shutdown(fd, SHUT_WR);
      close(fd);
    }
    rc = -1;
  } else if (m == M_GARBAGE) {
    out.len = 0;
    canned(&out, 200, "OK", "", "{\"voucher\":{\"code\":\"KV1.<html>oops");
    rc = write_all(fd, out.p, out.len);
  }
  if (rc != 0 && (m == M_PASS || m == M_SLOW || m == M_GARBAGE))
    close(fd); /* the kiosk is gone; on the other paths fd is closed already */
  free(out.p);
  free(up.p);
  free(resp.p);
  return rc;
}

static void *conn_main(void *arg) {
  int fd = (int)(intptr_t)arg;
  buf in = {0};
  size_t head_len, total;
  while ((total = read_request(fd, &in, &head_len)) > 0) {
    if (serve(fd, in.p, head_len, total) != 0) {
      fd = -1; /* serve closed it */
      break;
    }
    buf_drop(&in, total);
  }
  if (fd >= 0)
    close(fd);
  free(in.p);
  return NULL;
}

static void command(const char *line, char *reply, size_t cap) {
  char verb[16] = "", arg[32] = "", third[16] = "";
  long n = 0;
  int k = sscanf(line, "%15s %31s %15s %ld", verb, arg, third, &n);
  char *end = third;
  long count = k == 3 ? strtol(third, &end, 10) : 0;
  int counted = k == 3 && *end == '\0' && count > 0;
  int every = k == 4 && strcmp(third, "every") == 0 && n > 0;
  pthread_mutex_lock(&g.mu);
  if (strcmp(verb, "mode") == 0 && mode_named(arg) != M_COUNT &&
      (k == 2 || counted || every)) {
    g.once_left = 0;
    g.every = 0;
    if (counted) {
      g.once = mode_named(arg);
      g.once_left = count;
      snprintf(reply, cap, "ok mode %s for %ld requests", arg, count);
    } else if (every) {
      g.once = mode_named(arg);
      g.every = n;
      g.slot = 0;
      snprintf(reply, cap, "ok mode %s every %ld requests", arg, n);
    } else {
      g.base = mode_named(arg);
      snprintf(reply, cap, "ok mode %s", arg);
    }
  } else if (k == 2 && strcmp(verb, "delay") == 0 && strtol(arg, NULL, 10) >= 0) {
    g.delay_ms = strtol(arg, NULL, 10);
    snprintf(reply, cap, "ok delay %ld ms", g.delay_ms);
  } else if (k == 1 && strcmp(verb, "stats") == 0) {
    int off = snprintf(reply, cap, "ok requests=%ld forwarded=%ld faults=%ld",
                       g.requests, g.forwarded, g.requests - g.handled[M_PASS]);
    for (int i = 0; i < M_COUNT && off > 0 && (size_t)off < cap; i++)
      off += snprintf(reply + off, cap - (size_t)off, " %s=%ld", mode_names[i],
                      g.handled[i]);
  } else {
    snprintf(reply, cap, "error unknown command: %.64s", line);
  }
  pthread_mutex_unlock(&g.mu);
}

/* Reads control lines from fd; answers go to out_fd. */
static void control_lines(int fd, int out_fd) {
  buf in = {0};
  char chunk[512];
  ssize_t n;
  while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)) {
    if (n < 0 || buf_add(&in, chunk, (size_t)n) != 0)
      continue;
    char *nl;
    while ((nl = memchr(in.p, '\n', in.len)) != NULL) {
      *nl = '\0';
      if (nl > in.p && nl[-1] == '\r')
        nl[-1] = '\0';
      char reply[512];
      if (in.p[0]) {
        command(in.p, reply, sizeof reply);
        size_t rl = strlen(reply);
        reply[rl++] = '\n';
        if (write(out_fd, reply, rl) != (ssize_t)rl)
          break;
      }
      buf_drop(&in, (size_t)(nl + 1 - in.p));
    }
    if (in.len > HEAD_MAX)
      break;
  }
  free(in.p);
}

static void *control_conn_main(void *arg) {
  int fd = (int)(intptr_t)arg;
  control_lines(fd, fd);
  close(fd);
  return NULL;
}

static void *control_tcp_main(void *arg) {
  int lfd = (int)(intptr_t)arg;
  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
      continue;
    pthread_t t;
    if (pthread_create(&t, NULL, control_conn_main, (void *)(intptr_t)fd) == 0)
      pthread_detach(t);
    else
      close(fd);
  }
  return NULL;
}

static void *control_fifo_main(void *arg) {
  int fd = (int)(intptr_t)arg;
  control_lines(fd, STDOUT_FILENO);
  return NULL;
}

static int parse_addr(const char *arg, struct sockaddr_in *sa) {
  const char *colon = strrchr(arg, ':');
  char host[64], *end;
  if (!colon || (size_t)(colon - arg) >= sizeof host)
    return -1;
  memcpy(host, arg, (size_t)(colon - arg));
  host[colon - arg] = '\0';
  long port = strtol(colon + 1, &end, 10);
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons((unsigned short)port);
  if (*end || port < 0 || port > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1)
    return -1;
  return 0;
}

/* A listening socket on spec, or -1; its address as "HOST:PORT" in name. */
static int listen_on(const char *spec, char *name, size_t cap) {
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int one = 1, fd;
  if (parse_addr(spec, &sa) != 0 || (fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
    return -1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0 ||
      getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
    close(fd);
    return -1;
  }
  char host[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
  snprintf(name, cap, "%s:%u", host, (unsigned)ntohs(sa.sin_port));
  return fd;
}

static int usage(int rc) {
  fputs("usage: kiosk-faultproxy --upstream HOST:PORT [--listen HOST:PORT]\n"
        "         [--control HOST:PORT | --control FIFO] [--mode MODE]\n"
        "         [--delay MS]\n"
        "A loopback HTTP proxy that injects faults (tests only). Modes: pass,\n"
        "down, slow, reset, http500, http429, garbage, truncated. Control:\n"
        "'mode NAME [N | every K]', 'delay MS', 'stats', one per line.\n"
        "Prints "
        "'listening on HOST:PORT' when ready.\n",
        rc ? stderr : stdout);
  return rc;
}

int main(int argc, char **argv) {
  const char *listen_spec = "127.0.0.1:0", *upstream = NULL, *control = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--help") == 0)
      return usage(0);
    if (!v)
      return usage(2);
    i++;
    if (strcmp(a, "--listen") == 0) {
      listen_spec = v;
    } else if (strcmp(a, "--upstream") == 0) {
      upstream = v;
    } else if (strcmp(a, "--control") == 0) {
      control = v;
    } else if (strcmp(a, "--mode") == 0 && mode_named(v) != M_COUNT) {
      g.base = mode_named(v);
    } else if (strcmp(a, "--delay") == 0 && strtol(v, NULL, 10) >= 0) {
      g.delay_ms = strtol(v, NULL, 10);
    } else {
      return usage(2);
    }
  }
  if (!upstream || parse_addr(upstream, &g.upstream) != 0)
    return usage(2);
  signal(SIGPIPE, SIG_IGN);
  pthread_t t;
  if (control && strchr(control, ':')) {
    char cname[48];
    int cfd = listen_on(control, cname, sizeof cname);
    if (cfd < 0 || pthread_create(&t, NULL, control_tcp_main, (void *)(intptr_t)cfd) != 0) {
      fprintf(stderr, "kiosk-faultproxy: cannot listen for control on %s: %s\n",
              control, strerror(errno));
      return 1;
    }
    pthread_detach(t);
    printf("control on %s\n", cname);
  } else if (control) {
    if (mkfifo(control, 0600) != 0 && errno != EEXIST) {
      fprintf(stderr, "kiosk-faultproxy: mkfifo %s: %s\n", control, strerror(errno));
      return 1;
    }
    /* Read-write, so the FIFO never reports end of file between writers. */
    int ffd = open(control, O_RDWR);
    if (ffd < 0 || pthread_create(&t, NULL, control_fifo_main, (void *)(intptr_t)ffd) != 0) {
      fprintf(stderr, "kiosk-faultproxy: open %s: %s\n", control, strerror(errno));
      return 1;
    }
    pthread_detach(t);
  }
  char name[48];
  int lfd = listen_on(listen_spec, name, sizeof name);
  if (lfd < 0) {
    fprintf(stderr, "kiosk-faultproxy: cannot listen on %s: %s\n", listen_spec,
            strerror(errno));
    return 1;
  }
  printf("listening on %s\n", name);
  fflush(stdout);
  for (;;) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
      continue;
    if (take_down_at_accept()) {
      klog_info("faultproxy", "connection -> down");
      rst_close(fd);
      continue;
    }
    no_delay(fd);
    if (pthread_create(&t, NULL, conn_main, (void *)(intptr_t)fd) == 0)
      pthread_detach(t);
    else
      close(fd);
  }
}
