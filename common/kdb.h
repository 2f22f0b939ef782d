/*
 * kdb: the sqlite plumbing of a kiosk-local durable store (one state
 * directory, one database file, one process), shared by the transaction
 * queue (net/outbox.c) and the print journal (drivers/printer/prn_journal.c).
 * The store keeps its schema, its statements and its own mutex; kdb keeps
 * the file safe and the errors readable.
 *
 *   kdb_open:  mkdir -p dir (0700) -> flock dir/<lock_file> -> create
 *              dir/<db_file> 0600 -> sqlite open -> WAL, synchronous=FULL
 *              -> migrations -> prepare statements
 *   kdb_close: finalize statements -> sqlite close -> drop the flock
 *
 * Contract:
 * - kdb_open() takes an exclusive, non-blocking flock on dir/<lock_file>:
 *   while one handle is open any other (another process, or another open in
 *   this one) gets KERR_BUSY "<name>: <dir> is in use by another process".
 *   That is what makes the store's own recovery at start safe: nobody else
 *   can be half-way through a transaction.
 * - The directory (and its parents) is created 0700 and the database file
 *   0600 before sqlite opens it; sqlite gives -wal and -shm the database
 *   file's mode, so all three stay private (member ids).
 * - Journal mode WAL (refused with KERR_IO if sqlite will not use it),
 *   synchronous=FULL (a committed statement survives a power cut),
 *   journal_size_limit 4 MiB, busy timeout 5 s, extended result codes.
 * - spec->migrations[i] takes PRAGMA user_version from i to i + 1, each in
 *   its own BEGIN IMMEDIATE transaction together with the version bump, and
 *   is logged (klog_info under spec->log). A file whose user_version is
 *   above spec->nmigrations is refused with KERR_DB ("written by a newer
 *   kiosk?"), never downgraded. Append only: shipped entries never change.
 * - spec->stmts[i] is prepared once (SQLITE_PREPARE_PERSISTENT) and handed
 *   out reset and unbound by kdb_stmt(k, i).
 * - Errors: kdb_err() maps an sqlite result to KERR_IO (disk full,
 *   read-only, permission, I/O, cannot open), KERR_BUSY (busy, locked),
 *   KERR_INVALID (constraint) or KERR_DB, and writes
 *   "<name> <what>: <hint><sqlite3_errmsg> (sqlite code N[, strerror]) in
 *   <path>", so the log says "disk is full" and which file. Failures outside
 *   sqlite (mkdir, open, flock) name the directory or file and strerror.
 * - Not thread-safe: the owner serialises every call on one handle.
 * - The strings and arrays spec points to must outlive the handle (static
 *   tables in practice).
 */
#ifndef KDB_H
#define KDB_H

#include <sqlite3.h>

#include "kerr.h"

typedef struct kdb kdb;

typedef struct {
  const char *name;      /* in messages, e.g. "print journal" */
  const char *log;       /* klog module, e.g. "prn_journal" */
  const char *db_file;   /* file name inside the state directory */
  const char *lock_file; /* file name inside the state directory */
  const char *const *migrations;
  int nmigrations;
  const char *const *stmts;
  int nstmts;
} kdb_spec;

/* Opens (creating as needed) dir/<spec->db_file>; *out is NULL on failure. */
int kdb_open(const char *dir, const kdb_spec *spec, kdb **out, char *msg);

/* Closes the database and drops the lock; NULL is fine. */
void kdb_close(kdb *k);

sqlite3 *kdb_db(kdb *k);

/* The database file's path, as used in messages. */
const char *kdb_path(const kdb *k);

/* Prepared statement i of spec->stmts, reset and with its bindings cleared. */
sqlite3_stmt *kdb_stmt(kdb *k, int i);

/* Maps sqlite result rc (of the last call on this handle) to a KERR_* code
 * and writes the detail into msg; `what` names the operation. */
int kdb_err(kdb *k, int rc, char *msg, const char *what);

/* sqlite3_exec without callbacks; failures go through kdb_err(). */
int kdb_exec(kdb *k, const char *sql, char *msg, const char *what);

/* Steps st, which returns no row, to the end and resets it; *changes (may be
 * NULL) gets the rows it touched, and is left alone on failure. */
int kdb_run(kdb *k, sqlite3_stmt *st, int *changes, char *msg,
            const char *what);

/* PRAGMA integrity_check: KERR_OK, or KERR_DB with sqlite's first finding. */
int kdb_check(kdb *k, char *msg);

#endif
