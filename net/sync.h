/*
 * sync: delivers the outbox to the central, exactly once, off the UI thread.
 *
 * Two threads: a writer that makes sync_enqueue()'d transactions durable
 * (outbox_enqueue, one fsync) so the UI thread never waits on the disk, and a
 * sender that claims due transactions (outbox_claim_next: oldest first, in
 * order per member) and POSTs each with one api handle, so one kept-alive
 * connection carries them all. What the central answers decides the state:
 *
 *   2xx                        -> ACKED    (answer kept, SYNC_ACKED)
 *   4xx but 401, 403, 408, 429 -> REJECTED (final, the central's reason,
 *                                           SYNC_REJECTED)
 *   401/403 (the kiosk's auth  -> PENDING again after a delay drawn with
 *   or clock), 408, 429, 5xx,     full jitter: uniform in [0, min(cap,
 *   no answer, timeout, 2xx       base * 2^(n-1))] (SYNC_RETRYING); after
 *   not JSON                      max_attempts (if set) DEAD (SYNC_DEAD)
 *
 * A retry is the same transaction with the same Idempotency-Key, so the
 * central applies it once however often it is sent. While the link is failing
 * the sender holds back all transactions until the delay has passed (one
 * probe per delay, not one timeout per queued transaction); sync_kick() (the
 * network came back) drops the delays, reopens the connection and sends at
 * once.
 *
 * Contract: the on_event callback runs on one of the two worker threads; like
 * apiw's, the kiosk's callback only wraps the event into an SDL event, and
 * must call sync_event_free() on it. Events are delivered one at a time, and
 * a transaction's SYNC_QUEUED always comes before any other event about it.
 * sync_enqueue() never blocks on disk or network; each accepted call produces
 * exactly one SYNC_QUEUED event (rc says whether the transaction is durable),
 * also when sync_stop() comes first: sync_stop() writes what was accepted,
 * then waits for an HTTP request under way (at most the api timeout).
 */
#ifndef SYNC_H
#define SYNC_H

#include <jansson.h>
#include <stdint.h>

#include "api.h"
#include "outbox.h"

typedef struct sync_worker sync_worker;

typedef struct {
  api_config api;      /* timeout_ms bounds each request (0: api's 5000) */
  long backoff_base_ms; /* ceiling of the first retry delay; 0 means 500 */
  long backoff_cap_ms;  /* ceiling of every delay; 0 means 60000 */
  int max_attempts;     /* give up (DEAD) after this many; 0 means never */
} sync_config;

typedef enum {
  SYNC_QUEUED,    /* the answer to sync_enqueue: rc, txn_id, key, tag, user */
  SYNC_ACKED,     /* accepted: status, body (voucher, points...) */
  SYNC_REJECTED,  /* refused for good: status, error_code, msg, body */
  SYNC_RETRYING,  /* not delivered yet: rc/status, msg, retry_in_ms */
  SYNC_DEAD,      /* given up: msg */
} sync_event_type;

typedef struct {
  sync_event_type type;
  int64_t txn_id;
  outbox_kind kind;
  char member_id[OUTBOX_MEMBER_MAX];
  char key[OUTBOX_KEY_LEN + 1];
  int tag;            /* SYNC_QUEUED: the caller's, unchanged */
  void *user;         /* SYNC_QUEUED: the caller's, unchanged */
  int rc;             /* KERR_OK, or why enqueue / the request failed */
  long status;        /* the central's HTTP status, 0 without an answer */
  json_t *body;       /* the central's answer, owned by the event, or NULL */
  char error_code[48]; /* the central's "error" on 4xx/5xx */
  int attempts;
  long retry_in_ms;   /* SYNC_RETRYING */
  kerr_msg msg;       /* human detail: the central's message or curl's */
} sync_event;

typedef void (*sync_event_fn)(void *ctx, sync_event *ev);

/* ob stays the caller's and must outlive the worker. */
int sync_start(const sync_config *cfg, outbox *ob, sync_event_fn on_event,
               void *ctx, sync_worker **out, char *msg);

/* Copies the request and returns at once: KERR_OK (a SYNC_QUEUED event will
 * follow), KERR_BUSY when 64 wait to be written, KERR_INVALID for bad input. */
int sync_enqueue(sync_worker *s, outbox_kind kind, const char *member_id,
                 const char *json_body, int64_t points, int tag, void *user);

/* The network is back: retry everything now over a fresh connection. */
void sync_kick(sync_worker *s);

void sync_stop(sync_worker *s);
void sync_event_free(sync_event *ev);

/* The API path a kind is POSTed to, e.g. "/v1/redemptions". */
const char *sync_path(outbox_kind kind);

/* Full-jitter delay before retry n (1-based): rnd (uniform 32 bits) scaled to
 * [0, min(cap_ms, base_ms * 2^(n-1))]. */
long sync_backoff_ms(int n, long base_ms, long cap_ms, uint32_t rnd);

#endif
