#include "prn_journal.h"

#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kdb.h"
#include "klog.h"
#include "prn_doc.h"
#include "prn_layout.h"
#include "prn_text.h"

/* Migration i takes the schema from user_version i to i + 1. Append only:
 * a kiosk in the field may be any number of versions behind. */
static const char *const migrations[] = {
    "CREATE TABLE voucher("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE,"
    " txn_id TEXT NOT NULL,"
    " member_id TEXT,"
    " voucher TEXT NOT NULL CHECK(json_valid(voucher)),"
    " state INTEGER NOT NULL DEFAULT 0 CHECK(state BETWEEN 0 AND 3),"
    " maybe_printed INTEGER NOT NULL DEFAULT 0,"
    " job_reprint INTEGER NOT NULL DEFAULT 0,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " reprints INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT,"
    " created_ms INTEGER NOT NULL,"
    " updated_ms INTEGER NOT NULL,"
    " printed_ms INTEGER);"
    /* The job bytes (tens of kB) live apart so that finish and recover,
     * which rewrite the voucher row, do not rewrite them too. */
    "CREATE TABLE job("
    " voucher_id INTEGER PRIMARY KEY REFERENCES voucher(id),"
    " bytes BLOB NOT NULL);"
    "CREATE INDEX voucher_state ON voucher(state, created_ms);"
    "CREATE INDEX voucher_member_due ON voucher(member_id, created_ms)"
    " WHERE state IN (0,3);",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

#define ROW_COLS                                                                \
  "v.code, v.txn_id, coalesce(v.member_id,''), v.state, v.maybe_printed, "     \
  "v.job_reprint, v.attempts, v.reprints, coalesce(v.last_error,''), "          \
  "v.created_ms, v.updated_ms, coalesce(v.printed_ms,0), v.voucher, j.bytes "   \
  "FROM voucher v LEFT JOIN job j ON j.voucher_id = v.id"

enum {
  S_INSERT, S_SAME, S_PEEK, S_BEGIN, S_JOB, S_FINISH, S_RECOVER, S_REPRINT, S_GET,
  S_LIST, S_MEMBER, S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
    [S_INSERT] = "INSERT INTO voucher(code, txn_id, member_id, voucher, created_ms,"
                 " updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?5)"
                 " ON CONFLICT(code) DO NOTHING",
    [S_SAME] = "SELECT txn_id, voucher FROM voucher WHERE code=?1",
    [S_PEEK] = "SELECT state, maybe_printed, attempts, voucher, id FROM voucher"
               " WHERE code=?1",
    /* Guarded by the state seen when the job was rendered, so a row that
     * changed meanwhile is never marked with bytes laid out for another. */
    [S_BEGIN] = "UPDATE voucher SET state=1, attempts=attempts+1,"
                " job_reprint=?3, reprints=reprints+?3, updated_ms=?4"
                " WHERE code=?1 AND state=?5 AND maybe_printed=?6 AND attempts=?7",
    [S_JOB] = "INSERT OR REPLACE INTO job(voucher_id, bytes) VALUES(?1, ?2)",
    /* ?2: 0 REFUSED, 1 FAILED, 2 DONE (prn_job_phase). */
    [S_FINISH] = "UPDATE voucher SET"
                 " state = CASE ?2 WHEN 2 THEN 2 WHEN 1 THEN 3"
                 "   ELSE (CASE maybe_printed WHEN 0 THEN 0 ELSE 3 END) END,"
                 " reprints = reprints - (CASE ?2 WHEN 0 THEN job_reprint ELSE 0 END),"
                 " maybe_printed = (CASE ?2 WHEN 0 THEN maybe_printed ELSE 1 END),"
                 " last_error=?3, updated_ms=?4,"
                 " printed_ms = (CASE ?2 WHEN 2 THEN ?4 ELSE printed_ms END)"
                 " WHERE code=?1 AND state=1 RETURNING state",
    [S_RECOVER] = "UPDATE voucher SET state=3, maybe_printed=1, updated_ms=?1,"
                  " last_error='the kiosk stopped during the print; the slip may"
                  " have come out'"
                  " WHERE state=1",
    [S_REPRINT] = "UPDATE voucher SET state=3, last_error=?2, updated_ms=?3"
                  " WHERE code=?1 AND state=2",
    [S_GET] = "SELECT " ROW_COLS " WHERE v.code=?1",
    [S_LIST] = "SELECT " ROW_COLS " WHERE (?1 >> v.state) & 1 ORDER BY v.created_ms, v.id",
    [S_MEMBER] = "SELECT " ROW_COLS " WHERE v.member_id=?1 AND v.state IN (0,3)"
                 " ORDER BY v.created_ms, v.id",
};

struct prn_journal {
  kdb *k;
  pthread_mutex_t mu;
};

int64_t prn_journal_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *prn_journal_state_name(prn_journal_state s) {
  static const char *const names[] = {"owed", "printing", "printed", "failed"};
  return (unsigned)s < 4 ? names[s] : "unknown";
}

static const kdb_spec spec = {
    .name = "print journal",
    .log = "prn_journal",
    .db_file = PRN_JOURNAL_FILE,
    /* prn_journal_recover() is only right when no other process can be in
     * the middle of a print: the lock keeps a second kiosk process off. */
    .lock_file = "print-journal.lock",
    .migrations = migrations,
    .nmigrations = SCHEMA_VERSION,
    .stmts = stmt_sql,
    .nstmts = S_COUNT,
};

int prn_journal_open(const char *dir, prn_journal **out, char *msg) {
  *out = NULL;
  if (!dir || !*dir)
    return kerr_set(msg, KERR_INVALID, "print journal: no state dir");
  prn_journal *j = calloc(1, sizeof *j);
  if (!j)
    return kerr_set(msg, KERR_NOMEM, "print journal: out of memory");
  pthread_mutex_init(&j->mu, NULL);
  int rc = kdb_open(dir, &spec, &j->k, msg);
  int moved = 0;
  if (!rc)
    rc = prn_journal_recover(j, &moved, msg);
  if (rc) {
    prn_journal_close(j);
    return rc;
  }
  if (moved)
    klog_warn("prn_journal", "%d voucher(s) were printing when the kiosk stopped: "
              "they will print again as 重印 / REPRINT", moved);
  *out = j;
  return KERR_OK;
}

void prn_journal_close(prn_journal *j) {
  if (!j)
    return;
  kdb_close(j->k);
  pthread_mutex_destroy(&j->mu);
  free(j);
}

static int check_code(const char *code, char *msg) {
  if (!code || !*code)
    return kerr_set(msg, KERR_INVALID, "print journal: no voucher code");
  if (strlen(code) >= PRN_JOURNAL_CODE_MAX)
    return kerr_set(msg, KERR_INVALID, "print journal: voucher code longer than %d bytes",
                    PRN_JOURNAL_CODE_MAX - 1);
  return KERR_OK;
}

static int not_found(const char *code, char *msg) {
  return kerr_set(msg, KERR_NOT_FOUND, "print journal: no voucher %s is owed", code);
}

/* Same transaction and the same voucher (as JSON values, so a re-serialised
 * body with other spacing or key order still counts as the same). */
static int same_owe(prn_journal *j, const char *code, const char *txn_id, const char *json,
                    char *msg) {
  sqlite3_stmt *st = kdb_stmt(j->k, S_SAME);
  sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    int ret = rc == SQLITE_DONE ? not_found(code, msg) : kdb_err(j->k, rc, msg, "owe");
    sqlite3_reset(st);
    return ret;
  }
  const char *old_txn = (const char *)sqlite3_column_text(st, 0);
  const char *old_json = (const char *)sqlite3_column_text(st, 1);
  int same_txn = old_txn && strcmp(old_txn, txn_id) == 0;
  json_t *a = old_json ? json_loads(old_json, 0, NULL) : NULL;
  json_t *b = json_loads(json, 0, NULL);
  int same_body = a && b && json_equal(a, b);
  json_decref(a);
  json_decref(b);
  int ret = KERR_OK;
  if (!same_txn)
    ret = kerr_set(msg, KERR_INVALID,
                   "print journal: voucher %s is already owed for transaction %s, not %s",
                   code, old_txn ? old_txn : "?", txn_id);
  else if (!same_body)
    ret = kerr_set(msg, KERR_INVALID,
                   "print journal: voucher %s is already owed with different content", code);
  sqlite3_reset(st);
  return ret;
}

int prn_journal_owe(prn_journal *j, const char *code, const char *txn_id,
                    const char *member_id, const char *voucher_json, char *msg) {
  int rc = check_code(code, msg);
  if (rc)
    return rc;
  if (!txn_id || !*txn_id || strlen(txn_id) >= PRN_JOURNAL_ID_MAX)
    return kerr_set(msg, KERR_INVALID, "print journal: voucher %s: transaction id missing "
                    "or longer than %d bytes", code, PRN_JOURNAL_ID_MAX - 1);
  if (member_id && strlen(member_id) >= PRN_JOURNAL_ID_MAX)
    return kerr_set(msg, KERR_INVALID, "print journal: voucher %s: member id too long", code);
  if (!voucher_json || strlen(voucher_json) >= PRN_JOURNAL_JSON_MAX)
    return kerr_set(msg, KERR_INVALID, "print journal: voucher %s: JSON missing or over %d "
                    "bytes", code, PRN_JOURNAL_JSON_MAX);
  /* Parsed now, not at print time: a voucher that cannot print must be
   * refused while the caller can still tell the member. */
  prn_voucher v;
  kerr_msg why;
  if (prn_voucher_parse(voucher_json, &v, why))
    return kerr_set(msg, KERR_INVALID, "print journal: voucher %s: %s", code, why);
  if (strcmp(v.voucher_code, code) != 0)
    return kerr_set(msg, KERR_INVALID,
                    "print journal: voucher %s: its JSON carries voucher_code %s", code,
                    v.voucher_code);

  pthread_mutex_lock(&j->mu);
  sqlite3_stmt *st = kdb_stmt(j->k, S_INSERT);
  sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, txn_id, -1, SQLITE_TRANSIENT);
  if (member_id && *member_id)
    sqlite3_bind_text(st, 3, member_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, 3);
  sqlite3_bind_text(st, 4, voucher_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 5, prn_journal_now_ms());
  int changes = 0;
  rc = kdb_run(j->k, st, &changes, msg, "owe");
  if (!rc && changes == 0)
    rc = same_owe(j, code, txn_id, voucher_json, msg);
  pthread_mutex_unlock(&j->mu);
  return rc;
}

void prn_journal_job_free(prn_journal_job *job) {
  if (!job)
    return;
  free(job->bytes);
  memset(job, 0, sizeof *job);
}

typedef struct {
  int state, maybe_printed, attempts;
  int64_t id;
  char *json;
} peek_row;

static int peek(prn_journal *j, const char *code, peek_row *p, char *msg) {
  memset(p, 0, sizeof *p);
  pthread_mutex_lock(&j->mu);
  sqlite3_stmt *st = kdb_stmt(j->k, S_PEEK);
  sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(st), ret = KERR_OK;
  if (rc == SQLITE_ROW) {
    p->state = sqlite3_column_int(st, 0);
    p->maybe_printed = sqlite3_column_int(st, 1);
    p->attempts = sqlite3_column_int(st, 2);
    p->id = sqlite3_column_int64(st, 4);
    const unsigned char *s = sqlite3_column_text(st, 3);
    p->json = s ? strdup((const char *)s) : NULL;
    if (!p->json)
      ret = kerr_set(msg, KERR_NOMEM, "print journal: out of memory");
  } else {
    ret = rc == SQLITE_DONE ? not_found(code, msg) : kdb_err(j->k, rc, msg, "begin");
  }
  sqlite3_reset(st);
  pthread_mutex_unlock(&j->mu);
  return ret;
}

int prn_journal_begin(prn_journal *j, const char *code, prn_journal_render_fn render,
                      void *ctx, prn_journal_job *job, char *msg) {
  memset(job, 0, sizeof *job);
  int rc = check_code(code, msg);
  if (rc)
    return rc;
  if (!render)
    return kerr_set(msg, KERR_INVALID, "print journal: begin without a renderer");
  peek_row p;
  if ((rc = peek(j, code, &p, msg)))
    return rc;
  if (p.state == PRN_JOURNAL_PRINTING)
    rc = kerr_set(msg, KERR_BUSY, "print journal: voucher %s is being printed", code);
  else if (p.state == PRN_JOURNAL_PRINTED)
    rc = kerr_set(msg, KERR_INVALID, "print journal: voucher %s was already printed; "
                  "an admin reprint (prn_journal_reprint) prints it again as 重印", code);
  prn_voucher v;
  kerr_msg why;
  if (!rc && prn_voucher_parse(p.json, &v, why))
    rc = kerr_set(msg, KERR_INVALID, "print journal: stored voucher %s does not load: %s",
                  code, why);
  free(p.json);
  if (rc)
    return rc;
  v.reprint = v.reprint || p.maybe_printed;

  /* Rendered outside the lock (a raster slip takes milliseconds); the guarded
   * UPDATE notices if the row moved meanwhile. */
  prn_escpos *e = NULL;
  if (prn_escpos_new(&e))
    return kerr_set(msg, KERR_NOMEM, "print journal: out of memory");
  rc = render(ctx, &v, e, msg);
  if (!rc && (rc = prn_escpos_status(e)))
    kerr_set(msg, rc, "print journal: voucher %s: building the job failed", code);
  size_t len = 0;
  uint8_t *bytes = rc ? NULL : prn_escpos_take(e, &len);
  prn_escpos_free(e);
  if (rc)
    return rc;
  if (!bytes || len == 0) {
    free(bytes);
    return kerr_set(msg, KERR_INVALID, "print journal: voucher %s rendered to nothing", code);
  }

  /* State and bytes in one transaction: one fsync, and never a PRINTING
   * row without the bytes it was begun with. */
  pthread_mutex_lock(&j->mu);
  rc = kdb_exec(j->k, "BEGIN IMMEDIATE", msg, "begin");
  int src = SQLITE_DONE, changes = 0;
  if (!rc) {
    sqlite3_stmt *st = kdb_stmt(j->k, S_BEGIN);
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, v.reprint);
    sqlite3_bind_int64(st, 4, prn_journal_now_ms());
    sqlite3_bind_int(st, 5, p.state);
    sqlite3_bind_int(st, 6, p.maybe_printed);
    sqlite3_bind_int(st, 7, p.attempts);
    src = sqlite3_step(st);
    changes = sqlite3_changes(kdb_db(j->k));
    sqlite3_reset(st);
  }
  if (!rc && src == SQLITE_DONE && changes == 1) {
    sqlite3_stmt *st = kdb_stmt(j->k, S_JOB);
    sqlite3_bind_int64(st, 1, p.id);
    sqlite3_bind_blob64(st, 2, bytes, len, SQLITE_STATIC);
    src = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* bytes were bound SQLITE_STATIC */
  }
  if (!rc && src != SQLITE_DONE)
    rc = kdb_err(j->k, src, msg, "begin");
  else if (!rc && changes == 0)
    rc = kerr_set(msg, KERR_BUSY, "print journal: voucher %s changed while its job was "
                  "built; try again", code);
  if (!rc)
    rc = kdb_exec(j->k, "COMMIT", msg, "begin");
  if (rc)
    sqlite3_exec(kdb_db(j->k), "ROLLBACK", NULL, NULL, NULL);
  pthread_mutex_unlock(&j->mu);
  if (rc) {
    free(bytes);
    return rc;
  }
  job->bytes = bytes;
  job->len = len;
  job->reprint = v.reprint;
  job->attempt = p.attempts + 1;
  return KERR_OK;
}

static int not_in(prn_journal *j, const char *code, const char *what, char *msg) {
  prn_journal_entry e;
  int rc = prn_journal_get(j, code, &e, msg);
  if (rc)
    return rc;
  rc = kerr_set(msg, KERR_INVALID, "print journal: voucher %s is %s, not %s", code,
                prn_journal_state_name(e.state), what);
  prn_journal_entry_free(&e);
  return rc;
}

int prn_journal_finish(prn_journal *j, const char *code, prn_job_phase phase,
                       const char *error, prn_journal_state *state, char *msg) {
  int rc = check_code(code, msg);
  if (rc)
    return rc;
  if (phase != PRN_JOB_REFUSED && phase != PRN_JOB_FAILED && phase != PRN_JOB_DONE)
    return kerr_set(msg, KERR_INVALID, "print journal: bad job phase %d", (int)phase);
  pthread_mutex_lock(&j->mu);
  sqlite3_stmt *st = kdb_stmt(j->k, S_FINISH);
  sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 2, phase == PRN_JOB_DONE ? 2 : phase == PRN_JOB_FAILED ? 1 : 0);
  if (error && *error)
    sqlite3_bind_text(st, 3, error, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, 3);
  sqlite3_bind_int64(st, 4, prn_journal_now_ms());
  int src = sqlite3_step(st), found = 0, to = 0;
  if (src == SQLITE_ROW) {
    found = 1;
    to = sqlite3_column_int(st, 0);
    src = sqlite3_step(st); /* an UPDATE ... RETURNING commits when it completes */
  }
  sqlite3_reset(st);
  if (src != SQLITE_DONE)
    rc = kdb_err(j->k, src, msg, "finish");
  pthread_mutex_unlock(&j->mu);
  if (rc)
    return rc;
  if (!found)
    return not_in(j, code, "printing", msg);
  if (state)
    *state = (prn_journal_state)to;
  return KERR_OK;
}

int prn_journal_recover(prn_journal *j, int *count, char *msg) {
  pthread_mutex_lock(&j->mu);
  sqlite3_stmt *st = kdb_stmt(j->k, S_RECOVER);
  sqlite3_bind_int64(st, 1, prn_journal_now_ms());
  int changes = 0;
  int rc = kdb_run(j->k, st, &changes, msg, "recover");
  if (count)
    *count = changes;
  pthread_mutex_unlock(&j->mu);
  return rc;
}

int prn_journal_reprint(prn_journal *j, const char *code, const char *reason, char *msg) {
  int rc = check_code(code, msg);
  if (rc)
    return rc;
  pthread_mutex_lock(&j->mu);
  sqlite3_stmt *st = kdb_stmt(j->k, S_REPRINT);
  sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, reason && *reason ? reason : "reprint requested", -1,
                    SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, prn_journal_now_ms());
  int changes = 0;
  rc = kdb_run(j->k, st, &changes, msg, "reprint");
  pthread_mutex_unlock(&j->mu);
  if (!rc && changes == 0)
    return not_in(j, code, "printed", msg);
  return rc;
}

static void copy_col(sqlite3_stmt *st, int col, char *dst, size_t cap) {
  const unsigned char *s = sqlite3_column_text(st, col);
  snprintf(dst, cap, "%s", s ? (const char *)s : "");
}

static int read_row(sqlite3_stmt *st, prn_journal_entry *e) {
  memset(e, 0, sizeof *e);
  copy_col(st, 0, e->code, sizeof e->code);
  copy_col(st, 1, e->txn_id, sizeof e->txn_id);
  copy_col(st, 2, e->member_id, sizeof e->member_id);
  e->state = (prn_journal_state)sqlite3_column_int(st, 3);
  e->maybe_printed = sqlite3_column_int(st, 4);
  e->job_reprint = sqlite3_column_int(st, 5);
  e->attempts = sqlite3_column_int(st, 6);
  e->reprints = sqlite3_column_int(st, 7);
  copy_col(st, 8, e->last_error, sizeof e->last_error);
  e->created_ms = sqlite3_column_int64(st, 9);
  e->updated_ms = sqlite3_column_int64(st, 10);
  e->printed_ms = sqlite3_column_int64(st, 11);
  const unsigned char *json = sqlite3_column_text(st, 12);
  e->voucher_json = strdup(json ? (const char *)json : "");
  int n = sqlite3_column_bytes(st, 13);
  const void *job = sqlite3_column_blob(st, 13);
  if (job && n > 0) {
    e->job = malloc((size_t)n);
    if (e->job) {
      memcpy(e->job, job, (size_t)n);
      e->job_len = (size_t)n;
    }
  }
  if (!e->voucher_json || (n > 0 && !e->job)) {
    prn_journal_entry_free(e);
    return KERR_NOMEM;
  }
  return KERR_OK;
}

void prn_journal_entry_free(prn_journal_entry *e) {
  if (!e)
    return;
  free(e->voucher_json);
  free(e->job);
  e->voucher_json = NULL;
  e->job = NULL;
  e->job_len = 0;
}

int prn_journal_get(prn_journal *j, const char *code, prn_journal_entry *e, char *msg) {
  memset(e, 0, sizeof *e);
  int rc = check_code(code, msg);
  if (rc)
    return rc;
  pthread_mutex_lock(&j->mu);
  sqlite3_stmt *st = kdb_stmt(j->k, S_GET);
  sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
  int src = sqlite3_step(st);
  if (src == SQLITE_ROW)
    rc = read_row(st, e) ? kerr_set(msg, KERR_NOMEM, "print journal: out of memory")
                         : KERR_OK;
  else
    rc = src == SQLITE_DONE ? not_found(code, msg) : kdb_err(j->k, src, msg, "get");
  sqlite3_reset(st);
  pthread_mutex_unlock(&j->mu);
  return rc;
}

/* Rows are read under the lock and handed out one at a time; the callback
 * runs under the lock too, so it must not call back into the journal. */
static int each(prn_journal *j, sqlite3_stmt *st, prn_journal_list_fn cb, void *ctx,
                char *msg) {
  int src, rc = KERR_OK;
  while ((src = sqlite3_step(st)) == SQLITE_ROW) {
    prn_journal_entry e;
    if (read_row(st, &e)) {
      rc = kerr_set(msg, KERR_NOMEM, "print journal: out of memory");
      break;
    }
    int stop = cb(ctx, &e);
    prn_journal_entry_free(&e);
    if (stop)
      break;
  }
  if (!rc && src != SQLITE_ROW && src != SQLITE_DONE)
    rc = kdb_err(j->k, src, msg, "list");
  sqlite3_reset(st);
  return rc;
}

int prn_journal_list(prn_journal *j, unsigned filter, prn_journal_list_fn cb, void *ctx,
                     char *msg) {
  if (!cb)
    return kerr_set(msg, KERR_INVALID, "print journal: list without a callback");
  pthread_mutex_lock(&j->mu);
  sqlite3_stmt *st = kdb_stmt(j->k, S_LIST);
  sqlite3_bind_int(st, 1, (int)(filter & PRN_JOURNAL_ANY));
  int rc = each(j, st, cb, ctx, msg);
  pthread_mutex_unlock(&j->mu);
  return rc;
}

int prn_journal_owed_for_member(prn_journal *j, const char *member_id,
                                prn_journal_list_fn cb, void *ctx, char *msg) {
  if (!member_id || !*member_id || !cb)
    return kerr_set(msg, KERR_INVALID, "print journal: no member id or callback");
  pthread_mutex_lock(&j->mu);
  sqlite3_stmt *st = kdb_stmt(j->k, S_MEMBER);
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_TRANSIENT);
  int rc = each(j, st, cb, ctx, msg);
  pthread_mutex_unlock(&j->mu);
  return rc;
}

int prn_journal_check(prn_journal *j, char *msg) {
  pthread_mutex_lock(&j->mu);
  int rc = kdb_check(j->k, msg);
  pthread_mutex_unlock(&j->mu);
  return rc;
}

typedef struct {
  const prn_journal_layout *lo;
  prn_raster *r;
} render_ctx;

static int render_layout(void *ctx, const prn_voucher *v, prn_escpos *e, char *msg) {
  render_ctx *c = ctx;
  prn_doc *d = NULL;
  if (prn_doc_new(&d))
    return kerr_set(msg, KERR_NOMEM, "print journal: out of memory");
  int rc = prn_layout_voucher(v, c->lo->pri, c->lo->sec, d, msg);
  if (!rc)
    rc = c->lo->raster ? prn_raster_render(c->r, d, c->lo->width, e, NULL, msg)
                       : prn_text_render(d, c->lo->width, e, msg);
  prn_doc_free(d);
  return rc;
}

int prn_journal_print(prn_journal *j, prn_transport *t, const char *code,
                      const prn_journal_layout *lo, prn_journal_outcome *out, char *msg) {
  prn_journal_outcome local;
  if (!out)
    out = &local;
  memset(out, 0, sizeof *out);
  if (!j || !t || !lo || !lo->pri)
    return kerr_set(msg, KERR_INVALID, "print journal: print needs a journal, a printer "
                    "and a layout with a catalog");
  render_ctx c = {lo, lo->r};
  int rc;
  if (lo->raster && !c.r && (rc = prn_raster_new(NULL, NULL, &c.r, msg)))
    return rc;
  prn_journal_job job;
  rc = prn_journal_begin(j, code, render_layout, &c, &job, msg);
  if (c.r != lo->r)
    prn_raster_free(c.r);
  if (rc)
    return rc;
  out->reprint = job.reprint;
  out->attempt = job.attempt;
  out->len = job.len;
  out->state = PRN_JOURNAL_PRINTING;

  int job_rc = prn_job_print(t, job.bytes, job.len, &out->job, msg);
  prn_journal_job_free(&job);
  if (job_rc)
    klog_warn("prn_journal", "voucher %s attempt %d %s: %s", code, out->attempt,
              out->job.phase == PRN_JOB_REFUSED ? "refused" : "failed", msg);
  kerr_msg fmsg;
  rc = prn_journal_finish(j, code, out->job.phase, job_rc ? msg : NULL, &out->state, fmsg);
  if (rc) {
    /* The row stays PRINTING and becomes FAILED at the next start: the
     * member gets a 重印 slip rather than none. */
    klog_error("prn_journal", "voucher %s: %s", code, fmsg);
    if (!job_rc)
      return kerr_set(msg, rc, "%s", fmsg);
  }
  return job_rc;
}
