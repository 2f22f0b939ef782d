#include "ctl_db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctl_db {
  pthread_mutex_t pool_lock;
  pthread_cond_t pool_free;
  pthread_mutex_t write_lock;
  int nconn, nfree;
  sqlite3 **conns; /* all connections */
  sqlite3 **free;  /* stack of the idle ones */
};

/* Each entry moves the schema from version i to i + 1. Never edit an entry
 * that has shipped: add a new one. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE kiosks(id TEXT PRIMARY KEY, secret TEXT NOT NULL,"
    "  last_seen INTEGER, heartbeat TEXT);"
    "CREATE TABLE members(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    "  phone TEXT NOT NULL, birth_month INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    /* Points: every change is a ledger row; the balance is the sum. */
    "CREATE TABLE ledger(id INTEGER PRIMARY KEY,"
    "  member_id TEXT NOT NULL REFERENCES members(id),"
    "  delta INTEGER NOT NULL, reason TEXT NOT NULL, reference TEXT,"
    "  idem_key TEXT, created_at INTEGER NOT NULL);"
    "CREATE INDEX ledger_member ON ledger(member_id, reason, created_at);"
    /* Earned points are lots that expire; spends consume them. */
    "CREATE TABLE lots(id INTEGER PRIMARY KEY, member_id TEXT NOT NULL,"
    "  ledger_id INTEGER NOT NULL, amount INTEGER NOT NULL CHECK(amount > 0),"
    "  remaining INTEGER NOT NULL CHECK(remaining >= 0 AND remaining <= amount),"
    "  expires_at INTEGER NOT NULL);"
    "CREATE INDEX lots_member ON lots(member_id, expires_at);"
    "CREATE TABLE lot_uses(ledger_id INTEGER NOT NULL, lot_id INTEGER NOT NULL,"
    "  amount INTEGER NOT NULL CHECK(amount > 0), PRIMARY KEY(ledger_id, lot_id));"
    "CREATE TABLE checkins(member_id TEXT NOT NULL, day TEXT NOT NULL,"
    "  streak INTEGER NOT NULL, points INTEGER NOT NULL,"
    "  PRIMARY KEY(member_id, day));"
    "CREATE TABLE idem(kiosk_id TEXT NOT NULL, key TEXT NOT NULL,"
    "  request_hash TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, PRIMARY KEY(kiosk_id, key));"
    "CREATE TABLE items(id TEXT PRIMARY KEY, sort INTEGER NOT NULL,"
    "  kind TEXT NOT NULL, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,"
    "  desc_zh TEXT NOT NULL, desc_en TEXT NOT NULL, image TEXT NOT NULL,"
    "  points_cost INTEGER NOT NULL CHECK(points_cost >= 0),"
    "  price_silver INTEGER, price_gold INTEGER, price_diamond INTEGER,"
    "  min_tier TEXT NOT NULL, stock INTEGER NOT NULL CHECK(stock >= 0),"
    "  limit_per_day INTEGER, limit_total INTEGER,"
    "  valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL,"
    "  offline_redeemable INTEGER NOT NULL, voucher_days INTEGER NOT NULL,"
    "  pickup_zh TEXT NOT NULL, pickup_en TEXT NOT NULL);"
    "CREATE TABLE redemptions(id TEXT PRIMARY KEY, member_id TEXT NOT NULL,"
    "  item_id TEXT NOT NULL, quantity INTEGER NOT NULL,"
    "  points_charged INTEGER NOT NULL, ledger_id INTEGER, day TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX redemptions_member ON redemptions(member_id, item_id, day);"
    "CREATE TABLE vouchers(id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
    "  redemption_id TEXT NOT NULL, item_id TEXT NOT NULL,"
    "  member_id TEXT NOT NULL, quantity INTEGER NOT NULL,"
    "  status TEXT NOT NULL, expires_at INTEGER NOT NULL,"
    "  changed_at INTEGER);"
    "CREATE TABLE cars(plate TEXT PRIMARY KEY, entered_at INTEGER NOT NULL);"
    "CREATE TABLE parking_coupons(id TEXT PRIMARY KEY, member_id TEXT NOT NULL,"
    "  plate TEXT NOT NULL, hours INTEGER NOT NULL,"
    "  free_hours_used INTEGER NOT NULL, points_charged INTEGER NOT NULL,"
    "  day TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  valid_until INTEGER NOT NULL);"
    "CREATE INDEX parking_member ON parking_coupons(member_id, day);"
    "CREATE INDEX parking_plate ON parking_coupons(plate);"
    "CREATE TABLE heartbeats(kiosk_id TEXT PRIMARY KEY, at INTEGER NOT NULL,"
    "  body TEXT NOT NULL);",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int ctl_db_exec(sqlite3 *conn, const char *sql, char *msg) {
  char *err = NULL;
  if (sqlite3_exec(conn, sql, NULL, NULL, &err) != SQLITE_OK) {
    kerr_set(msg, KERR_DB, "sqlite: %s", err ? err : sqlite3_errmsg(conn));
    sqlite3_free(err);
    return KERR_DB;
  }
  return KERR_OK;
}

int ctl_db_prepare(sqlite3 *conn, const char *sql, sqlite3_stmt **st,
                   char *msg) {
  if (sqlite3_prepare_v2(conn, sql, -1, st, NULL) != SQLITE_OK)
    return kerr_set(msg, KERR_DB, "sqlite prepare: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}

int ctl_db_int(sqlite3 *conn, const char *sql, const char *p1, const char *p2,
               int64_t fallback, int64_t *out, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn, sql, &st, msg);
  if (rc) return rc;
  if (p1) sqlite3_bind_text(st, 1, p1, -1, SQLITE_STATIC);
  if (p2) sqlite3_bind_text(st, 2, p2, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *out = sqlite3_column_type(st, 0) == SQLITE_NULL
               ? fallback
               : sqlite3_column_int64(st, 0);
    rc = KERR_OK;
  } else if (rc == SQLITE_DONE) {
    *out = fallback;
    rc = KERR_OK;
  } else {
    rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  }
  sqlite3_finalize(st);
  return rc;
}

static int migrate(sqlite3 *conn, char *msg) {
  int64_t version;
  int rc = ctl_db_int(conn, "PRAGMA user_version", NULL, NULL, 0, &version,
                      msg);
  if (rc) return rc;
  if (version > NMIGRATIONS)
    return kerr_set(msg, KERR_DB,
                    "database schema %lld is newer than this server (%d)",
                    (long long)version, NMIGRATIONS);
  while (version < NMIGRATIONS) {
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version=%d", (int)version + 1);
    if ((rc = ctl_db_exec(conn, "BEGIN IMMEDIATE", msg)) != 0) return rc;
    if ((rc = ctl_db_exec(conn, migrations[version], msg)) != 0 ||
        (rc = ctl_db_exec(conn, bump, msg)) != 0 ||
        (rc = ctl_db_exec(conn, "COMMIT", msg)) != 0) {
      ctl_db_exec(conn, "ROLLBACK", NULL);
      return rc;
    }
    version++;
  }
  return KERR_OK;
}

static int open_one(const char *path, sqlite3 **out, char *msg) {
  sqlite3 *conn = NULL;
  int rc = sqlite3_open_v2(path, &conn,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX,
                           NULL);
  if (rc != SQLITE_OK) {
    kerr_set(msg, KERR_DB, "open %s: %s", path,
             conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
    sqlite3_close(conn);
    return KERR_DB;
  }
  sqlite3_busy_timeout(conn, 5000);
  if ((rc = ctl_db_exec(conn,
                        "PRAGMA journal_mode=WAL;"
                        "PRAGMA synchronous=FULL;"
                        "PRAGMA foreign_keys=ON;",
                        msg)) != 0) {
    sqlite3_close(conn);
    return rc;
  }
  *out = conn;
  return KERR_OK;
}

int ctl_db_open(const char *path, int nconn, ctl_db **out, char *msg) {
  ctl_db *db;
  int i, rc;

  if (nconn < 1) nconn = 1;
  db = calloc(1, sizeof *db);
  if (!db) return kerr_set(msg, KERR_NOMEM, "out of memory");
  db->conns = calloc((size_t)nconn, sizeof *db->conns);
  db->free = calloc((size_t)nconn, sizeof *db->free);
  if (!db->conns || !db->free) {
    free(db->conns);
    free(db->free);
    free(db);
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  }
  pthread_mutex_init(&db->pool_lock, NULL);
  pthread_cond_init(&db->pool_free, NULL);
  pthread_mutex_init(&db->write_lock, NULL);
  for (i = 0; i < nconn; i++) {
    if ((rc = open_one(path, &db->conns[i], msg)) != 0) goto fail;
    db->nconn++;
    if (i == 0 && (rc = migrate(db->conns[0], msg)) != 0) goto fail;
  }
  for (i = 0; i < nconn; i++) db->free[i] = db->conns[i];
  db->nfree = nconn;
  *out = db;
  return KERR_OK;
fail:
  ctl_db_close(db);
  return rc;
}

void ctl_db_close(ctl_db *db) {
  int i;
  if (!db) return;
  for (i = 0; i < db->nconn; i++) sqlite3_close(db->conns[i]);
  pthread_mutex_destroy(&db->pool_lock);
  pthread_cond_destroy(&db->pool_free);
  pthread_mutex_destroy(&db->write_lock);
  free(db->conns);
  free(db->free);
  free(db);
}

sqlite3 *ctl_db_acquire(ctl_db *db) {
  sqlite3 *conn;
  pthread_mutex_lock(&db->pool_lock);
  while (db->nfree == 0) pthread_cond_wait(&db->pool_free, &db->pool_lock);
  conn = db->free[--db->nfree];
  pthread_mutex_unlock(&db->pool_lock);
  return conn;
}

void ctl_db_release(ctl_db *db, sqlite3 *conn) {
  pthread_mutex_lock(&db->pool_lock);
  db->free[db->nfree++] = conn;
  pthread_cond_signal(&db->pool_free);
  pthread_mutex_unlock(&db->pool_lock);
}

int ctl_db_write_begin(ctl_db *db, sqlite3 *conn, char *msg) {
  int rc;
  pthread_mutex_lock(&db->write_lock);
  rc = ctl_db_exec(conn, "BEGIN IMMEDIATE", msg);
  if (rc) pthread_mutex_unlock(&db->write_lock);
  return rc;
}

int ctl_db_write_end(ctl_db *db, sqlite3 *conn, int commit, char *msg) {
  int rc = KERR_OK;
  if (commit) rc = ctl_db_exec(conn, "COMMIT", msg);
  if (!commit || rc) ctl_db_exec(conn, "ROLLBACK", NULL);
  pthread_mutex_unlock(&db->write_lock);
  return rc;
}

int ctl_db_meta_get(sqlite3 *conn, const char *key, void *buf, size_t cap,
                    size_t *len, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn, "SELECT value FROM meta WHERE key=?", &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    if (n > cap) {
      rc = kerr_set(msg, KERR_DB, "meta %s: %zu bytes, room for %zu", key, n,
                    cap);
    } else {
      if (n) memcpy(buf, sqlite3_column_blob(st, 0), n);
      *len = n;
      rc = KERR_OK;
    }
  } else if (rc == SQLITE_DONE) {
    rc = kerr_set(msg, KERR_NOT_FOUND, "meta %s: not set", key);
  } else {
    rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  }
  sqlite3_finalize(st);
  return rc;
}

int ctl_db_meta_set(sqlite3 *conn, const char *key, const void *val,
                    size_t len, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(
      conn, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_blob(st, 2, val, (int)len, SQLITE_STATIC);
  rc = sqlite3_step(st) == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  sqlite3_finalize(st);
  return rc;
}
