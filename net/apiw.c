#include "apiw.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"

#define QUEUE_MAX 64

typedef struct job {
  struct job *next;
  int tag;
  void *user;
  char *method;
  char *path;
  json_t *body;
  char *idempotency_key;
} job;

struct apiw {
  api *client;
  apiw_done_fn on_done;
  void *ctx;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  job *head, *tail;
  int depth;
  int stopping;
};

static void job_free(job *j) {
  if (!j) return;
  free(j->method);
  free(j->path);
  if (j->body) json_decref(j->body);
  free(j->idempotency_key);
  free(j);
}

/* Runs one job (or, when stopping, answers it without running it) and hands
 * the result to the callback. */
static void run_job(apiw *w, job *j, int stopping) {
  apiw_result *r = calloc(1, sizeof *r);
  if (!r) {
    klog_error("apiw", "out of memory: dropping the answer to %s %s", j->method, j->path);
    return;
  }
  r->tag = j->tag;
  r->user = j->user;
  if (stopping) {
    r->rc = kerr_set(r->msg, KERR_BUSY, "shutting down");
  } else {
    r->rc = api_request(w->client, j->method, j->path, j->body,
                        j->idempotency_key, &r->resp, r->msg);
    if (r->rc != KERR_OK)
      klog_warn("apiw", "%s %s failed: %s (%s)", j->method, j->path,
                kerr_str(r->rc), r->msg);
  }
  w->on_done(w->ctx, r);
}

static void *worker(void *arg) {
  apiw *w = arg;
  for (;;) {
    job *j;
    int stopping;
    pthread_mutex_lock(&w->lock);
    while (!w->head && !w->stopping) pthread_cond_wait(&w->wake, &w->lock);
    j = w->head;
    if (j) {
      w->head = j->next;
      if (!w->head) w->tail = NULL;
      w->depth--;
    }
    stopping = w->stopping;
    pthread_mutex_unlock(&w->lock);
    if (!j) break; /* stopping and drained */
    run_job(w, j, stopping);
    job_free(j);
  }
  return NULL;
}

int apiw_start(const api_config *cfg, apiw_done_fn on_done, void *ctx,
               apiw **out, char *msg) {
  apiw *w;
  int rc;

  *out = NULL;
  w = calloc(1, sizeof *w);
  if (!w) return kerr_set(msg, KERR_NOMEM, "apiw: out of memory");
  rc = api_open(cfg, &w->client, msg);
  if (rc != KERR_OK) {
    free(w);
    return rc;
  }
  w->on_done = on_done;
  w->ctx = ctx;
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->wake, NULL);
  if (pthread_create(&w->thread, NULL, worker, w) != 0) {
    api_close(w->client);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w);
    return kerr_set(msg, KERR_NOMEM, "apiw: cannot start the worker thread");
  }
  *out = w;
  return KERR_OK;
}

int apiw_submit(apiw *w, int tag, void *user, const char *method,
                const char *path, const json_t *body,
                const char *idempotency_key) {
  job *j = calloc(1, sizeof *j);
  if (!j) return KERR_NOMEM;
  j->tag = tag;
  j->user = user;
  j->method = strdup(method);
  j->path = strdup(path);
  j->body = body ? json_deep_copy(body) : NULL;
  j->idempotency_key = idempotency_key ? strdup(idempotency_key) : NULL;
  if (!j->method || !j->path || (body && !j->body) ||
      (idempotency_key && !j->idempotency_key)) {
    job_free(j);
    return KERR_NOMEM;
  }
  pthread_mutex_lock(&w->lock);
  if (w->stopping || w->depth >= QUEUE_MAX) {
    pthread_mutex_unlock(&w->lock);
    job_free(j);
    return KERR_BUSY;
  }
  if (w->tail) w->tail->next = j;
  else w->head = j;
  w->tail = j;
  w->depth++;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->lock);
  return KERR_OK;
}

void apiw_stop(apiw *w) {
  if (!w) return;
  pthread_mutex_lock(&w->lock);
  w->stopping = 1;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  api_close(w->client);
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->wake);
  free(w);
}

void apiw_result_free(apiw_result *result) {
  if (!result) return;
  api_response_clear(&result->resp);
  free(result);
}
