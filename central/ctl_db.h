/*
 * ctl_db: the central's SQLite database (WAL) and its schema.
 *
 * Contract: ctl_db_open() opens (or creates) the file, upgrades the schema
 * step by step through PRAGMA user_version and keeps a pool of connections,
 * one per worker thread, so readers run in parallel under WAL. A handler
 * borrows a connection with ctl_db_acquire() and gives it back with
 * ctl_db_release(). Every state change runs between ctl_db_write_begin() and
 * ctl_db_write_end() on the one writer connection that write_begin hands
 * out: a process-wide mutex plus BEGIN IMMEDIATE serialise the writers, so
 * "check the balance, then spend" can never interleave with another writer
 * (no negative balance or stock under any interleaving). Commits are durable
 * (synchronous=FULL) and grouped: writers that queue up share one commit,
 * each in its own savepoint, and write_end returns only once the commit that
 * holds the caller's work is on disk (or failed: then nothing of the group
 * was kept and every member gets an error). A 201 is never lost on power
 * loss.
 *
 * Statements from ctl_db_prepare() on a connection this thread holds are
 * kept prepared on that connection and handed out again for the same SQL;
 * give every statement back with ctl_db_finish() (never sqlite3_finalize),
 * which resets it for the next user or finalizes one that is not cached.
 * Read-only handlers wrap their queries in ctl_db_read_begin/end: one
 * snapshot, and one WAL read lock instead of one per statement.
 */
#ifndef CTL_DB_H
#define CTL_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "kerr.h"

#define CTL_DB_SCHEMA_VERSION 6

typedef struct ctl_db ctl_db;

/* nconn: connections in the pool (at least 1). */
int ctl_db_open(const char *path, int nconn, ctl_db **out, char *msg);
void ctl_db_close(ctl_db *db);

/* Blocks until a connection is free. Never returns NULL. */
sqlite3 *ctl_db_acquire(ctl_db *db);
void ctl_db_release(ctl_db *db, sqlite3 *conn);

/* *conn = the writer connection, in a transaction, until write_end. */
int ctl_db_write_begin(ctl_db *db, sqlite3 **conn, char *msg);
/* Keeps the caller's work when commit != 0, drops it otherwise; waits for
 * the group's commit; always drops the lock. */
int ctl_db_write_end(ctl_db *db, sqlite3 *conn, int commit, char *msg);

/* Runs SQL without results; the sqlite message goes into msg. */
int ctl_db_exec(sqlite3 *conn, const char *sql, char *msg);

/* Prepares sql (or takes it from the connection's cache); on failure
 * returns KERR_DB with sqlite's message. */
int ctl_db_prepare(sqlite3 *conn, const char *sql, sqlite3_stmt **st,
                   char *msg);
/* Gives a statement from ctl_db_prepare back; NULL is ignored. */
void ctl_db_finish(sqlite3_stmt *st);

/* A read transaction (BEGIN DEFERRED) and its end; end never fails the
 * caller (a read has nothing to lose). */
int ctl_db_read_begin(sqlite3 *conn, char *msg);
void ctl_db_read_end(sqlite3 *conn);

/* One integer from a query with up to two text parameters (NULL = unused);
 * *out = fallback when there is no row. */
int ctl_db_int(sqlite3 *conn, const char *sql, const char *p1, const char *p2,
               int64_t fallback, int64_t *out, char *msg);

/* meta table: small named values (signing key, catalog version). */
int ctl_db_meta_get(sqlite3 *conn, const char *key, void *buf, size_t cap,
                    size_t *len, char *msg);
int ctl_db_meta_set(sqlite3 *conn, const char *key, const void *val,
                    size_t len, char *msg);

#endif
