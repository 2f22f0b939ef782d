/* Test helper: collects scan_thread events and waits for them. Header-only
 * so each scanner test binary stays one file plus this. */
#ifndef SCAN_SINK_H
#define SCAN_SINK_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scan_thread.h"

#define SINK_MAX 128
/* Guard against a hang only (the failure names what never came); never a
 * measure of speed: every wait normally ends in milliseconds. */
#define SINK_GUARD_S 60

typedef struct {
  scan_event_kind kind;
  scan_state state;
  int rc;
  char payload[SCAN_SOURCE_PAYLOAD_MAX];
  size_t len;
  char msg[256];
} sink_rec;

typedef struct {
  pthread_mutex_t m;
  pthread_cond_t c;
  sink_rec ev[SINK_MAX];
  int n;
} sink;

static inline void sink_init(sink *s) {
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->m, NULL);
  pthread_cond_init(&s->c, NULL);
}

static inline void sink_destroy(sink *s) {
  pthread_mutex_destroy(&s->m);
  pthread_cond_destroy(&s->c);
}

static inline void sink_on_event(void *ctx, const scan_event *ev) {
  sink *s = ctx;
  pthread_mutex_lock(&s->m);
  if (s->n < SINK_MAX) {
    sink_rec *r = &s->ev[s->n++];
    r->kind = ev->kind;
    r->state = ev->state;
    r->rc = ev->rc;
    if (ev->payload && ev->len < sizeof r->payload) {
      memcpy(r->payload, ev->payload, ev->len);
      r->payload[ev->len] = '\0';
      r->len = ev->len;
    }
    snprintf(r->msg, sizeof r->msg, "%s", ev->msg ? ev->msg : "");
  }
  pthread_cond_broadcast(&s->c);
  pthread_mutex_unlock(&s->m);
}

/* Number of events of kind (and, for PAYLOAD, equal to text; for STATE,
 * equal to state when state >= 0). Call with the lock held or after stop. */
static inline int sink_count(const sink *s, scan_event_kind kind, const char *text,
                      int state) {
  int i, n = 0;
  for (i = 0; i < s->n; i++) {
    const sink_rec *r = &s->ev[i];
    if (r->kind != kind) continue;
    if (text && strcmp(r->payload, text) != 0) continue;
    if (kind == SCAN_EVENT_STATE && state >= 0 && (int)r->state != state)
      continue;
    n++;
  }
  return n;
}

/* Waits until sink_count(...) >= want; returns 0, or -1 after the guard. */
static inline int sink_wait(sink *s, scan_event_kind kind, const char *text,
                     int state, int want) {
  struct timespec until;
  int rc = 0;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += SINK_GUARD_S;
  pthread_mutex_lock(&s->m);
  while (sink_count(s, kind, text, state) < want && rc != ETIMEDOUT)
    rc = pthread_cond_timedwait(&s->c, &s->m, &until);
  rc = sink_count(s, kind, text, state) >= want ? 0 : -1;
  pthread_mutex_unlock(&s->m);
  if (rc)
    fprintf(stderr, "sink: no %d event(s) of kind %d %s within %d s\n", want,
            (int)kind, text ? text : "", SINK_GUARD_S);
  return rc;
}

#endif
