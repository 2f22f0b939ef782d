#include "scanw.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cfg.h"
#include "klog.h"
#include "scan_qrgen.h"
#include "scan_zbar.h"

#define QUEUE_MAX 8
/* Pixels per QR module for demo codes: large enough that zbar reads them the
 * way it reads a phone screen, small enough to stay a few milliseconds. */
#define DEMO_SCALE 4

typedef struct job {
  struct job *next;
  char *code;
} job;

struct scanw;

typedef struct {
  struct scanw *owner;
  int index;
  char scheme[16];
  int live; /* a camera: its frames are worth a preview */
  scan_thread *thread;
  int have_state; /* under owner->lock */
  scan_state state;
} source;

struct scanw {
  scanw_done_fn on_done;
  void *ctx;
  pthread_mutex_t lock; /* the demo queue and the sources' states */
  source src[SCANW_MAX_SOURCES];
  int n_src;
  int preview; /* index of the source that feeds the preview, -1 none */
  /* The demo path. */
  pthread_t demo;
  int demo_started;
  pthread_cond_t wake;
  job *head, *tail;
  int depth;
  int stopping;
};

static scanw_result *result_new(int source_index, scan_event_kind kind) {
  scanw_result *r = calloc(1, sizeof *r);
  if (!r) {
    klog_error("scanw", "out of memory: dropping a scan result");
    return NULL;
  }
  r->source = source_index;
  r->kind = kind;
  return r;
}

static void set_payload(scanw_result *r, const char *p, size_t len) {
  if (len >= sizeof r->payload) len = sizeof r->payload - 1;
  memcpy(r->payload, p, len);
  r->payload[len] = '\0';
  r->len = len;
  r->found = 1;
}

/* A scan_thread's event, on its thread: keep the state, pass it on. */
static void on_source(void *ctx, const scan_event *ev) {
  source *so = ctx;
  scanw *s = so->owner;
  if (ev->kind == SCAN_EVENT_STATE) {
    pthread_mutex_lock(&s->lock);
    so->have_state = 1;
    so->state = ev->state;
    pthread_mutex_unlock(&s->lock);
  }
  scanw_result *r = result_new(so->index, ev->kind);
  if (!r) return;
  r->state = ev->state;
  r->rc = ev->rc;
  if (ev->msg) kerr_set(r->msg, ev->rc, "%s", ev->msg);
  if (ev->kind == SCAN_EVENT_PAYLOAD) set_payload(r, ev->payload, ev->len);
  s->on_done(s->ctx, r);
}

static void run_demo(scanw *s, scan_zbar *dec, job *j, int stopping) {
  scanw_result *r = result_new(SCANW_DEMO, SCAN_EVENT_PAYLOAD);
  if (!r) return;
  uint8_t *grey = NULL;
  int w = 0, h = 0;
  if (stopping) {
    r->rc = kerr_set(r->msg, KERR_BUSY, "shutting down");
  } else if (!dec) {
    r->rc = kerr_set(r->msg, KERR_DEVICE, "no decoder");
  } else {
    r->rc = scan_qrgen_render(j->code, DEMO_SCALE, &grey, &w, &h, r->msg);
    if (r->rc == KERR_OK) {
      size_t len = 0;
      int got = scan_zbar_decode(dec, grey, w, h, w, r->payload,
                                 sizeof r->payload, &len, r->msg);
      if (got < 0) r->rc = got;
      r->found = got > 0;
      r->len = got > 0 && len < sizeof r->payload ? len : 0;
    }
  }
  if (r->rc != KERR_OK) r->kind = SCAN_EVENT_REJECT;
  free(grey);
  s->on_done(s->ctx, r);
}

static void *demo_loop(void *arg) {
  scanw *s = arg;
  kerr_msg msg = "";
  scan_zbar *dec = NULL;
  if (scan_zbar_new(&dec, msg) != 0) {
    klog_error("scanw", "zbar: %s", msg);
    dec = NULL;
  }
  for (;;) {
    pthread_mutex_lock(&s->lock);
    while (!s->head && !s->stopping) pthread_cond_wait(&s->wake, &s->lock);
    job *j = s->head;
    if (j) {
      s->head = j->next;
      if (!s->head) s->tail = NULL;
      s->depth--;
    }
    int stopping = s->stopping;
    pthread_mutex_unlock(&s->lock);
    if (!j) break;
    run_demo(s, dec, j, stopping);
    sodium_memzero(j->code, strlen(j->code));
    free(j->code);
    free(j);
  }
  if (dec) scan_zbar_free(dec);
  return NULL;
}

static int start_sources(scanw *s, const char *list, int preview_files,
                         char *msg) {
  char uri[SCAN_SOURCE_URI_MAX];
  const char *at = list ? list : "";
  scan_thread_opts opts;
  memset(&opts, 0, sizeof opts);
  opts.preview_files = preview_files;
  while (cfg_next_source(&at, uri, sizeof uri)) {
    if (s->n_src == SCANW_MAX_SOURCES)
      return kerr_set(msg, KERR_CONFIG, "scanner: at most %d sources",
                      SCANW_MAX_SOURCES);
    source *so = &s->src[s->n_src];
    so->owner = s;
    so->index = s->n_src;
    const char *colon = strchr(uri, ':');
    size_t n = colon ? (size_t)(colon - uri) : strlen(uri);
    if (n >= sizeof so->scheme) n = sizeof so->scheme - 1;
    memcpy(so->scheme, uri, n);
    so->scheme[n] = '\0';
    so->live = !strcmp(so->scheme, "camera");
    int rc = scan_thread_start(uri, on_source, so, &opts, &so->thread, msg);
    if (rc) return rc;
    if (s->preview < 0 && (so->live || preview_files)) s->preview = s->n_src;
    s->n_src++;
  }
  return KERR_OK;
}

int scanw_start(const char *sources, int preview_files, scanw_done_fn on_done,
                void *ctx, scanw **out, char *msg) {
  scanw *s = calloc(1, sizeof *s);
  if (!s) return kerr_set(msg, KERR_NOMEM, "out of memory");
  s->on_done = on_done;
  s->ctx = ctx;
  s->preview = -1;
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->wake, NULL);
  int rc = start_sources(s, sources, preview_files, msg);
  if (!rc) {
    int e = pthread_create(&s->demo, NULL, demo_loop, s);
    if (e) rc = kerr_set(msg, KERR_NOMEM, "pthread_create: %s", strerror(e));
    else s->demo_started = 1;
  }
  if (rc) {
    scanw_stop(s);
    return rc;
  }
  klog_info("scanw", "%d scanner source%s%s", s->n_src, s->n_src == 1 ? "" : "s",
            s->preview >= 0 ? ", with a preview" : "");
  *out = s;
  return KERR_OK;
}

int scanw_submit_code(scanw *s, const char *payload) {
  job *j = calloc(1, sizeof *j);
  if (!j || !(j->code = strdup(payload))) {
    free(j);
    return KERR_NOMEM;
  }
  pthread_mutex_lock(&s->lock);
  if (s->depth >= QUEUE_MAX || s->stopping) {
    pthread_mutex_unlock(&s->lock);
    free(j->code);
    free(j);
    return KERR_BUSY;
  }
  if (s->tail) s->tail->next = j;
  else s->head = j;
  s->tail = j;
  s->depth++;
  pthread_cond_signal(&s->wake);
  pthread_mutex_unlock(&s->lock);
  return KERR_OK;
}

void scanw_stop(scanw *s) {
  if (!s) return;
  for (int i = 0; i < s->n_src; i++) scan_thread_stop(s->src[i].thread);
  pthread_mutex_lock(&s->lock);
  s->stopping = 1;
  pthread_cond_signal(&s->wake);
  pthread_mutex_unlock(&s->lock);
  if (s->demo_started) pthread_join(s->demo, NULL);
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->wake);
  free(s);
}

void scanw_result_free(scanw_result *r) {
  if (!r) return;
  /* The payload is a member code: do not leave it in freed memory. */
  sodium_memzero(r, sizeof *r);
  free(r);
}

int scanw_count(const scanw *s) { return s ? s->n_src : 0; }

void scanw_source(scanw *s, int i, const char **scheme, int *have_state,
                  scan_state *state) {
  source *so = &s->src[i];
  *scheme = so->scheme;
  pthread_mutex_lock(&s->lock);
  *have_state = so->have_state;
  *state = so->state;
  pthread_mutex_unlock(&s->lock);
}

int scanw_has_preview(const scanw *s) { return s && s->preview >= 0; }

int scanw_preview(scanw *s, uint8_t *dst, size_t cap, int *w, int *h,
                  uint64_t *seq) {
  if (!scanw_has_preview(s)) return 0;
  return scan_thread_preview(s->src[s->preview].thread, dst, cap, w, h, seq);
}
