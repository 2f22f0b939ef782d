/*
 * prn_journal: every voucher the kiosk owes a member, until it is on paper
 * (one sqlite3 file, print-journal.sqlite in the kiosk state directory).
 *
 * One row per voucher code. A row moves through these states:
 *
 *          prn_journal_owe()
 *                 |
 *                 v
 *              [OWED] <---- prn_journal_finish(REFUSED): nothing was ever --+
 *                 |         sent for this voucher                           |
 *                 | prn_journal_begin()  (commits the exact job bytes       |
 *                 v   before the first byte goes to the printer)            |
 *   +------> [PRINTING] ----------------------------------------------------+
 *   |          |    |
 *   |          |    +------ prn_journal_finish(FAILED) -------------------+
 *   |          |    +------ prn_journal_recover() (at start: the process -+
 *   |          |    |       died mid-job; paper may have come out)        |
 *   |          |    +------ prn_journal_finish(REFUSED) after an earlier -+
 *   |          |            attempt that may have printed                 |
 *   |          | prn_journal_finish(DONE)                                 v
 *   |          v                                                      [FAILED]
 *   |      [PRINTED] ----------- prn_journal_reprint() (admin) ---------> |
 *   |                                                                     |
 *   +------------------ prn_journal_begin() (lays out 重印 / REPRINT) -----+
 *
 * OWED and FAILED are both owed to the member (prn_journal_list with
 * PRN_JOURNAL_DUE, prn_journal_owed_for_member); PRINTED is final unless the
 * admin asks for the slip again.
 *
 * Contract:
 * - A voucher is never printed twice without 重印 / REPRINT: the moment an
 *   attempt may have put bytes on paper (FAILED mid-job, a crash while
 *   PRINTING, or DONE) the row is marked maybe_printed, and every later
 *   prn_journal_begin() lays the voucher out with reprint set. A REFUSED job
 *   (the status check stopped it, nothing sent) does not mark it.
 * - prn_journal_owe() returns only after the row is committed (WAL,
 *   synchronous=FULL): once it says KERR_OK a crash cannot lose the voucher.
 *   It is idempotent on the code: owing the same code again with the same
 *   transaction and the same voucher content is KERR_OK and changes
 *   nothing; different content under a known code is KERR_INVALID.
 * - prn_journal_begin() commits PRINTING, the attempt and the exact bytes it
 *   rendered (job table) before it returns them, so the printer only ever
 *   receives bytes the journal already holds.
 * - A finish that fails (disk error after the slip printed) leaves the row
 *   PRINTING; the next start turns it into FAILED, so the slip is printed
 *   again, with 重印: over-cautious, never silent.
 * - prn_journal_open() takes an exclusive lock on the state directory (a
 *   second process gets KERR_BUSY), creates the file 0600, migrates the
 *   schema (PRAGMA user_version) and runs prn_journal_recover().
 * - Read-only directory, full disk, I/O errors: KERR_IO with sqlite's own
 *   message and the file's path in msg. Thread-safe (one mutex per handle).
 * - Times are unix milliseconds.
 */
#ifndef PRN_JOURNAL_H
#define PRN_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "i18n.h"
#include "kerr.h"
#include "prn_escpos.h"
#include "prn_job.h"
#include "prn_raster.h"
#include "prn_transport.h"
#include "prn_voucher.h"

#define PRN_JOURNAL_FILE "print-journal.sqlite"
#define PRN_JOURNAL_CODE_MAX 256  /* voucher code bytes, NUL included */
#define PRN_JOURNAL_ID_MAX 64     /* txn id and member id bytes, NUL included */
#define PRN_JOURNAL_JSON_MAX 65536

typedef struct prn_journal prn_journal;

typedef enum {
  PRN_JOURNAL_OWED = 0,
  PRN_JOURNAL_PRINTING = 1,
  PRN_JOURNAL_PRINTED = 2,
  PRN_JOURNAL_FAILED = 3,
} prn_journal_state;

/* Filters for prn_journal_list(): OR of (1 << state). */
#define PRN_JOURNAL_ANY 0x0f
#define PRN_JOURNAL_DUE ((1 << PRN_JOURNAL_OWED) | (1 << PRN_JOURNAL_FAILED))

typedef struct prn_journal_entry {
  char code[PRN_JOURNAL_CODE_MAX];
  char txn_id[PRN_JOURNAL_ID_MAX];
  char member_id[PRN_JOURNAL_ID_MAX]; /* "" when none */
  prn_journal_state state;
  int maybe_printed; /* an attempt may have reached paper: next one is 重印 */
  int job_reprint;   /* the stored job bytes carry the 重印 banner */
  int attempts;      /* prn_journal_begin() calls that committed */
  int reprints;      /* attempts printed as 重印 that may have reached paper */
  char last_error[256];
  int64_t created_ms, updated_ms, printed_ms; /* printed_ms 0 before DONE */
  char *voucher_json;                         /* owned */
  uint8_t *job;                               /* owned; NULL before a begin */
  size_t job_len;
} prn_journal_entry;

/* What prn_journal_begin() hands to the printer. */
typedef struct prn_journal_job {
  uint8_t *bytes; /* owned: free with prn_journal_job_free() */
  size_t len;
  int reprint;    /* laid out with 重印 / REPRINT */
  int attempt;    /* 1 for the first */
} prn_journal_job;

/* Fills e (empty) with the slip for v. v->reprint is already decided. */
typedef int (*prn_journal_render_fn)(void *ctx, const prn_voucher *v, prn_escpos *e,
                                     char *msg);

/* How prn_journal_print() lays a voucher out. */
typedef struct prn_journal_layout {
  int width;           /* paper dots: 576, 512 or 384 */
  int raster;          /* 1 raster (Noto Sans CJK image), 0 printer text */
  prn_raster *r;       /* raster: the caller's open fonts; NULL: opened per job */
  const i18n *pri;     /* primary catalog (zh_CN) */
  const i18n *sec;     /* secondary (en) or NULL */
} prn_journal_layout;

typedef struct prn_journal_outcome {
  prn_job_result job;      /* phase, status before and after */
  int reprint, attempt;    /* of the attempt that ran */
  size_t len;              /* job bytes */
  prn_journal_state state; /* the row's state afterwards */
} prn_journal_outcome;

const char *prn_journal_state_name(prn_journal_state s); /* "owed", ... */
int64_t prn_journal_now_ms(void);

/* Opens (creating if needed: dir 0700, file 0600) dir/print-journal.sqlite
 * and recovers it. */
int prn_journal_open(const char *dir, prn_journal **out, char *msg);
void prn_journal_close(prn_journal *j);

/* Owes the voucher in voucher_json (what prn_voucher_parse() reads) whose
 * voucher_code must be code. txn_id: the outbox transaction that redeemed it;
 * member_id may be NULL. */
int prn_journal_owe(prn_journal *j, const char *code, const char *txn_id,
                    const char *member_id, const char *voucher_json, char *msg);

/* OWED or FAILED -> PRINTING: parses the voucher, sets reprint when an
 * earlier attempt may have printed, calls render, and commits the bytes.
 * KERR_NOT_FOUND unknown code, KERR_BUSY already PRINTING, KERR_INVALID
 * PRINTED (use prn_journal_reprint) or a stored voucher that does not parse;
 * a render error is returned as is. On any error the row is unchanged. */
int prn_journal_begin(prn_journal *j, const char *code, prn_journal_render_fn render,
                      void *ctx, prn_journal_job *job, char *msg);
void prn_journal_job_free(prn_journal_job *job);

/* PRINTING -> PRINTED (DONE), FAILED (FAILED), OWED or FAILED (REFUSED, see
 * the diagram). error (may be NULL) is kept as last_error. *state (may be
 * NULL) gets the new state. KERR_INVALID when the row is not PRINTING. */
int prn_journal_finish(prn_journal *j, const char *code, prn_job_phase phase,
                       const char *error, prn_journal_state *state, char *msg);

/* PRINTING -> FAILED for every row (run by prn_journal_open). */
int prn_journal_recover(prn_journal *j, int *count, char *msg);

/* PRINTED -> FAILED: the admin asks for the slip again (it prints as 重印). */
int prn_journal_reprint(prn_journal *j, const char *code, const char *reason, char *msg);

/* begin -> prn_job_print -> finish, laying the voucher out with lo. out may
 * be NULL. Returns the job's error (REFUSED/FAILED) with the journal already
 * updated, or a journal error. */
int prn_journal_print(prn_journal *j, prn_transport *t, const char *code,
                      const prn_journal_layout *lo, prn_journal_outcome *out, char *msg);

int prn_journal_get(prn_journal *j, const char *code, prn_journal_entry *e, char *msg);
void prn_journal_entry_free(prn_journal_entry *e);

/* Calls cb for each row whose state is in filter, oldest first; cb returns
 * non-zero to stop. The entry is valid only during the call, and cb runs
 * under the journal's lock: it must not call prn_journal_* (collect the
 * codes, then print them). */
typedef int (*prn_journal_list_fn)(void *ctx, const prn_journal_entry *e);
int prn_journal_list(prn_journal *j, unsigned filter, prn_journal_list_fn cb, void *ctx,
                     char *msg);
/* The member's vouchers still owed (OWED or FAILED), oldest first, so their
 * next visit can print them. */
int prn_journal_owed_for_member(prn_journal *j, const char *member_id,
                                prn_journal_list_fn cb, void *ctx, char *msg);

/* PRAGMA integrity_check: KERR_OK or KERR_DB with sqlite's first complaint. */
int prn_journal_check(prn_journal *j, char *msg);

#endif
