/*
 * engage: the kiosk side of earning and engagement (issue 10): receipt
 * points, the lottery, donations, the birthday gift, and the data the
 * member and attract screens show around them (streak calendar, recommended
 * gifts, campaign banners).
 *
 * Every fetch and every claim runs on the API worker (apiw) and comes back
 * to engage_answer() as an EVENTS_API result tagged ENGAGE_TAG_*; screens
 * read the module's state (engage_get) and never touch the network.
 *
 * A receipt claim is earning, like a check-in: it goes through the durable
 * queue (txn_enqueue, kind OUTBOX_RECEIPT, POST /v1/receipts/claims) and is
 * credited once, whenever the central is reached; the queue's events come
 * back through txn.c to engage_queue_event():
 *
 *   engage_claim(RECEIPT) --sync_enqueue--> WAITING --SYNC_ACKED--> DONE
 *      |                                     |  |--SYNC_REJECTED--> REJECTED
 *      +--not saved (SYNC_QUEUED rc) -> FAILED  +--deadline (online_deadline_ms)
 *         (retry queues it again)                  or SYNC_RETRYING --> QUEUED
 *                                              (points arrive once online; an
 *                                               answer while the member is
 *                                               still here shows DONE)
 *
 * The other claims (draw, donation, birthday) are one POST through the API
 * worker with an Idempotency-Key drawn once (128 random bits, 32 hex digits)
 * and kept for the claim: a retry after a network failure sends the same
 * key, so the central applies it once. The queue has no kinds for them: a
 * lottery draw or a donation is not something to apply hours later.
 *
 *   engage_claim --apiw POST--> WAITING --2xx--> DONE (print when a voucher)
 *                                  |--4xx--> REJECTED (reason msgid)
 *                                  +--no answer / 5xx--> FAILED (retry)
 *
 * Contract: UI thread only. Claims and fetches are tagged with the session
 * generation; answers for an older session are dropped. engage_forget()
 * wipes everything about the member (session ended).
 */
#ifndef ENGAGE_H
#define ENGAGE_H

#include <jansson.h>
#include <stdint.h>

#include "apiw.h"
#include "session.h"
#include "sync.h"

typedef struct app app;

enum {
  ENGAGE_TAG_LOTTERY = 200,
  ENGAGE_TAG_CHARITIES,
  ENGAGE_TAG_RECS,
  ENGAGE_TAG_CAMPAIGNS,
  ENGAGE_TAG_CLAIM,
  ENGAGE_TAG_LAST = ENGAGE_TAG_CLAIM
};

typedef enum {
  ENGAGE_RECEIPT,
  ENGAGE_DRAW,
  ENGAGE_DONATION,
  ENGAGE_BIRTHDAY,
} engage_op;

typedef enum {
  ENGAGE_NONE,
  ENGAGE_WAITING,
  ENGAGE_DONE,
  ENGAGE_REJECTED,
  ENGAGE_FAILED,
  ENGAGE_QUEUED, /* receipt claim saved, the central not reached yet */
} engage_phase;

typedef enum { ENGAGE_PRINT_NONE, ENGAGE_PRINTING, ENGAGE_PRINTED,
               ENGAGE_PRINT_FAILED } engage_print;

#define ENGAGE_MAX_PRIZES 8
#define ENGAGE_MAX_CHARITIES 6
#define ENGAGE_MAX_RECS 6
#define ENGAGE_MAX_CAMPAIGNS 4

typedef struct {
  char id[16];
  char kind[12]; /* voucher, points, thanks */
  session_text name;
  int64_t points;
  int64_t odds_ppm;
  int64_t remaining; /* -1: unlimited */
  int in_stock;
} engage_prize;

typedef struct {
  char id[16];
  session_text name, desc;
  int64_t goal, donated, donors;
} engage_charity;

typedef struct {
  char item_id[32];
  session_text name;
  int64_t points;
  int affordable;
} engage_rec;

typedef struct {
  char id[16];
  char kind[16];
  session_text title, body;
  int64_t starts_at, ends_at;
  int active;
} engage_campaign;

typedef struct {
  /* The claim on screen. */
  engage_op op;
  engage_phase phase;
  unsigned gen;
  char key[33];
  const char *why;       /* msgid: REJECTED, FAILED */
  char error_code[48];
  json_t *answer;        /* the central's 2xx body, owned */
  engage_print print;
  const char *print_why; /* msgid when the slip did not print */
  char voucher_code[256];
  int64_t txn_id;        /* receipt claim: its outbox row, 0 until saved */

  /* Fetched lists; *_state: 0 not asked, 1 asked, 2 loaded, -1 failed. */
  int lottery_state;
  int64_t lottery_cost, lottery_per_day;
  engage_prize prizes[ENGAGE_MAX_PRIZES];
  int n_prizes;
  int charities_state;
  int64_t mall_total, mall_donors;
  engage_charity charities[ENGAGE_MAX_CHARITIES];
  int n_charities;
  int recs_state;
  engage_rec recs[ENGAGE_MAX_RECS];
  int n_recs;
  int campaigns_state;
  engage_campaign campaigns[ENGAGE_MAX_CAMPAIGNS];
  int n_campaigns;

  /* From the member's profile. */
  int has_calendar;
  struct {
    char date[16];
    int checked_in;
  } calendar[7];
  int bonus_every, bonus_points, bonus_next_in;
  int birthday_gift_claimed;
} engage;

const engage *engage_get(void);

/* GETs: ENGAGE_TAG_LOTTERY, _CHARITIES, _RECS (the member on screen),
 * _CAMPAIGNS. */
void engage_fetch(app *a, int tag);
/* POSTs body (taken over) for op with a fresh Idempotency-Key. */
int engage_claim(app *a, engage_op op, json_t *body);
/* The same claim again, same key (after FAILED). */
int engage_retry(app *a);
/* Forgets the claim on screen (not the lists). */
void engage_clear(void);
int engage_busy(void);

/* app.c: an EVENTS_API result with an ENGAGE_TAG_* tag (not freed here). */
void engage_answer(app *a, const apiw_result *r);
/* app.c: the member's profile arrived (resolve or refresh). */
void engage_profile(const json_t *profile);
/* app.c: the session ended. */
void engage_forget(void);
/* app.c: a scanned payload; 1 when the receipt screen took it. */
int engage_scan(app *a, const char *payload, size_t len);
/* txn.c: the durable queue's event about a receipt claim (OUTBOX_RECEIPT);
 * not freed here. */
void engage_queue_event(app *a, const sync_event *ev);
/* txn.c: the receipt claim's deadline; returns when it wants to run again
 * (UINT64_MAX: not needed). */
uint64_t engage_tick(app *a, uint64_t now_ms);
/* txn.c: the printer worker's answer for a code (ignored when not ours). */
void engage_printed(app *a, const char *code, int rc, const char *why_msgid);

/* The member-facing msgid for a refusal of op. */
const char *engage_reason_msgid(engage_op op, const char *error_code);

#endif
