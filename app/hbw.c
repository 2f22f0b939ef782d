#include "hbw.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "klog.h"
#include "offline.h"

struct hbw {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stopping;
  api *api;
  outbox *ob;
  offline *off; /* under mu */
  int interval_s;
  char version[64];
  hbw_snapshot snap; /* under mu */
};

void hbw_printer_words(prnw_fault fault, int near_end, const char **printer,
                       const char **paper) {
  *paper = "ok";
  switch (fault) {
  case PRNW_OK:
    *printer = "ok";
    *paper = near_end ? "low" : "ok";
    return;
  case PRNW_PAPER_OUT:
    *printer = "error";
    *paper = "out";
    return;
  case PRNW_OFFLINE:
  case PRNW_NO_PRINTER:
    *printer = "offline";
    *paper = "unknown";
    return;
  case PRNW_COVER_OPEN:
  case PRNW_MID_JOB:
  case PRNW_ERROR:
    break;
  }
  *printer = "error";
  *paper = near_end ? "low" : "ok";
}

/* One heartbeat: statistics from the queue, then the POST. */
static void beat(hbw *w) {
  hbw_snapshot s;
  pthread_mutex_lock(&w->mu);
  s = w->snap;
  offline *off = w->off;
  pthread_mutex_unlock(&w->mu);
  kerr_msg msg = "";
  offline_stats_t os;
  s.voided = 0;
  if (off && offline_stats(off, &os, msg) == KERR_OK) s.voided = os.voided;
  else if (off) klog_warn("heartbeat", "offline vouchers: %s", msg);
  memset(&s.queue, 0, sizeof s.queue);
  s.have_queue = w->ob && outbox_stats(w->ob, outbox_now_ms(), &s.queue, msg) == KERR_OK;
  if (w->ob && !s.have_queue) klog_warn("heartbeat", "queue stats: %s", msg);
  json_t *body = json_pack(
      "{s:s, s:s, s:I, s:I, s:I, s:s}", "printer", s.printer, "paper", s.paper,
      "queue_depth", (json_int_t)s.queue.depth, "oldest_pending_age_s",
      (json_int_t)(s.queue.oldest_pending_age_ms / 1000), "rejected_offline",
      (json_int_t)s.voided, "version", w->version);
  api_response r;
  memset(&r, 0, sizeof r);
  int rc = body ? api_request(w->api, "POST", "/v1/kiosk/heartbeat", body, NULL,
                              &r, msg)
                : kerr_set(msg, KERR_NOMEM, "out of memory");
  json_decref(body);
  if (rc != KERR_OK)
    klog_warn("heartbeat", "not delivered: %s", msg);
  else if (r.status != 200)
    klog_warn("heartbeat", "central answered %ld %s", r.status, r.error_code);
  else
    klog_debug("heartbeat", "sent: queue %lld, printer %s, paper %s",
               (long long)s.queue.depth, s.printer, s.paper);
  pthread_mutex_lock(&w->mu);
  /* The printer may have changed while this beat was under way. */
  w->snap.have_queue = s.have_queue;
  w->snap.queue = s.queue;
  w->snap.voided = s.voided;
  w->snap.status = rc == KERR_OK ? r.status : 0;
  w->snap.gen++;
  pthread_mutex_unlock(&w->mu);
  api_response_clear(&r);
  events_push(EVENTS_WAKE, NULL);
}

static void *loop(void *arg) {
  hbw *w = arg;
  pthread_mutex_lock(&w->mu);
  while (!w->stopping) {
    pthread_mutex_unlock(&w->mu);
    beat(w);
    pthread_mutex_lock(&w->mu);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += w->interval_s;
    while (!w->stopping &&
           pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT) {
    }
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

int hbw_start(const hbw_config *cfg, hbw **out, char *msg) {
  hbw *w = calloc(1, sizeof *w);
  if (!w) return kerr_set(msg, KERR_NOMEM, "out of memory");
  int rc = api_open(&cfg->api, &w->api, msg);
  if (rc) {
    free(w);
    return rc;
  }
  w->ob = cfg->ob;
  w->interval_s = cfg->interval_s > 0 ? cfg->interval_s : 60;
  snprintf(w->version, sizeof w->version, "%s", cfg->version ? cfg->version : "");
  snprintf(w->snap.printer, sizeof w->snap.printer, "unknown");
  snprintf(w->snap.paper, sizeof w->snap.paper, "unknown");
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* wall clock jumps */
  pthread_cond_init(&w->cv, &ca);
  pthread_condattr_destroy(&ca);
  pthread_mutex_init(&w->mu, NULL);
  if (pthread_create(&w->thread, NULL, loop, w) != 0) {
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    api_close(w->api);
    free(w);
    return kerr_set(msg, KERR_NOMEM, "heartbeat worker: cannot start a thread");
  }
  *out = w;
  return KERR_OK;
}

void hbw_set_printer(hbw *w, prnw_fault fault, int near_end) {
  if (!w) return;
  const char *printer, *paper;
  hbw_printer_words(fault, near_end, &printer, &paper);
  pthread_mutex_lock(&w->mu);
  snprintf(w->snap.printer, sizeof w->snap.printer, "%s", printer);
  snprintf(w->snap.paper, sizeof w->snap.paper, "%s", paper);
  pthread_mutex_unlock(&w->mu);
}

void hbw_set_offline(hbw *w, struct offline *off) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->off = off;
  pthread_mutex_unlock(&w->mu);
}

unsigned hbw_get(hbw *w, hbw_snapshot *out) {
  pthread_mutex_lock(&w->mu);
  *out = w->snap;
  pthread_mutex_unlock(&w->mu);
  return out->gen;
}

void hbw_stop(hbw *w) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->stopping = 1;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
  api_close(w->api);
  free(w);
}
