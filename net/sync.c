#include "sync.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "klog.h"

#define WRITE_QUEUE_MAX 64
#define DB_ERROR_PAUSE_MS 1000

typedef struct wreq {
  struct wreq *next;
  outbox_kind kind;
  char *member_id;
  char *body;
  int64_t points;
  int tag;
  void *user;
} wreq;

struct sync_worker {
  outbox *ob;
  api *client;
  api_config api_cfg; /* strings below are owned copies, for reconnects */
  char *base_url, *kiosk_id, *secret, *ca_file;
  long base_ms, cap_ms;
  int max_attempts;
  sync_event_fn on_event;
  void *ctx;

  pthread_mutex_t mu;
  pthread_mutex_t emit_mu; /* orders events: a txn's SYNC_QUEUED comes first */
  pthread_cond_t wake_writer, wake_sender;
  pthread_t writer, sender;
  wreq *head, *tail;
  int depth;
  int stopping;
  int work;         /* something was enqueued since the sender last looked */
  int kicked;
  int64_t hold_until; /* the link failed: no request before this (unix ms) */
  int streak;         /* consecutive failed attempts on the link */
  int need_recover;   /* a mark_* failed: a row may be stuck in SENDING */
  int sync_ready;     /* mutex and conditions initialised */
};

const char *sync_path(outbox_kind kind) {
  switch (kind) {
  case OUTBOX_REDEMPTION: return "/v1/redemptions";
  case OUTBOX_PARKING: return "/v1/parking/coupons";
  case OUTBOX_CHECKIN: return "/v1/checkins";
  case OUTBOX_RECEIPT: return "/v1/receipts/claims";
  case OUTBOX_PRINT_RECORD: return "/v1/kiosk/print-records";
  }
  return NULL;
}

long sync_backoff_ms(int n, long base_ms, long cap_ms, uint32_t rnd) {
  long ceiling = base_ms > 0 ? base_ms : 1;
  for (int i = 1; i < n && ceiling < cap_ms; i++)
    ceiling *= 2;
  if (ceiling > cap_ms)
    ceiling = cap_ms;
  /* 64-bit scaling keeps the draw uniform without a modulo bias. */
  return (long)(((uint64_t)rnd * (uint64_t)(ceiling + 1)) >> 32);
}

void sync_event_free(sync_event *ev) {
  if (!ev)
    return;
  if (ev->body)
    json_decref(ev->body);
  free(ev);
}

static sync_event *event_for(sync_event_type type, const outbox_txn *t) {
  sync_event *ev = calloc(1, sizeof *ev);
  if (!ev) {
    klog_error("sync", "out of memory: event for txn %lld dropped",
               t ? (long long)t->id : -1LL);
    return NULL;
  }
  ev->type = type;
  if (t) {
    ev->txn_id = t->id;
    ev->kind = t->kind;
    ev->attempts = t->attempts;
    memcpy(ev->member_id, t->member_id, sizeof ev->member_id);
    memcpy(ev->key, t->key, sizeof ev->key);
  }
  return ev;
}

static void emit(sync_worker *s, sync_event *ev) {
  if (!ev)
    return;
  pthread_mutex_lock(&s->emit_mu);
  s->on_event(s->ctx, ev);
  pthread_mutex_unlock(&s->emit_mu);
}

static void wreq_free(wreq *r) {
  free(r->member_id);
  free(r->body);
  free(r);
}

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits on the sender's condition for up to ms (negative: no limit); the
 * caller holds mu. */
static void wait_ms(sync_worker *s, int64_t ms) {
  if (ms < 0) {
    pthread_cond_wait(&s->wake_sender, &s->mu);
    return;
  }
  int64_t at = mono_ms() + ms;
  struct timespec ts = {(time_t)(at / 1000), (long)(at % 1000) * 1000000};
  pthread_cond_timedwait(&s->wake_sender, &s->mu, &ts);
}

static void *writer_main(void *arg) {
  sync_worker *s = arg;
  for (;;) {
    pthread_mutex_lock(&s->mu);
    while (!s->head && !s->stopping)
      pthread_cond_wait(&s->wake_writer, &s->mu);
    wreq *r = s->head;
    if (r) {
      s->head = r->next;
      if (!s->head)
        s->tail = NULL;
      s->depth--;
    }
    pthread_mutex_unlock(&s->mu);
    if (!r)
      break; /* stopping, and everything accepted is written */
    sync_event *ev = event_for(SYNC_QUEUED, NULL);
    kerr_msg msg = "";
    int64_t id = 0;
    char key[OUTBOX_KEY_LEN + 1] = "";
    /* Held from the commit to the callback: the sender may claim the row at
     * once, but cannot report on it before the UI has heard it is queued. */
    pthread_mutex_lock(&s->emit_mu);
    int rc = outbox_enqueue(s->ob, r->kind, r->member_id, r->body, r->points,
                            &id, key, msg);
    if (rc)
      klog_error("sync", "%s not queued: %s", outbox_kind_name(r->kind), msg);
    pthread_mutex_lock(&s->mu);
    s->work = 1;
    pthread_cond_signal(&s->wake_sender);
    pthread_mutex_unlock(&s->mu);
    if (ev) {
      ev->rc = rc;
      ev->txn_id = id;
      ev->kind = r->kind;
      ev->tag = r->tag;
      ev->user = r->user;
      memcpy(ev->key, key, sizeof key);
      snprintf(ev->member_id, sizeof ev->member_id, "%s",
               r->member_id ? r->member_id : "");
      memcpy(ev->msg, msg, sizeof msg);
      s->on_event(s->ctx, ev);
    }
    pthread_mutex_unlock(&s->emit_mu);
    wreq_free(r);
  }
  return NULL;
}

/* A retryable failure: back off this transaction and the whole link. */
static void retry_later(sync_worker *s, outbox_txn *t, int rc, long status,
                        const char *why) {
  kerr_msg msg;
  pthread_mutex_lock(&s->mu);
  s->streak++;
  int n = t->attempts > s->streak ? t->attempts : s->streak;
  pthread_mutex_unlock(&s->mu);
  sync_event *ev;
  if (s->max_attempts > 0 && t->attempts >= s->max_attempts) {
    if (outbox_mark_dead(s->ob, t->id, why, msg) != KERR_OK) {
      klog_error("sync", "%s", msg);
      s->need_recover = 1;
    }
    klog_error("sync", "txn %lld given up after %d attempts: %s",
               (long long)t->id, t->attempts, why);
    ev = event_for(SYNC_DEAD, t);
  } else {
    long delay = sync_backoff_ms(n, s->base_ms, s->cap_ms, randombytes_random());
    int64_t next = outbox_now_ms() + delay;
    if (outbox_mark_retry(s->ob, t->id, next, why, msg) != KERR_OK) {
      klog_error("sync", "%s", msg);
      s->need_recover = 1;
    }
    pthread_mutex_lock(&s->mu);
    s->hold_until = next;
    pthread_mutex_unlock(&s->mu);
    klog_warn("sync", "txn %lld (%s) attempt %d failed, retry in %ld ms: %s",
              (long long)t->id, outbox_kind_name(t->kind), t->attempts, delay,
              why);
    ev = event_for(SYNC_RETRYING, t);
    if (ev)
      ev->retry_in_ms = delay;
  }
  if (ev) {
    ev->rc = rc;
    ev->status = status;
    snprintf(ev->msg, sizeof ev->msg, "%s", why);
    emit(s, ev);
  }
}

static void link_ok(sync_worker *s) {
  pthread_mutex_lock(&s->mu);
  s->streak = 0;
  s->hold_until = 0;
  pthread_mutex_unlock(&s->mu);
}

/* REALITY: the issue says every 4xx but 408 and 429 is final, but 401
 * (unknown kiosk, bad signature, clock more than 300 s off) and 403 are about
 * the kiosk, not the transaction: rejecting would throw away a member's
 * redemption because a clock drifted. They are retried until fixed. */
static int final_4xx(long st) {
  return st >= 400 && st < 500 && st != 401 && st != 403 && st != 408 &&
         st != 429;
}

static void send_one(sync_worker *s, outbox_txn *t) {
  kerr_msg msg = "";
  json_error_t jerr;
  json_t *body = json_loads(t->body, 0, &jerr);
  const char *path = sync_path(t->kind);
  if (!body || !path) {
    /* Only a bug can get here: the outbox checks JSON on enqueue. */
    char why[256];
    snprintf(why, sizeof why, "cannot send: %s", body ? "unknown kind" : jerr.text);
    json_decref(body);
    if (outbox_mark_dead(s->ob, t->id, why, msg) != KERR_OK)
      s->need_recover = 1;
    sync_event *ev = event_for(SYNC_DEAD, t);
    if (ev) {
      ev->rc = KERR_INVALID;
      snprintf(ev->msg, sizeof ev->msg, "%s", why);
      emit(s, ev);
    }
    return;
  }
  api_response resp;
  int rc = api_request(s->client, "POST", path, body, t->key, &resp, msg);
  json_decref(body);
  if (rc != KERR_OK) {
    retry_later(s, t, rc, 0, msg);
    return;
  }
  long st = resp.status;
  char *answer = resp.body ? json_dumps(resp.body, JSON_COMPACT) : NULL;
  if (st >= 200 && st < 300) {
    link_ok(s);
    if (outbox_mark_acked(s->ob, t->id, st, answer, msg) != KERR_OK) {
      /* Still in SENDING: after recovery the central replays this answer. */
      klog_error("sync", "%s", msg);
      s->need_recover = 1;
    } else {
      sync_event *ev = event_for(SYNC_ACKED, t);
      if (ev) {
        ev->status = st;
        ev->body = resp.body;
        resp.body = NULL;
        emit(s, ev);
      }
    }
  } else if (final_4xx(st)) {
    link_ok(s);
    char reason[320];
    snprintf(reason, sizeof reason, "%s: %s", resp.error_code, resp.error_message);
    klog_warn("sync", "txn %lld (%s) rejected with %ld %s", (long long)t->id,
              outbox_kind_name(t->kind), st, reason);
    if (outbox_mark_rejected(s->ob, t->id, st, answer, reason, msg) != KERR_OK) {
      klog_error("sync", "%s", msg);
      s->need_recover = 1;
    } else {
      sync_event *ev = event_for(SYNC_REJECTED, t);
      if (ev) {
        ev->rc = KERR_HTTP;
        ev->status = st;
        snprintf(ev->error_code, sizeof ev->error_code, "%s", resp.error_code);
        snprintf(ev->msg, sizeof ev->msg, "%s", resp.error_message);
        ev->body = resp.body;
        resp.body = NULL;
        emit(s, ev);
      }
    }
  } else {
    char why[320];
    snprintf(why, sizeof why, "HTTP %ld %s %s", st, resp.error_code,
             resp.error_message);
    retry_later(s, t, KERR_HTTP, st, why);
  }
  free(answer);
  api_response_clear(&resp);
}

static void reconnect(sync_worker *s) {
  kerr_msg msg;
  outbox_retry_all(s->ob, outbox_now_ms(), msg);
  api *fresh = NULL;
  if (api_open(&s->api_cfg, &fresh, msg) == KERR_OK) {
    api_close(s->client);
    s->client = fresh;
  } else {
    klog_error("sync", "reconnect: %s", msg);
  }
}

static void *sender_main(void *arg) {
  sync_worker *s = arg;
  /* A start is a reconnect: what waited out a backoff before a restart (a
   * fixed clock, a new certificate, a central back up) goes now, not up to
   * a minute later. The keys stay the same. */
  kerr_msg m0;
  if (outbox_retry_all(s->ob, outbox_now_ms(), m0) != KERR_OK)
    klog_error("sync", "start: %s", m0);
  pthread_mutex_lock(&s->mu);
  while (!s->stopping) {
    if (s->kicked) {
      s->kicked = 0;
      s->hold_until = 0;
      s->streak = 0;
      pthread_mutex_unlock(&s->mu);
      reconnect(s);
      pthread_mutex_lock(&s->mu);
      continue;
    }
    int64_t now = outbox_now_ms();
    if (now < s->hold_until) {
      wait_ms(s, s->hold_until - now);
      continue;
    }
    s->work = 0;
    pthread_mutex_unlock(&s->mu);

    kerr_msg msg;
    int64_t wait = -1;
    if (s->need_recover && outbox_recover(s->ob, NULL, msg) == KERR_OK)
      s->need_recover = 0; /* only this thread sends, so none is in flight */
    outbox_txn t;
    int rc = outbox_claim_next(s->ob, now, &t, msg);
    if (rc == KERR_OK) {
      send_one(s, &t);
      outbox_txn_free(&t);
      pthread_mutex_lock(&s->mu);
      continue;
    }
    if (rc == KERR_NOT_FOUND) {
      int64_t due;
      if (outbox_next_due(s->ob, &due, msg) == KERR_OK)
        wait = due > now ? due - now : 0;
    } else {
      klog_error("sync", "%s", msg);
      wait = DB_ERROR_PAUSE_MS;
    }
    pthread_mutex_lock(&s->mu);
    if (!s->work && !s->kicked && !s->stopping && wait != 0)
      wait_ms(s, wait);
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

/* Also for a half-built worker: the sync objects are made before any
 * failure that can reach here after them. */
static void free_worker(sync_worker *s) {
  api_close(s->client);
  if (s->secret)
    sodium_memzero(s->secret, strlen(s->secret));
  free(s->base_url);
  free(s->kiosk_id);
  free(s->secret);
  free(s->ca_file);
  if (s->sync_ready) {
    pthread_cond_destroy(&s->wake_sender);
    pthread_cond_destroy(&s->wake_writer);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->emit_mu);
  }
  free(s);
}

int sync_start(const sync_config *cfg, outbox *ob, sync_event_fn on_event,
               void *ctx, sync_worker **out, char *msg) {
  *out = NULL;
  if (!cfg || !ob || !on_event)
    return kerr_set(msg, KERR_INVALID, "sync: config, outbox and callback needed");
  if (sodium_init() < 0)
    return kerr_set(msg, KERR_CONFIG, "sync: sodium_init failed");
  sync_worker *s = calloc(1, sizeof *s);
  if (!s)
    return kerr_set(msg, KERR_NOMEM, "sync: out of memory");
  int rc = api_open(&cfg->api, &s->client, msg);
  if (rc) {
    free(s);
    return rc;
  }
  s->api_cfg = cfg->api;
  s->api_cfg.base_url = s->base_url = strdup(cfg->api.base_url);
  s->api_cfg.kiosk_id = s->kiosk_id = strdup(cfg->api.kiosk_id);
  s->api_cfg.secret = s->secret = strdup(cfg->api.secret);
  s->api_cfg.ca_file = s->ca_file =
      cfg->api.ca_file ? strdup(cfg->api.ca_file) : NULL;
  if (!s->base_url || !s->kiosk_id || !s->secret ||
      (cfg->api.ca_file && !s->ca_file)) {
    free_worker(s);
    return kerr_set(msg, KERR_NOMEM, "sync: out of memory");
  }
  s->ob = ob;
  s->base_ms = cfg->backoff_base_ms > 0 ? cfg->backoff_base_ms : 500;
  s->cap_ms = cfg->backoff_cap_ms > 0 ? cfg->backoff_cap_ms : 60000;
  if (s->cap_ms < s->base_ms)
    s->cap_ms = s->base_ms;
  s->max_attempts = cfg->max_attempts;
  s->on_event = on_event;
  s->ctx = ctx;
  pthread_mutex_init(&s->mu, NULL);
  pthread_mutex_init(&s->emit_mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->wake_sender, &ca);
  pthread_condattr_destroy(&ca);
  pthread_cond_init(&s->wake_writer, NULL);
  s->sync_ready = 1;
  s->work = 1;
  if (pthread_create(&s->writer, NULL, writer_main, s) != 0) {
    free_worker(s);
    return kerr_set(msg, KERR_NOMEM, "sync: cannot start the writer thread");
  }
  if (pthread_create(&s->sender, NULL, sender_main, s) != 0) {
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_signal(&s->wake_writer);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->writer, NULL);
    free_worker(s);
    return kerr_set(msg, KERR_NOMEM, "sync: cannot start the sender thread");
  }
  *out = s;
  return KERR_OK;
}

int sync_enqueue(sync_worker *s, outbox_kind kind, const char *member_id,
                 const char *json_body, int64_t points, int tag, void *user) {
  if (!s || !json_body || (unsigned)kind > OUTBOX_PRINT_RECORD)
    return KERR_INVALID;
  wreq *r = calloc(1, sizeof *r);
  if (!r)
    return KERR_NOMEM;
  r->kind = kind;
  r->member_id = member_id ? strdup(member_id) : NULL;
  r->body = strdup(json_body);
  r->points = points;
  r->tag = tag;
  r->user = user;
  if (!r->body || (member_id && !r->member_id)) {
    wreq_free(r);
    return KERR_NOMEM;
  }
  pthread_mutex_lock(&s->mu);
  if (s->depth >= WRITE_QUEUE_MAX || s->stopping) {
    pthread_mutex_unlock(&s->mu);
    wreq_free(r);
    return KERR_BUSY;
  }
  if (s->tail)
    s->tail->next = r;
  else
    s->head = r;
  s->tail = r;
  s->depth++;
  pthread_cond_signal(&s->wake_writer);
  pthread_mutex_unlock(&s->mu);
  return KERR_OK;
}

void sync_kick(sync_worker *s) {
  if (!s)
    return;
  pthread_mutex_lock(&s->mu);
  s->kicked = 1;
  pthread_cond_signal(&s->wake_sender);
  pthread_mutex_unlock(&s->mu);
}

void sync_stop(sync_worker *s) {
  if (!s)
    return;
  pthread_mutex_lock(&s->mu);
  s->stopping = 1;
  pthread_cond_signal(&s->wake_writer);
  pthread_cond_signal(&s->wake_sender);
  pthread_mutex_unlock(&s->mu);
  pthread_join(s->writer, NULL);
  pthread_join(s->sender, NULL);
  free_worker(s);
}
