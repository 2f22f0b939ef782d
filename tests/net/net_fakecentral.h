/* A scripted HTTP server (libmicrohttpd) standing in for the central where
 * the test needs answers the real one never gives on demand: 500, 429, 408,
 * a 2xx that is not JSON. It records every request it receives. Test code. */
#ifndef NET_FAKECENTRAL_H
#define NET_FAKECENTRAL_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MAX 256

typedef struct {
  char path[64];
  char key[80];
  char body[256];
} fake_req;

typedef struct {
  struct MHD_Daemon *d;
  unsigned short port;
  pthread_mutex_t mu;
  int script[FAKE_MAX]; /* statuses to answer, in order; then dflt */
  int nscript, next;
  int dflt;             /* 201, or -1: a 200 whose body is not JSON */
  fake_req reqs[FAKE_MAX];
  int nreqs;
} fake_central;

typedef struct {
  char buf[4096];
  size_t len;
} fake_upload;

static void fake_done(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)cls; (void)c; (void)toe;
  free(*con_cls);
  *con_cls = NULL;
}

static enum MHD_Result fake_handler(void *cls, struct MHD_Connection *c,
                                    const char *url, const char *method,
                                    const char *version, const char *data,
                                    size_t *size, void **con_cls) {
  fake_central *f = cls;
  (void)method; (void)version;
  fake_upload *up = *con_cls;
  if (!up) {
    up = calloc(1, sizeof *up);
    *con_cls = up;
    return up ? MHD_YES : MHD_NO;
  }
  if (*size) {
    size_t n = *size < sizeof up->buf - 1 - up->len ? *size : sizeof up->buf - 1 - up->len;
    memcpy(up->buf + up->len, data, n);
    up->len += n;
    *size = 0;
    return MHD_YES;
  }
  const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
  pthread_mutex_lock(&f->mu);
  int status = f->next < f->nscript ? f->script[f->next++] : f->dflt;
  int seq = f->nreqs;
  if (f->nreqs < FAKE_MAX) {
    fake_req *r = &f->reqs[f->nreqs++];
    snprintf(r->path, sizeof r->path, "%s", url);
    snprintf(r->key, sizeof r->key, "%s", key ? key : "");
    snprintf(r->body, sizeof r->body, "%.*s", (int)up->len, up->buf);
  }
  pthread_mutex_unlock(&f->mu);
  char body[256];
  if (status == -1) {
    status = 200;
    snprintf(body, sizeof body, "{\"truncated\":");
  } else if (status < 300) {
    snprintf(body, sizeof body, "{\"seq\":%d,\"voucher\":{\"code\":\"KV1.%d\"}}", seq, seq);
  } else {
    snprintf(body, sizeof body, "{\"error\":\"%s\",\"message\":\"scripted %d\"}",
             status == 422 ? "insufficient_points" : "scripted", status);
  }
  struct MHD_Response *r = MHD_create_response_from_buffer(
      strlen(body), body, MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
  MHD_destroy_response(r);
  return ret;
}

/* port 0: any free port. Returns 0 on success. */
static int fake_start(fake_central *f, unsigned short port) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  f->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
                          port, NULL, NULL, fake_handler, f,
                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                          MHD_OPTION_NOTIFY_COMPLETED, fake_done, NULL,
                          MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
                          MHD_OPTION_END);
  if (!f->d)
    return -1;
  const union MHD_DaemonInfo *i = MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT);
  f->port = i ? i->port : 0;
  return 0;
}

static void fake_stop(fake_central *f) {
  if (f->d)
    MHD_stop_daemon(f->d);
  f->d = NULL;
}

#endif
