/*
 * offline: redemption while the central cannot answer. Decides whether the
 * kiosk may hand out a gift on its own, signs the provisional voucher with
 * the kiosk's key (kvkey.h), and remembers every such voucher until the
 * central has confirmed or voided it (offline.sqlite in the state dir).
 *
 * Provisional voucher code, the same shape as the central's KV1 codes:
 *
 *   KV1.<voucher_id>.<item_id>.<member_id>.<expires_unix>.<sig>
 *
 * voucher_id is "O" and 12 uppercase hex digits (the central's own start
 * with "V"), so a code, and the short id printed under the QR, tell at a
 * glance that a kiosk issued it; <sig> is the unpadded base64url Ed25519
 * signature by the kiosk's voucher key of everything before the last dot.
 * The redemption queued with it carries
 *   "offline_voucher": {"code": CODE, "issued_at": UNIX}
 * and kiosk-central, which knows each kiosk's public key, checks it and
 * registers the voucher under that same code: accepted, it is an issued
 * voucher like any other (GET /v1/vouchers/{code} at the service desk);
 * refused (points spent elsewhere, out of stock...), it is recorded void
 * with the central's error code as the reason, and the 4xx names it.
 *
 * When: the body is fixed once queued (the Idempotency-Key covers it), so
 * the voucher is signed BEFORE the redemption is queued, whenever
 * offline_issue() allows it; if the central answers within the deadline the
 * same code comes back confirmed and prints normally, otherwise the kiosk
 * prints it marked 待确认 / PENDING and calls offline_mark_provisional().
 *
 * Rules (offline_check, first failure wins):
 *   1. the mall's config allows it ([offline] mode = offline_items),
 *   2. the item is offline_redeemable in the cached catalog,
 *   3. its points are within offline_limits.max_points_per_redemption,
 *   4. the member code's points, minus what this kiosk queued or had
 *      acknowledged for the member since the code was issued
 *      (outbox_pending_points_for_member), cover it,
 *   5. the member has had fewer than
 *      offline_limits.max_redemptions_per_member_per_day provisional
 *      vouchers from this kiosk today (the kiosk's local day).
 *
 * Voucher states in the store:
 *
 *   offline_issue() --> [QUEUED] --offline_settle(SYNC_ACKED)----> [CONFIRMED]
 *                          |   \
 *                          |    +--offline_settle(SYNC_REJECTED / --> [VOID]
 *                          |        SYNC_DEAD)                   (reason kept)
 *                          |-- offline_discard(): never queued, never
 *                          |   printed: the row goes
 *                          +-- offline_mark_provisional(): sets the
 *                              provisional flag (printed 待确认); it counts
 *                              towards rule 5 from then on, whatever follows
 *
 * Contract: thread-safe (one mutex); no call waits on the network. Writes
 * use synchronous=NORMAL: a commit is safe against a kiosk crash but not a
 * power cut, which can only forget a daily-cap count, never a redemption
 * (those are in the outbox, FULL). The outbox and the key stay the caller's
 * and must outlive the handle. Times are unix seconds.
 */
#ifndef OFFLINE_H
#define OFFLINE_H

#include <jansson.h>
#include <stdint.h>

#include "kerr.h"
#include "kvkey.h"
#include "mcode.h"
#include "outbox.h"
#include "sync.h"

#define OFFLINE_FILE "offline.sqlite"
#define OFFLINE_CODE_MAX 256   /* code bytes, NUL included */
#define OFFLINE_VALID_DAYS 30  /* voucher validity when the caller gives none */

typedef struct offline offline;

typedef struct {
  int enabled;          /* [offline] mode = offline_items (the default) */
  int64_t max_points;   /* per redemption; < 0: no cap */
  int max_per_day;      /* provisional vouchers per member per day; < 0: none */
} offline_policy;

typedef struct {
  const mcode_claims *member; /* the verified member code */
  const char *item_id;
  int item_offline;     /* offline_redeemable in the cached catalog */
  int quantity;         /* 1..10 */
  int64_t points;       /* the member's tier price times quantity */
  int64_t expires_at;   /* voucher expiry; 0: OFFLINE_VALID_DAYS from now */
} offline_request;

typedef enum {
  OFFLINE_ALLOWED = 0,
  OFFLINE_MODE_OFF,       /* the mall's config says off */
  OFFLINE_NOT_REDEEMABLE, /* the item is not offline_redeemable */
  OFFLINE_OVER_CAP,       /* more points than max_points_per_redemption */
  OFFLINE_OVER_POINTS,    /* the code's points minus the queued ones */
  OFFLINE_DAILY_CAP,      /* max_redemptions_per_member_per_day reached */
} offline_verdict;

typedef struct {
  char code[OFFLINE_CODE_MAX];
  char voucher_id[16];
  int64_t issued_at, expires_at;
  char *body; /* the redemption body to queue (JSON text), owned */
} offline_voucher;

typedef enum {
  OFFLINE_QUEUED = 0,
  OFFLINE_CONFIRMED = 1,
  OFFLINE_VOID = 2,
} offline_state;

typedef struct {
  char code[OFFLINE_CODE_MAX];
  char voucher_id[16];
  char member_id[MCODE_ID_MAX + 1];
  char item_id[33];
  int quantity;
  int64_t points, issued_at, expires_at, settled_at;
  int provisional;  /* printed 待确认 */
  offline_state state;
  char reason[64];  /* VOID: the central's error code, or "not_delivered" */
} offline_entry;

typedef struct {
  int64_t queued;      /* not settled yet */
  int64_t provisional; /* printed 待确认 and not settled yet */
  int64_t confirmed;
  int64_t voided;      /* for the heartbeat's rejected_offline */
  int64_t voided_provisional; /* of those, printed 待确认: a member holds one */
} offline_stats_t;

/* Opens (creating) dir/OFFLINE_FILE. kiosk_key signs; ob answers rule 4. */
int offline_open(const char *dir, const kvkey *kiosk_key, outbox *ob,
                 offline **out, char *msg);
void offline_close(offline *o);

/* The central's defaults, used when no kiosk config was ever cached: an
 * outage at first start must not mean no limits. */
#define OFFLINE_DEFAULT_MAX_POINTS 2000
#define OFFLINE_DEFAULT_PER_DAY 2

/* Reads offline_limits of GET /v1/kiosk/config (kiosk_config may be NULL;
 * a missing or mistyped field takes the default above); enabled is the
 * config's mode. */
void offline_policy_from_config(const json_t *kiosk_config, int enabled,
                                offline_policy *out);

/* Rules 1-5 only: KERR_OK with *verdict set, or an error (disk, input). */
int offline_check(offline *o, const offline_policy *p,
                  const offline_request *rq, int64_t now,
                  offline_verdict *verdict, char *msg);

/* Rules 1-5, then signs and records the voucher and builds the body to
 * queue. KERR_OK with *verdict OFFLINE_ALLOWED and *out filled (free with
 * offline_voucher_free), or KERR_OK with another verdict and nothing issued,
 * or an error. */
int offline_issue(offline *o, const offline_policy *p,
                  const offline_request *rq, int64_t now,
                  offline_verdict *verdict, offline_voucher *out, char *msg);
void offline_voucher_free(offline_voucher *v);

/* The redemption carrying the voucher could not be queued (SYNC_QUEUED
 * with rc != 0): forgets it, unless it was printed already (then
 * KERR_INVALID: a slip exists and must be settled). KERR_NOT_FOUND for an
 * unknown or settled code. */
int offline_discard(offline *o, const char *code, char *msg);

/* The voucher went on paper as 待确认 / PENDING. KERR_NOT_FOUND for a code
 * this kiosk did not issue. */
int offline_mark_provisional(offline *o, const char *code, char *msg);

/* A final sync event (SYNC_ACKED, SYNC_REJECTED, SYNC_DEAD) of a redemption:
 * when it carried an offline voucher, records the outcome and fills *out
 * (may be NULL); KERR_NOT_FOUND when it carried none (nothing to do). The
 * code comes from the central's answer, else from the queued body. */
int offline_settle(offline *o, const sync_event *ev, offline_entry *out,
                   char *msg);

int offline_get(offline *o, const char *code, offline_entry *out, char *msg);
int offline_stats(offline *o, offline_stats_t *st, char *msg);

/* Void vouchers, the latest first, for the admin screen: up to cap in out,
 * *n gets how many. */
int offline_list_void(offline *o, offline_entry *out, int cap, int *n,
                      char *msg);

/* English, for logs: "the item is not offline-redeemable". */
const char *offline_verdict_str(offline_verdict v);
const char *offline_state_name(offline_state s); /* "queued", ... */

/* The offline_voucher code a redemption body carries, or NULL. */
const char *offline_body_code(const json_t *body);

#endif
