/*
 * prnw: the printer worker, a thread that owns the printer and the print
 * journal so the UI thread never waits on paper, USB or a disk sync.
 *
 * The UI hands it a voucher (the JSON prn_voucher.h reads) with the code the
 * central issued; the worker owes it in the print journal (durable before
 * any byte goes to the printer), opens the printer for the job, prints
 * through prn_journal_print() (status before and after), closes the printer
 * and answers with one prnw_result through the done callback, which runs on
 * the worker thread: the kiosk's callback only wraps it into an SDL event.
 *
 * Each result names the job's member and whether the slip is a voucher
 * (kind "gift" in the voucher JSON), so the UI can queue a print record for
 * the central (txn.c) for every voucher that was meant to go on paper.
 *
 * Contract: prnw_submit() copies the job and returns at once (KERR_BUSY when
 * 16 wait). Each submitted job produces exactly one result, also when
 * prnw_stop() comes first (rc KERR_BUSY, "shutting down", the voucher still
 * owed when the owe had happened). With print = 0 the voucher is only owed
 * (kept for the service desk's reprint). When the journal cannot be opened
 * the worker prints straight through prn_job, and says so in the log.
 */
#ifndef PRNW_H
#define PRNW_H

#include "kerr.h"

#define PRNW_CODE_MAX 256

typedef struct prnw prnw;

typedef struct {
  const char *uri;       /* prn_transport URI */
  int width;             /* 576, 512 or 384 dots */
  int raster;            /* 1 raster, 0 printer text */
  const char *state_dir; /* the journal lives here */
  const char *assets;    /* i18n catalogs: assets/i18n/<lang> */
} prnw_config;

typedef enum {
  PRNW_OK,
  PRNW_PAPER_OUT,   /* paper end before the job: nothing printed */
  PRNW_COVER_OPEN,  /* cover open before the job */
  PRNW_OFFLINE,     /* printer offline or in error before the job */
  PRNW_NO_PRINTER,  /* cannot reach the printer (unplugged, refused) */
  PRNW_MID_JOB,     /* failed during the job: may be partly on paper */
  PRNW_ERROR,       /* journal, layout or another local fault */
} prnw_fault;

typedef struct {
  char code[PRNW_CODE_MAX];
  char member_id[64]; /* the job's, "" when none */
  int voucher;    /* a voucher slip ("gift"), not a parking receipt */
  long long done_at; /* unix seconds when the job ended */
  int print;      /* the job asked for paper */
  int rc;         /* KERR_OK when printed (or owed, with print = 0) */
  prnw_fault fault;
  int near_end;   /* paper near end: tell the admin */
  int reprint;    /* went out with 重印 / REPRINT */
  int journaled;  /* the voucher is in the journal (owed until printed) */
  kerr_msg msg;   /* detail for the log */
} prnw_result;

typedef void (*prnw_done_fn)(void *ctx, prnw_result *r);

int prnw_start(const prnw_config *cfg, prnw_done_fn done, void *ctx,
               prnw **out, char *msg);
int prnw_submit(prnw *w, const char *code, const char *txn_id,
                const char *member_id, const char *voucher_json, int print);
void prnw_stop(prnw *w);
void prnw_result_free(prnw_result *r);
/* The print journal the worker owns (thread-safe; NULL when it could not be
 * opened), for the admin screen's list of owed vouchers and reprints. */
struct prn_journal *prnw_journal(prnw *w);

/* The member-facing msgid for a fault ("result.print.paper_out", ...). */
const char *prnw_fault_msgid(prnw_fault f);
/* A short code for a fault, as print records report it to the central:
 * "paper_out", "cover_open", "printer_offline", "no_printer", "mid_job",
 * "error"; NULL for PRNW_OK. */
const char *prnw_fault_name(prnw_fault f);

#endif
