/*
 * txn: the app side of transactions: redemptions and check-ins go through
 * the durable queue (net/outbox.h + net/sync.h), their vouchers through the
 * printer worker (prnw.h), and the answers come back as SDL events.
 *
 *   txn_redeem/txn_checkin
 *          |  sync_enqueue (durable before anything else)
 *          v
 *       SAVING --SYNC_QUEUED rc!=0--> FAILED (could not be saved)
 *          | SYNC_QUEUED
 *          v
 *       WAITING --SYNC_REJECTED--> REJECTED (reason; nothing prints)
 *          |   \--deadline (cfg offline.deadline_ms)--> QUEUED
 *          |   \--deadline or SYNC_RETRYING, with an offline voucher
 *          |       (offline.h) --> PRINTING provisional (待确认 slip)
 *          | SYNC_ACKED              (confirmed once online; an answer that
 *          v                          still comes while the member is here
 *       PRINTING (redemption)         is taken as if it came in time)
 *          |--prnw ok--> DONE
 *          +--prnw fault--> PRINT_FAILED (voucher kept in the journal)
 *       check-in: SYNC_ACKED --> DONE (points, streak; 200 = already today)
 *
 * Print records: every voucher job that asked for paper ends in one print
 * record (OUTBOX_PRINT_RECORD: printed, or failed with the fault's name;
 * reprints and the admin screen's prints too), queued under the voucher's
 * member so it follows that member's redemption. Receipt claims come from
 * engage.c through txn_enqueue(); their events go back to
 * engage_queue_event().
 *
 * Contract: UI thread only, except the callbacks, which only post events.
 * One transaction is on screen at a time (txn_view); answers for others
 * (earlier sessions, recovered from the queue at start) are logged, and an
 * accepted redemption's voucher is then only owed in the print journal for
 * the service desk, never printed to nobody.
 *
 * Offline vouchers: a redemption of an offline-redeemable item within the
 * mall's limits is signed by the kiosk before it is queued (offline_issue);
 * when the central does not answer in time the same code prints as a
 * provisional slip (pending, 待确认) and SYNC_ACKED later prints nothing
 * more; a refusal voids it (offline_settle), listed on the admin screen.
 * txn_open() fails only on what
 * makes the kiosk useless (state dir unusable); the caller reports it.
 */
#ifndef TXN_H
#define TXN_H

#include <SDL.h>
#include <jansson.h>
#include <stdint.h>

#include "kerr.h"
#include "outbox.h"

typedef struct app app;
typedef struct txn txn;

typedef enum {
  TXN_NONE,
  TXN_SAVING,
  TXN_WAITING,
  TXN_PRINTING,
  TXN_DONE,
  TXN_REJECTED,
  TXN_QUEUED,
  TXN_PRINT_FAILED,
  TXN_FAILED,
} txn_phase;

typedef struct {
  txn_phase phase;
  outbox_kind kind;
  unsigned gen; /* session generation it belongs to */
  char member_id[64];
  char item_id[32];
  int qty;
  int64_t points;   /* what it spends, by the kiosk's reckoning */
  int64_t txn_id;   /* the outbox row, 0 until durable */
  const char *why;  /* msgid: REJECTED, PRINT_FAILED, FAILED */
  char error_code[48];
  int64_t points_charged, points_balance;
  int has_balance;
  int points_awarded, streak, already; /* check-in */
  char voucher_code[256];
  char plate[32];   /* parking */
  int hours, free_hours_used;
  int retrying;     /* the central was not reached yet */
  char offline_code[256]; /* the kiosk-signed voucher queued with it, or "" */
  int64_t offline_expires;
  int64_t offline_balance; /* the code's points minus queued, minus this */
  int provisional;  /* its slip went out 待确认 (pending) */
  uint64_t started_ms, deadline_ms;
} txn_view;

int txn_open(app *a, char *msg);
void txn_close(app *a);

/* Both hand over to the queue and return at once; KERR_BUSY and friends
 * when the queue would not take it (the view says FAILED). */
int txn_redeem(app *a, const char *item_id, int qty);
int txn_checkin(app *a);
/* A parking coupon (POST /v1/parking/coupons) for a normalised plate; free
 * hours and points are the kiosk's reckoning (free hours first), shown until
 * the central's answer replaces them. Accepted, its receipt prints through
 * the printer worker like a voucher (code = the coupon id). */
int txn_parking(app *a, const char *plate, int hours, int free_hours,
                int64_t points);

/* Hands a transaction that has no screen of its own here (a receipt claim,
 * engage.c) to the durable queue; its events go back to its module, user
 * unchanged in SYNC_QUEUED. KERR_OK, or why the queue would not take it. */
int txn_enqueue(app *a, outbox_kind kind, const char *member_id,
                const char *json_body, void *user);

const txn_view *txn_current(const app *a);
/* Forgets the transaction on screen (the member moved on). */
void txn_clear(app *a);
/* 1 while an answer is awaited (SAVING, WAITING, PRINTING), also for a
 * queued receipt claim until its answer or deadline (engage.h). */
int txn_busy(const app *a);

/* EVENTS_TXN / EVENTS_PRN: takes ownership of the event's data. */
void txn_handle_event(app *a, const SDL_Event *ev);
/* Frees an EVENTS_TXN / EVENTS_PRN event's data without handling it. */
void txn_drop_event(const SDL_Event *ev);
/* Deadline and animation timer; returns when it wants to run again. */
uint64_t txn_tick(app *a, uint64_t now_ms);

/* For the admin screen's worker (scr_admin.c): the queue (thread-safe), the
 * printer worker and the printer's URI; NULL when not open. */
outbox *txn_outbox(const app *a);
/* The offline voucher store (thread-safe), NULL when it could not open. */
struct offline *txn_offline(const app *a);
/* GET /v1/kiosk/config's body (copied): its offline_limits bound offline
 * redemption; until one is seen the central's defaults apply. */
void txn_kiosk_config(app *a, const json_t *config);
struct prnw *txn_printer(const app *a);
const char *txn_printer_uri(const app *a);

/* The member-facing msgid for the central's refusal code of a redemption,
 * and of a parking coupon (its own words: the car, the plate, the hours). */
const char *txn_reason_msgid(const char *error_code);
const char *txn_parking_reason_msgid(const char *error_code);

#endif
