/*
 * hbw: the heartbeat worker. Every interval (config [central] heartbeat_s,
 * default 60 s) it reads the queue's statistics (sqlite) and POSTs
 * /v1/kiosk/heartbeat with the printer's state and paper, the queue depth,
 * the oldest pending transaction's age, the rejected count and the version,
 * on a thread and an api handle of its own: the UI thread never waits on
 * the disk or the network for it. The first beat goes out at start, so the
 * central's fleet view sees a kiosk as soon as it runs.
 *
 * The printer's state is what the last print job found (the printer
 * worker owns the printer; opening it here could take it from a job):
 * "unknown" until the first job, then "ok", "offline" or "error", and the
 * paper "ok", "low" or "out" (the central's fleet alerts read these).
 *
 * Contract: hbw_set_printer() and hbw_get() are cheap and thread-safe (a
 * mutex held for a copy); after each beat the worker posts EVENTS_WAKE so
 * the UI thread can read the snapshot (its systemd STATUS line). The queue
 * handle stays the caller's and must outlive hbw_stop(), which wakes the
 * worker and waits for a request under way (bounded by the api timeout).
 * Nothing about a member is ever sent. rejected_offline is the count of
 * offline vouchers the central voided (offline.h), once the store is set.
 */
#ifndef HBW_H
#define HBW_H

#include "api.h"
#include "kerr.h"
#include "outbox.h"
#include "prnw.h"

typedef struct hbw hbw;
struct offline;

typedef struct {
  api_config api;
  outbox *ob;       /* may be NULL: the queue's fields are then 0 */
  int interval_s;   /* 1..3600 */
  const char *version;
} hbw_config;

typedef struct {
  unsigned gen;         /* bumps with every beat */
  int have_queue;
  outbox_stats_t queue;
  char printer[16];     /* "unknown", "ok", "offline", "error" */
  char paper[16];       /* "unknown", "ok", "low", "out" */
  long status;          /* the central's answer to the last beat, 0 none */
  int64_t voided;       /* offline vouchers voided by the central */
} hbw_snapshot;

int hbw_start(const hbw_config *cfg, hbw **out, char *msg);
/* What a finished print job found: fault PRNW_OK when it printed. */
void hbw_set_printer(hbw *w, prnw_fault fault, int near_end);
unsigned hbw_get(hbw *w, hbw_snapshot *out);
/* The offline voucher store (thread-safe; may be NULL), read on each beat;
 * it must outlive hbw_stop(). */
void hbw_set_offline(hbw *w, struct offline *off);
void hbw_stop(hbw *w);

/* The heartbeat's printer and paper words for a job's outcome (pure). */
void hbw_printer_words(prnw_fault fault, int near_end, const char **printer,
                       const char **paper);

#endif
