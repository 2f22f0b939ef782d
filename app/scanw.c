#include "scanw.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "klog.h"
#include "scan_qrgen.h"
#include "scan_zbar.h"

#define QUEUE_MAX 8
/* Pixels per QR module for demo codes: large enough that zbar reads them the
 * way it reads a phone screen, small enough to stay a few milliseconds. */
#define DEMO_SCALE 4

typedef struct job {
  struct job *next;
  int tag;
  char *code;    /* draw this, or */
  uint8_t *grey; /* decode this */
  int w, h;
} job;

struct scanw {
  scanw_done_fn on_done;
  void *ctx;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  job *head, *tail;
  int depth;
  int stopping;
};

static void job_free(job *j) {
  free(j->code);
  free(j->grey);
  free(j);
}

static void run(scanw *s, scan_zbar *dec, job *j, int stopping) {
  scanw_result *r = calloc(1, sizeof *r);
  if (!r) {
    klog_error("scanw", "out of memory: dropping a scan result");
    return;
  }
  r->tag = j->tag;
  if (stopping) {
    r->rc = kerr_set(r->msg, KERR_BUSY, "shutting down");
  } else if (!dec) {
    r->rc = kerr_set(r->msg, KERR_DEVICE, "no decoder");
  } else {
    if (j->code) {
      r->rc = scan_qrgen_render(j->code, DEMO_SCALE, &j->grey, &j->w, &j->h,
                                r->msg);
    }
    if (r->rc == KERR_OK) {
      int got = scan_zbar_decode(dec, j->grey, j->w, j->h, j->w, r->payload,
                                 sizeof r->payload, &r->payload_len, r->msg);
      if (got < 0)
        r->rc = got;
      else
        r->found = got;
    }
  }
  s->on_done(s->ctx, r);
}

static void *loop(void *arg) {
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
    run(s, dec, j, stopping);
    job_free(j);
  }
  if (dec) scan_zbar_free(dec);
  return NULL;
}

int scanw_start(scanw_done_fn on_done, void *ctx, scanw **out, char *msg) {
  scanw *s = calloc(1, sizeof *s);
  if (!s) return kerr_set(msg, KERR_NOMEM, "out of memory");
  s->on_done = on_done;
  s->ctx = ctx;
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->wake, NULL);
  int e = pthread_create(&s->thread, NULL, loop, s);
  if (e) {
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    free(s);
    return kerr_set(msg, KERR_NOMEM, "pthread_create: %s", strerror(e));
  }
  *out = s;
  return KERR_OK;
}

static int submit(scanw *s, job *j) {
  pthread_mutex_lock(&s->lock);
  if (s->depth >= QUEUE_MAX || s->stopping) {
    pthread_mutex_unlock(&s->lock);
    return KERR_BUSY;
  }
  if (s->tail)
    s->tail->next = j;
  else
    s->head = j;
  s->tail = j;
  s->depth++;
  pthread_cond_signal(&s->wake);
  pthread_mutex_unlock(&s->lock);
  return KERR_OK;
}

int scanw_submit_code(scanw *s, int tag, const char *payload) {
  job *j = calloc(1, sizeof *j);
  if (!j) return KERR_NOMEM;
  j->tag = tag;
  j->code = strdup(payload);
  if (!j->code) {
    free(j);
    return KERR_NOMEM;
  }
  int rc = submit(s, j);
  if (rc) job_free(j);
  return rc;
}

int scanw_submit_frame(scanw *s, int tag, uint8_t *grey, int w, int h) {
  job *j = calloc(1, sizeof *j);
  if (!j) {
    free(grey);
    return KERR_NOMEM;
  }
  j->tag = tag;
  j->grey = grey;
  j->w = w;
  j->h = h;
  int rc = submit(s, j);
  if (rc) job_free(j);
  return rc;
}

void scanw_stop(scanw *s) {
  if (!s) return;
  pthread_mutex_lock(&s->lock);
  s->stopping = 1;
  pthread_cond_signal(&s->wake);
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->thread, NULL);
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
