/*
 * ctl_db: the central's SQLite database (WAL) and its schema.
 *
 * Contract: ctl_db_open() opens (or creates) the file, upgrades the schema
 * step by step through PRAGMA user_version and keeps a pool of connections,
 * one per worker thread, so readers run in parallel under WAL. A handler
 * borrows a connection with ctl_db_acquire() and gives it back with
 * ctl_db_release(). Every state change runs between ctl_db_write_begin() and
 * ctl_db_write_end(): a process-wide mutex plus BEGIN IMMEDIATE serialise the
 * writers, so "check the balance, then spend" can never interleave with
 * another writer (no negative balance or stock under any interleaving).
 * Commits are durable (synchronous=FULL): a 201 is never lost on power loss.
 */
#ifndef CTL_DB_H
#define CTL_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "kerr.h"

#define CTL_DB_SCHEMA_VERSION 1

typedef struct ctl_db ctl_db;

/* nconn: connections in the pool (at least 1). */
int ctl_db_open(const char *path, int nconn, ctl_db **out, char *msg);
void ctl_db_close(ctl_db *db);

/* Blocks until a connection is free. Never returns NULL. */
sqlite3 *ctl_db_acquire(ctl_db *db);
void ctl_db_release(ctl_db *db, sqlite3 *conn);

int ctl_db_write_begin(ctl_db *db, sqlite3 *conn, char *msg);
/* Commits when commit != 0, rolls back otherwise; always drops the lock. */
int ctl_db_write_end(ctl_db *db, sqlite3 *conn, int commit, char *msg);

/* Runs SQL without results; the sqlite message goes into msg. */
int ctl_db_exec(sqlite3 *conn, const char *sql, char *msg);

/* Prepares sql; on failure returns KERR_DB with sqlite's message. */
int ctl_db_prepare(sqlite3 *conn, const char *sql, sqlite3_stmt **st,
                   char *msg);

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
