/*
 * admw: the admin screen's worker thread. Queue statistics (sqlite), the
 * print journal's owed vouchers, the printer's status and the test page all
 * touch a disk or a device, so none of it runs on the UI thread.
 *
 * The screen asks (admw_refresh, admw_test_print); the worker does the job,
 * stores the outcome in a snapshot under its mutex and posts EVENTS_WAKE;
 * the screen copies the snapshot (admw_get) when the generation moved.
 *
 * Contract: the handles passed to admw_start() (queue, journal, catalogs)
 * stay the caller's and must outlive admw_stop(), which waits for the job
 * under way (a printer status read is bounded by the transport's timeouts).
 * A file: printer has no status channel and is never opened for one
 * (opening it would truncate the last slip). The test page goes out in the
 * printer's own font (text mode) so this thread never uses FreeType, which
 * the UI and printer threads share. The offline vouchers the central voided
 * (offline.h) are read here too: the store is sqlite.
 */
#ifndef ADMW_H
#define ADMW_H

#include <stdint.h>

#include "i18n.h"
#include "kerr.h"
#include "outbox.h"
#include "prn_escpos.h"
#include "prnw.h"

typedef struct admw admw;
struct prn_journal;
struct offline;

#define ADMW_OWED_MAX 6
#define ADMW_VOID_MAX 3

typedef enum { ADMW_PRN_UNKNOWN, ADMW_PRN_OK, ADMW_PRN_NO_STATUS, ADMW_PRN_FAULT,
               ADMW_PRN_UNREACHABLE } admw_prn;

typedef struct {
  unsigned gen;            /* bumps with every finished job */
  int have_queue;
  outbox_stats_t queue;
  int have_owed;
  int n_owed, more_owed;   /* shown, and how many beyond */
  struct {
    char code[PRNW_CODE_MAX]; /* KV1 offline codes are ~150 bytes */
    char state[16];
    int attempts;
    int64_t created_ms;
  } owed[ADMW_OWED_MAX];
  admw_prn printer;
  prn_status status;       /* ADMW_PRN_OK / ADMW_PRN_FAULT */
  kerr_msg printer_msg;
  int test_state;          /* 0 none, 1 printing, 2 printed, -1 failed */
  kerr_msg test_msg;
  int have_void;
  int64_t n_voided;        /* all void offline vouchers; the latest below */
  int n_void;
  struct {
    char voucher_id[16];
    char item_id[33];
    char reason[64];       /* the central's error code, or not_delivered */
    int64_t settled_at;    /* unix seconds */
  } voids[ADMW_VOID_MAX];
} admw_snapshot;

typedef struct {
  outbox *ob;                 /* may be NULL */
  struct prn_journal *journal; /* may be NULL */
  const char *printer_uri;    /* may be NULL */
  int width;                  /* paper dots */
  const i18n *pri, *sec;      /* test page words (print.po) */
  struct offline *off;        /* may be NULL */
} admw_config;

int admw_start(const admw_config *cfg, admw **out, char *msg);
void admw_refresh(admw *w);
void admw_test_print(admw *w);
/* Copies the latest snapshot; returns its generation. */
unsigned admw_get(admw *w, admw_snapshot *out);
unsigned admw_gen(admw *w);
void admw_stop(admw *w);

#endif
