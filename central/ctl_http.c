#include "ctl_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_auth.h"
#include "ctl_clock.h"
#include "ctl_routes.h"
#include "ctl_staff.h"
#include "klog.h"

/* A client sending an endless chunked body is cut off after this much. */
#define DISCARD_MAX (16 * 1024 * 1024)
#define URI_MAX 2048

/* A PEM file is a few KiB; a bigger one is not a certificate or a key. */
#define PEM_MAX (256 * 1024)

struct ctl_http {
  struct MHD_Daemon *daemon;
  const ctl_env *env;
  int64_t deadline_ms; /* a request must be whole this long after its first line */
  char *cert_pem, *key_pem; /* libmicrohttpd keeps pointers to these */
  char start_error[256]; /* libmicrohttpd's first message while starting */
  atomic_int starting;   /* 1 during MHD_start_daemon: start_error is open */
};

typedef struct {
  char *uri; /* raw request target, as signed */
  char *body;
  size_t len, cap, discarded;
  int started, too_large;
  int64_t begun_ms;
} exchange;

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  exchange *x = calloc(1, sizeof *x);
  (void)cls;
  (void)c;
  if (x) {
    x->uri = strndup(uri, URI_MAX + 1);
    x->begun_ms = mono_ms();
  }
  return x;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe) {
  exchange *x = *con_cls;
  (void)cls;
  (void)c;
  (void)toe;
  if (!x) return;
  free(x->uri);
  free(x->body);
  free(x);
  *con_cls = NULL;
}

static enum MHD_Result queue(struct MHD_Connection *c, ctl_req *r) {
  struct MHD_Response *resp;
  enum MHD_Result ret;
  if (r->raw) {
    resp = MHD_create_response_from_buffer(r->raw_len, r->raw,
                                           MHD_RESPMEM_MUST_FREE);
    r->raw = NULL;
  } else if (r->status == 304 || !r->json) {
    resp = MHD_create_response_from_buffer(0, (void *)"",
                                           MHD_RESPMEM_PERSISTENT);
  } else {
    char *text = json_dumps(r->json, JSON_COMPACT);
    if (!text) return MHD_NO;
    resp = MHD_create_response_from_buffer(strlen(text), text,
                                           MHD_RESPMEM_MUST_FREE);
  }
  if (!resp) return MHD_NO;
  if (r->status != 304)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r->content_type
                                ? r->content_type
                                : "application/json; charset=utf-8");
  if (r->etag[0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
  if (r->set_cookie[0])
    MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
  if (r->staff) {
    const char *const *kv = ctl_staff_headers();
    for (; kv[0]; kv += 2) MHD_add_response_header(resp, kv[0], kv[1]);
  }
  ret = MHD_queue_response(c, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, int status,
                                   const char *code, const char *message) {
  ctl_req r;
  enum MHD_Result ret;
  memset(&r, 0, sizeof r);
  ctl_req_error(&r, status, code, "%s", message);
  ret = queue(c, &r);
  ctl_req_clear(&r);
  return ret;
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

int ctl_http_split_path(const char *uri, char *buf, size_t cap, const char **seg) {
  size_t o = 0;
  int n = 0;
  const char *p = uri;
  if (*p != '/') return -1;
  while (*p == '/') {
    p++;
    if (n == CTL_REQ_MAX_SEGS) return -1;
    seg[n++] = buf + o;
    while (*p && *p != '/' && *p != '?') {
      int ch = (unsigned char)*p;
      if (*p == '%') {
        int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
        if (hi < 0 || lo < 0) return -1;
        ch = hi * 16 + lo;
        p += 2;
      }
      if (ch == 0 || o + 2 > cap) return -1;
      buf[o++] = (char)ch;
      p++;
    }
    buf[o++] = '\0';
  }
  if (*p && *p != '?') return -1;
  /* "/v1/health/" is not "/v1/health". */
  return n;
}

static enum MHD_Result serve(ctl_http *h, struct MHD_Connection *c,
                             const char *method, exchange *x) {
  char segbuf[URI_MAX + 2];
  const char *seg[CTL_REQ_MAX_SEGS];
  const ctl_route *route;
  ctl_req r;
  enum MHD_Result ret;
  int nseg;

  if (!x->uri || strlen(x->uri) > URI_MAX)
    return reply_error(c, 404, "not_found", "no such route");
  nseg = ctl_http_split_path(x->uri, segbuf, sizeof segbuf, seg);
  route = nseg < 0 ? NULL : ctl_routes_find(h->env, method, seg, nseg);
  if (!route) return reply_error(c, 404, "not_found", "no such route");

  memset(&r, 0, sizeof r);
  r.method = method;
  r.path_query = x->uri;
  memcpy(r.seg, seg, sizeof(seg[0]) * (size_t)nseg);
  r.nseg = nseg;
  r.body = x->body;
  r.body_len = x->len;
  r.kiosk_id = "";
  r.now = ctl_clock_now();
  r.idem_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
  r.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_IF_NONE_MATCH);
  r.cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                         MHD_HTTP_HEADER_COOKIE);
  r.csrf_token = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
  r.content_type_in = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                  MHD_HTTP_HEADER_CONTENT_TYPE);
  if (route->auth >= CTL_ROUTE_STAFF) {
    if (ctl_staff_check(h->env, &r, route->auth == CTL_ROUTE_ADMIN) == 0)
      route->handler(h->env, &r);
  } else if (!route->auth ||
      ctl_auth_check(h->env, &r,
                     MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Kiosk-Id"),
                     MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 "X-Kiosk-Timestamp"),
                     MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 "X-Kiosk-Signature")) == 0) {
    route->handler(h->env, &r);
  }
  if (!r.status) ctl_req_fail(&r, "handler gave no answer");
  ret = queue(c, &r);
  ctl_req_clear(&r);
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
  ctl_http *h = cls;
  exchange *x = *con_cls;
  (void)url;
  (void)version;
  if (!x) return MHD_NO; /* out of memory in on_uri */
  if (!x->started) {
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    x->started = 1;
    if (cl && strtoull(cl, NULL, 10) > CTL_REQ_MAX_BODY)
      return reply_error(c, 413, "payload_too_large",
                         "request body is over 64 KiB");
    return MHD_YES;
  }
  if (*upload_data_size) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    /* MHD's timeout only sees silence: a client trickling a byte now and
     * then would hold its connection and buffer for ever. */
    if (mono_ms() - x->begun_ms > h->deadline_ms) {
      klog_warn("central", "%s: body too slow, connection closed", x->uri);
      return MHD_NO;
    }
    if (x->too_large || x->len + n > CTL_REQ_MAX_BODY) {
      x->too_large = 1;
      x->discarded += n;
      return x->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    if (x->len + n + 1 > x->cap) {
      size_t cap = x->cap ? x->cap : 1024;
      char *b;
      while (cap < x->len + n + 1) cap *= 2;
      b = realloc(x->body, cap);
      if (!b) return MHD_NO;
      x->body = b;
      x->cap = cap;
    }
    memcpy(x->body + x->len, upload_data, n);
    x->len += n;
    x->body[x->len] = '\0';
    return MHD_YES;
  }
  if (x->too_large)
    return reply_error(c, 413, "payload_too_large",
                       "request body is over 64 KiB");
  return serve(h, c, method, x);
}

/* libmicrohttpd's messages (MHD_USE_ERROR_LOG) into our log; the first one
 * during the start is kept to explain a failed start (a key that does not
 * match its certificate is only found out by GnuTLS inside
 * MHD_start_daemon, which then adds a vaguer line of its own). */
static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
  ctl_http *h = cls;
  char line[256];
  size_t n;
  vsnprintf(line, sizeof line, fmt, ap);
  n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == '.'))
    line[--n] = '\0';
  if (atomic_load(&h->starting) && !h->start_error[0])
    snprintf(h->start_error, sizeof h->start_error, "%s", line);
  klog_warn("central", "microhttpd: %s", line);
}

/* The whole of a PEM file, which must hold a block of the kind wanted. */
static int read_pem(const char *what, const char *path, const char *begin,
                    char **out, char *msg) {
  FILE *f;
  char *buf;
  size_t n;
  int err;
  *out = NULL;
  if (!path || !*path)
    return kerr_set(msg, KERR_INVALID, "TLS %s: no file named", what);
  f = fopen(path, "rb");
  if (!f)
    return kerr_set(msg, KERR_IO, "TLS %s %s: %s", what, path, strerror(errno));
  buf = malloc(PEM_MAX + 1);
  if (!buf) {
    fclose(f);
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  }
  n = fread(buf, 1, PEM_MAX + 1, f);
  err = ferror(f) ? errno : 0;
  fclose(f);
  if (err) {
    free(buf);
    return kerr_set(msg, KERR_IO, "TLS %s %s: %s", what, path, strerror(err));
  }
  buf[n > PEM_MAX ? PEM_MAX : n] = '\0';
  if (n > PEM_MAX || n == 0 || !strstr(buf, begin)) {
    free(buf);
    return kerr_set(msg, KERR_INVALID, "TLS %s %s: %s%s%s", what, path,
                    n == 0        ? "the file is empty"
                    : n > PEM_MAX ? "the file is too big for a PEM file"
                                  : "no PEM block with '",
                    n == 0 || n > PEM_MAX ? "" : begin,
                    n == 0 || n > PEM_MAX ? "" : "' in the file");
  }
  *out = buf;
  return KERR_OK;
}

static void free_pems(ctl_http *h) {
  if (h->key_pem) {
    memset(h->key_pem, 0, strlen(h->key_pem));
    free(h->key_pem);
  }
  free(h->cert_pem);
  h->key_pem = h->cert_pem = NULL;
}

int ctl_http_start(const ctl_env *env, const char *host, int port,
                   int threads, int timeout_s, const ctl_http_tls *tls,
                   ctl_http **out, int *bound_port, char *msg) {
  struct sockaddr_in addr;
  const union MHD_DaemonInfo *info;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                   MHD_USE_ERROR_LOG;
  ctl_http *h;
  int rc;

  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
    return kerr_set(msg, KERR_INVALID, "listen address %s is not IPv4", host);
  h = calloc(1, sizeof *h);
  if (!h) return kerr_set(msg, KERR_NOMEM, "out of memory");
  h->env = env;
  if (timeout_s < 1) timeout_s = 1;
  h->deadline_ms = (int64_t)timeout_s * 1000;
  if (tls) {
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      free(h);
      return kerr_set(msg, KERR_UNSUPPORTED,
                      "this libmicrohttpd %s was built without TLS: "
                      "--tls-cert cannot be served",
                      MHD_get_version());
    }
    rc = read_pem("certificate", tls->cert_file, "-----BEGIN CERTIFICATE-----",
                  &h->cert_pem, msg);
    if (!rc)
      rc = read_pem("key", tls->key_file, "PRIVATE KEY-----", &h->key_pem, msg);
    if (rc) {
      free_pems(h);
      free(h);
      return rc;
    }
    flags |= MHD_USE_TLS;
  }
  /* The TLS options are last: without MHD_USE_TLS they would be refused,
   * and MHD_OPTION_END cuts the list there for plain HTTP. */
  atomic_store(&h->starting, 1);
  h->daemon = MHD_start_daemon(
      flags, (uint16_t)port, NULL, NULL, on_request, h,
      MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h, MHD_OPTION_SOCK_ADDR,
      (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
      (unsigned)threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)timeout_s,
      MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED,
      on_done, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
      tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, h->cert_pem,
      MHD_OPTION_HTTPS_MEM_KEY, h->key_pem, MHD_OPTION_END);
  atomic_store(&h->starting, 0);
  if (!h->daemon) {
    if (tls)
      rc = kerr_set(msg, KERR_CONFIG,
                    "cannot serve HTTPS on %s:%d with certificate %s and key "
                    "%s: %s",
                    host, port, tls->cert_file, tls->key_file,
                    h->start_error[0] ? h->start_error
                                      : "the key may not match the certificate");
    else
      rc = kerr_set(msg, KERR_NET, "cannot listen on %s:%d%s%s", host, port,
                    h->start_error[0] ? ": " : "", h->start_error);
    free_pems(h);
    free(h);
    return rc;
  }
  info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
  *bound_port = info ? (int)info->port : port;
  *out = h;
  return KERR_OK;
}

void ctl_http_stop(ctl_http *h) {
  if (!h) return;
  MHD_stop_daemon(h->daemon);
  free_pems(h);
  free(h);
}
