/*
 * outbox: the kiosk's durable transaction queue (one sqlite3 file).
 *
 * Every state change the kiosk makes (redemption, parking coupon, check-in,
 * receipt claim, voucher print record) is written here before anything else
 * happens; the sync worker (sync.h) then delivers it to the central exactly
 * once. A transaction moves through these states:
 *
 *                 outbox_enqueue()
 *                        |
 *                        v
 *    +------------> [PENDING] ---- outbox_mark_dead() ------+
 *    |                   |                                  |
 *    |                   | outbox_claim_next()              |
 *    |                   v                                  v
 *    +-- retry ------ [SENDING] ---- outbox_mark_dead() --> [DEAD]
 *    |  outbox_mark_retry()  |  \
 *    |                       |   \ outbox_mark_rejected()   (4xx: final)
 *    +-- outbox_recover() ---+    +--------------------> [REJECTED]
 *      (at start: whatever was    |
 *       sending when the process  | outbox_mark_acked()     (2xx)
 *       died goes back)           +--------------------> [ACKED]
 *
 * ACKED, REJECTED and DEAD are final. An ACKED row keeps the central's answer
 * (status and body, e.g. the voucher) until outbox_prune() drops it.
 *
 * Contract:
 * - outbox_enqueue() returns only after the row is committed with
 *   synchronous=FULL in WAL mode: once it says KERR_OK, a crash or power cut
 *   cannot lose the transaction. It draws the Idempotency-Key (128 random bits
 *   from libsodium, 32 lowercase hex digits) once; every attempt of that
 *   transaction, also after a restart, carries the same key.
 * - outbox_claim_next() hands out due PENDING transactions oldest first, one
 *   member at a time in order: a member's later transaction waits while an
 *   earlier one of the same member is PENDING or SENDING. Transactions without
 *   a member (member_id NULL or "") are not ordered.
 * - outbox_open() takes an exclusive lock on the state directory (a second
 *   process gets KERR_BUSY), creates the file with mode 0600, migrates the
 *   schema (PRAGMA user_version) and runs outbox_recover().
 * - Disk full, read-only directory or I/O errors give KERR_IO with sqlite's
 *   own message in msg; a failed enqueue leaves the queue as it was.
 * - Thread-safe: one handle may be shared by the UI thread and the sync worker
 *   (calls are serialised by a mutex; each holds it for one short
 *   transaction, at most one fsync).
 * - Times are unix milliseconds (outbox_now_ms()); functions taking `now`
 *   let tests and the worker pass their own clock.
 */
#ifndef OUTBOX_H
#define OUTBOX_H

#include <stdint.h>

#include "kerr.h"

typedef struct outbox outbox;

typedef enum {
  OUTBOX_REDEMPTION = 0,
  OUTBOX_PARKING = 1,
  OUTBOX_CHECKIN = 2,
  OUTBOX_RECEIPT = 3,
  OUTBOX_PRINT_RECORD = 4,
} outbox_kind;

typedef enum {
  OUTBOX_PENDING = 0,
  OUTBOX_SENDING = 1,
  OUTBOX_ACKED = 2,
  OUTBOX_REJECTED = 3,
  OUTBOX_DEAD = 4,
} outbox_state;

#define OUTBOX_KEY_LEN 32     /* hex digits of the idempotency key */
#define OUTBOX_MEMBER_MAX 64  /* member id bytes, NUL included */
#define OUTBOX_BODY_MAX 65536 /* the central refuses larger bodies (413) */
#define OUTBOX_FILE "outbox.sqlite"

typedef struct {
  int64_t id;
  outbox_kind kind;
  outbox_state state;
  char member_id[OUTBOX_MEMBER_MAX]; /* "" when none */
  char key[OUTBOX_KEY_LEN + 1];
  char *body;                        /* JSON text, owned */
  int64_t points;                    /* points it spends if accepted */
  int64_t created_ms;
  int64_t next_ms;                   /* not claimed before this time */
  int64_t done_ms;                   /* when it became final, 0 before */
  int attempts;                      /* claims so far */
  char last_error[256];
  long answer_status;                /* the central's HTTP status, 0 if none */
  char *answer_body;                 /* the central's body, owned, or NULL */
} outbox_txn;

typedef struct {
  int64_t depth;                 /* pending + sending */
  int64_t oldest_pending_age_ms; /* age of the oldest queued one, 0 if none */
  int64_t acked;
  int64_t rejected;
  int64_t dead;
} outbox_stats_t;

int64_t outbox_now_ms(void);
const char *outbox_kind_name(outbox_kind kind);   /* "redemption", ... */
const char *outbox_state_name(outbox_state state); /* "pending", ... */

/* Opens (creating if needed, mode 0700 dir / 0600 file) dir/outbox.sqlite. */
int outbox_open(const char *dir, outbox **out, char *msg);
void outbox_close(outbox *ob);

/* json_body must be a JSON text under OUTBOX_BODY_MAX bytes; member_id may be
 * NULL; points is what the transaction spends when accepted (0 for earning).
 * out_id and out_key (OUTBOX_KEY_LEN + 1 bytes) may be NULL. */
int outbox_enqueue(outbox *ob, outbox_kind kind, const char *member_id,
                   const char *json_body, int64_t points, int64_t *out_id,
                   char *out_key, char *msg);

/* KERR_OK with *txn filled (state SENDING, attempts counted) or
 * KERR_NOT_FOUND when nothing is due at now. Free with outbox_txn_free(). */
int outbox_claim_next(outbox *ob, int64_t now, outbox_txn *txn, char *msg);

/* When the next claim can succeed: KERR_OK with *when_ms (may be <= now), or
 * KERR_NOT_FOUND when nothing is pending. */
int outbox_next_due(outbox *ob, int64_t *when_ms, char *msg);

/* From SENDING only (KERR_INVALID otherwise). answer_body may be NULL. */
int outbox_mark_acked(outbox *ob, int64_t id, long status,
                      const char *answer_body, char *msg);
int outbox_mark_rejected(outbox *ob, int64_t id, long status,
                         const char *answer_body, const char *reason,
                         char *msg);
int outbox_mark_retry(outbox *ob, int64_t id, int64_t next_ms,
                      const char *error, char *msg);
/* From PENDING or SENDING: give up on a transaction (operator or max tries). */
int outbox_mark_dead(outbox *ob, int64_t id, const char *reason, char *msg);

/* SENDING -> PENDING for all; *count (may be NULL) gets how many moved. */
int outbox_recover(outbox *ob, int *count, char *msg);

/* Makes every PENDING transaction due at now (the network came back). */
int outbox_retry_all(outbox *ob, int64_t now, char *msg);

int outbox_get(outbox *ob, int64_t id, outbox_txn *txn, char *msg);
void outbox_txn_free(outbox_txn *txn);

int outbox_stats(outbox *ob, int64_t now, outbox_stats_t *st, char *msg);

/* Points the member's queued transactions (PENDING, SENDING) will spend, plus
 * those ACKED after code_issued_ms: the member code's balance was taken at
 * that time and does not know them yet. Pass INT64_MAX for queued only. */
int outbox_pending_points_for_member(outbox *ob, const char *member_id,
                                     int64_t code_issued_ms, int64_t *points,
                                     char *msg);

/* Deletes ACKED rows that became final before before_ms. */
int outbox_prune(outbox *ob, int64_t before_ms, int *count, char *msg);

/* PRAGMA integrity_check: KERR_OK or KERR_DB with sqlite's first complaint. */
int outbox_check(outbox *ob, char *msg);

#endif
