#include "ctl_db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prepared statements kept per connection: parsing SQL was a third of a
 * member resolve. Entries are found by the SQL text. */
#define CACHE_N 48

typedef struct {
  sqlite3_stmt *st;
  uint32_t hash;
  int in_use;
} cached;

typedef struct {
  sqlite3 *conn;
  int n;
  cached stmts[CACHE_N];
} slot;

/* Group commit: writers run one after the other on the writer connection,
 * each inside its own savepoint of one shared transaction (a batch). A
 * writer that finishes while others queue for the lock parks until the
 * batch is committed; the last one in (no one queued, or the batch full)
 * commits for all and wakes them. One fsync then covers the whole batch, and
 * nobody answers before the fsync that makes its work durable.
 *
 *   idle --write_begin: BEGIN IMMEDIATE--> batch open
 *   batch open --write_begin (next writer)--> batch open
 *   batch open --write_end, others queued--> park (cond wait)
 *   batch open --write_end, none queued / full: COMMIT, wake all--> idle
 */
#define BATCH_MAX 64

/* A parked writer; lives on its own stack until its batch ends. */
typedef struct waiter {
  struct waiter *next;
  int done, rc;
} waiter;

struct ctl_db {
  pthread_mutex_t pool_lock;
  pthread_cond_t pool_free;
  int npool, nopen, nfree;
  slot *slots;  /* npool readers, then the writer */
  slot **free;  /* stack of the idle readers */
  pthread_mutex_t write_lock;
  pthread_cond_t committed;
  atomic_int queued; /* writers waiting for write_lock */
  int open, joined;  /* batch transaction open; writers in it */
  waiter *parked;    /* writers of the open batch waiting for its end */
};

/* The slots this thread holds (acquire pushes, release pops), so that
 * ctl_db_prepare(conn, ...) finds conn's cache without a pool pointer. */
#define HELD_MAX 4
static _Thread_local slot *held[HELD_MAX];
static _Thread_local int nheld;

static uint32_t fnv1a(const char *s) {
  uint32_t h = 2166136261u;
  while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}

static slot *held_slot(sqlite3 *conn) {
  int i;
  for (i = nheld - 1; i >= 0; i--)
    if (held[i]->conn == conn) return held[i];
  return NULL;
}

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
    /* 1 -> 2: the balance read was a sum over all of a member's ledger rows,
     * growing with every redemption. The running sum is kept beside the
     * member by a trigger in the same transaction as each row, and the
     * ledger is made append-only, which is what makes that sum exact. */
    "ALTER TABLE members ADD COLUMN ledger_sum INTEGER NOT NULL DEFAULT 0;"
    "UPDATE members SET ledger_sum = (SELECT COALESCE(SUM(delta), 0)"
    "  FROM ledger WHERE member_id = members.id);"
    "CREATE TRIGGER ledger_sum AFTER INSERT ON ledger BEGIN"
    "  UPDATE members SET ledger_sum = ledger_sum + NEW.delta"
    "  WHERE id = NEW.member_id; END;"
    "CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN"
    "  SELECT RAISE(ABORT, 'ledger rows never change'); END;"
    "CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN"
    "  SELECT RAISE(ABORT, 'ledger rows are never deleted'); END;"
    /* Tier points read earned deltas of the last year from the index. */
    "DROP INDEX ledger_member;"
    "CREATE INDEX ledger_member ON ledger(member_id, reason, created_at,"
    "  delta);"
    /* Per-member limits join redemptions to their vouchers. */
    "CREATE INDEX vouchers_redemption ON vouchers(redemption_id);"
    /* Balance, sweep, spend and expiring points only look at lots with
     * points left; used-up lots pile up and need not be read. */
    "DROP INDEX lots_member;"
    "CREATE INDEX lots_live ON lots(member_id, expires_at) WHERE remaining>0;",
    /* 2 -> 3: the staff console (ctl_staff): accounts, sessions (only the
     * SHA-256 of the cookie's id), and an append-only audit log. The service
     * desk wants to know which kiosk issued a voucher: the redemption's
     * stored answer names it, so a trigger copies the kiosk id from the
     * idempotency row written in the same transaction. */
    "CREATE TABLE staff(user TEXT PRIMARY KEY,"
    "  role TEXT NOT NULL CHECK(role IN ('desk', 'admin')),"
    "  hash TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);"
    "CREATE TABLE staff_sessions(id_hash TEXT PRIMARY KEY,"
    "  user TEXT NOT NULL REFERENCES staff(user) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
    "CREATE TABLE staff_audit(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    "  user TEXT NOT NULL, action TEXT NOT NULL, target TEXT, detail TEXT);"
    "CREATE TRIGGER staff_audit_no_update BEFORE UPDATE ON staff_audit BEGIN"
    "  SELECT RAISE(ABORT, 'audit rows never change'); END;"
    "CREATE TRIGGER staff_audit_no_delete BEFORE DELETE ON staff_audit BEGIN"
    "  SELECT RAISE(ABORT, 'audit rows are never deleted'); END;"
    "ALTER TABLE redemptions ADD COLUMN kiosk_id TEXT;"
    "CREATE INDEX redemptions_day ON redemptions(day);"
    "CREATE TRIGGER redemption_kiosk AFTER INSERT ON idem"
    "  WHEN NEW.status = 201 AND json_valid(NEW.body) BEGIN"
    "  UPDATE redemptions SET kiosk_id = NEW.kiosk_id"
    "  WHERE id = json_extract(NEW.body, '$.redemption_id'); END;",
    /* 3 -> 4: member engagement (issue 10). Shops with their Ed25519 keys
     * and the shops' sales feed that receipt codes are checked against;
     * one claim per receipt (the primary key is what refuses a second);
     * campaigns; the points lottery's prizes and its append-only audit of
     * every draw with the random value drawn; charities and donations;
     * catalog offers (limited-time prices, flash sales with their own
     * stock); member preferences (leaderboard opt-in, favourite kinds);
     * one birthday gift per member and year. The leaderboard sums a
     * month's credits of all members: a partial index on them. */
    "CREATE TABLE shops(id TEXT PRIMARY KEY, mall TEXT NOT NULL,"
    "  name_zh TEXT NOT NULL, name_en TEXT NOT NULL,"
    "  category TEXT NOT NULL CHECK(category IN ('dining', 'fashion',"
    "  'cinema')), public_key BLOB NOT NULL CHECK(length(public_key) = 32));"
    "CREATE TABLE sales(shop_id TEXT NOT NULL REFERENCES shops(id),"
    "  receipt_no TEXT NOT NULL, amount_cents INTEGER NOT NULL"
    "  CHECK(amount_cents > 0), sold_at INTEGER NOT NULL,"
    "  PRIMARY KEY(shop_id, receipt_no));"
    "CREATE TABLE receipt_claims(shop_id TEXT NOT NULL, receipt_no TEXT NOT NULL,"
    "  member_id TEXT NOT NULL, points INTEGER NOT NULL CHECK(points >= 0),"
    "  ledger_id INTEGER, claimed_at INTEGER NOT NULL,"
    "  PRIMARY KEY(shop_id, receipt_no));"
    "CREATE TABLE campaigns(id TEXT PRIMARY KEY, kind TEXT NOT NULL"
    "  CHECK(kind IN ('double_points', 'event')), category TEXT,"
    "  title_zh TEXT NOT NULL, title_en TEXT NOT NULL, body_zh TEXT NOT NULL,"
    "  body_en TEXT NOT NULL, starts_at INTEGER NOT NULL,"
    "  ends_at INTEGER NOT NULL, CHECK(ends_at > starts_at));"
    "CREATE TABLE lottery_prizes(id TEXT PRIMARY KEY, sort INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind IN ('voucher', 'points', 'thanks')),"
    "  name_zh TEXT NOT NULL, name_en TEXT NOT NULL,"
    "  weight INTEGER NOT NULL CHECK(weight >= 0),"
    "  stock INTEGER CHECK(stock >= 0), points INTEGER NOT NULL DEFAULT 0,"
    "  voucher_days INTEGER NOT NULL DEFAULT 0, pickup_zh TEXT, pickup_en TEXT);"
    "CREATE TABLE lottery_draws(id TEXT PRIMARY KEY, member_id TEXT NOT NULL,"
    "  prize_id TEXT NOT NULL, random INTEGER NOT NULL,"
    "  total_weight INTEGER NOT NULL, cost INTEGER NOT NULL,"
    "  voucher_code TEXT, kiosk_id TEXT, created_at INTEGER NOT NULL);"
    "CREATE INDEX lottery_draws_member ON lottery_draws(member_id, created_at);"
    "CREATE TRIGGER lottery_draws_no_update BEFORE UPDATE ON lottery_draws"
    "  BEGIN SELECT RAISE(ABORT, 'draws never change'); END;"
    "CREATE TRIGGER lottery_draws_no_delete BEFORE DELETE ON lottery_draws"
    "  BEGIN SELECT RAISE(ABORT, 'draws are never deleted'); END;"
    "CREATE TABLE charities(id TEXT PRIMARY KEY, sort INTEGER NOT NULL,"
    "  name_zh TEXT NOT NULL, name_en TEXT NOT NULL, desc_zh TEXT NOT NULL,"
    "  desc_en TEXT NOT NULL, goal_points INTEGER NOT NULL);"
    "CREATE TABLE donations(id TEXT PRIMARY KEY, member_id TEXT NOT NULL,"
    "  charity_id TEXT NOT NULL REFERENCES charities(id),"
    "  points INTEGER NOT NULL CHECK(points > 0), ledger_id INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE INDEX donations_charity ON donations(charity_id);"
    "CREATE TABLE offers(item_id TEXT PRIMARY KEY REFERENCES items(id),"
    "  kind TEXT NOT NULL CHECK(kind IN ('limited', 'flash')),"
    "  offer_points INTEGER NOT NULL CHECK(offer_points >= 0),"
    "  offer_from INTEGER NOT NULL, offer_to INTEGER NOT NULL,"
    "  flash_stock INTEGER CHECK(flash_stock >= 0),"
    "  CHECK(offer_to > offer_from),"
    "  CHECK((kind = 'flash') = (flash_stock IS NOT NULL)));"
    "CREATE TABLE member_prefs(member_id TEXT PRIMARY KEY,"
    "  leaderboard_opt_in INTEGER NOT NULL DEFAULT 0,"
    "  kinds TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE birthday_claims(member_id TEXT NOT NULL, year INTEGER NOT NULL,"
    "  voucher_code TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY(member_id, year));"
    "CREATE INDEX ledger_month ON ledger(created_at) WHERE delta > 0;",
    /* 4 -> 5: offline redemption (issue 4). A kiosk signs provisional
     * vouchers with its own key (kiosks.voucher_key, base64url, or the
     * --kiosk flag); the central registers them under the kiosk's code with
     * the kiosk and its issue time, and keeps a refused one void with the
     * refusal as void_reason (its redemption_id is then ''). */
    "ALTER TABLE kiosks ADD COLUMN voucher_key TEXT;"
    "ALTER TABLE vouchers ADD COLUMN kiosk_id TEXT;"
    "ALTER TABLE vouchers ADD COLUMN issued_at INTEGER;"
    "ALTER TABLE vouchers ADD COLUMN void_reason TEXT;",
    /* 5 -> 6: operations (issues 4 and 11). An admin can disable a staff
     * account without deleting its audit trail (disabled = 1 refuses its
     * logins and ends its sessions). Kiosks report what happened on paper
     * for each voucher: one row per print attempt, keyed by the kiosk's
     * idempotency key, so the desk sees printed / failed / reprinted. */
    "ALTER TABLE staff ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0"
    "  CHECK(disabled IN (0, 1));"
    "CREATE TABLE print_records(id INTEGER PRIMARY KEY,"
    "  kiosk_id TEXT NOT NULL, voucher_code TEXT NOT NULL,"
    "  outcome TEXT NOT NULL CHECK(outcome IN ('printed', 'failed')),"
    "  reprint INTEGER NOT NULL DEFAULT 0 CHECK(reprint IN (0, 1)),"
    "  reason TEXT, printed_at INTEGER NOT NULL, received_at INTEGER NOT NULL);"
    "CREATE INDEX print_records_voucher ON print_records(voucher_code, id);",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(NMIGRATIONS == CTL_DB_SCHEMA_VERSION,
               "CTL_DB_SCHEMA_VERSION names the last migration");

static int run(sqlite3 *conn, const char *sql, char *msg);
static slot *held_slot(sqlite3 *conn);

int ctl_db_exec(sqlite3 *conn, const char *sql, char *msg) {
  char *err = NULL;
  /* One statement on a pooled connection: keep it prepared (BEGIN,
   * SAVEPOINT and the like run on every request). */
  if (!strchr(sql, ';') && held_slot(conn)) return run(conn, sql, msg);
  if (sqlite3_exec(conn, sql, NULL, NULL, &err) != SQLITE_OK) {
    kerr_set(msg, KERR_DB, "sqlite: %s", err ? err : sqlite3_errmsg(conn));
    sqlite3_free(err);
    return KERR_DB;
  }
  return KERR_OK;
}

static int prepare(sqlite3 *conn, const char *sql, unsigned flags,
                   sqlite3_stmt **st, char *msg) {
  if (sqlite3_prepare_v3(conn, sql, -1, flags, st, NULL) != SQLITE_OK)
    return kerr_set(msg, KERR_DB, "sqlite prepare: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}

int ctl_db_prepare(sqlite3 *conn, const char *sql, sqlite3_stmt **st,
                   char *msg) {
  slot *sl = held_slot(conn);
  uint32_t h;
  int i, rc;
  if (!sl) return prepare(conn, sql, 0, st, msg);
  h = fnv1a(sql);
  for (i = 0; i < sl->n; i++) {
    cached *c = &sl->stmts[i];
    if (c->hash == h && !c->in_use && strcmp(sqlite3_sql(c->st), sql) == 0) {
      c->in_use = 1;
      *st = c->st;
      return KERR_OK;
    }
  }
  /* A full cache, or the same SQL twice at once: an uncached statement. */
  if (sl->n == CACHE_N) return prepare(conn, sql, 0, st, msg);
  if ((rc = prepare(conn, sql, SQLITE_PREPARE_PERSISTENT, st, msg)) != 0)
    return rc;
  sl->stmts[sl->n].st = *st;
  sl->stmts[sl->n].hash = h;
  sl->stmts[sl->n].in_use = 1;
  sl->n++;
  return KERR_OK;
}

void ctl_db_finish(sqlite3_stmt *st) {
  slot *sl;
  int i;
  if (!st) return;
  sl = held_slot(sqlite3_db_handle(st));
  for (i = 0; sl && i < sl->n; i++) {
    if (sl->stmts[i].st == st) {
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
      sl->stmts[i].in_use = 0;
      return;
    }
  }
  sqlite3_finalize(st);
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
  ctl_db_finish(st);
  return rc;
}

/* Runs one cached statement without results. */
static int run(sqlite3 *conn, const char *sql, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn, sql, &st, msg);
  if (rc) return rc;
  rc = sqlite3_step(st) == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  return rc;
}

int ctl_db_read_begin(sqlite3 *conn, char *msg) {
  return run(conn, "BEGIN", msg);
}

void ctl_db_read_end(sqlite3 *conn) {
  if (run(conn, "COMMIT", NULL) != 0) run(conn, "ROLLBACK", NULL);
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

static void configure_sqlite(void) {
  /* Memory statistics put a process-wide mutex on every SQLite malloc; the
   * server never reads them. Only possible before SQLite initialises: when
   * the process used SQLite already this fails and changes nothing. */
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int ctl_db_open(const char *path, int nconn, ctl_db **out, char *msg) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  ctl_db *db;
  int i, rc;

  pthread_once(&once, configure_sqlite);

  if (nconn < 1) nconn = 1;
  db = calloc(1, sizeof *db);
  if (!db) return kerr_set(msg, KERR_NOMEM, "out of memory");
  db->slots = calloc((size_t)nconn + 1, sizeof *db->slots);
  db->free = calloc((size_t)nconn, sizeof *db->free);
  if (!db->slots || !db->free) {
    free(db->slots);
    free(db->free);
    free(db);
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  }
  pthread_mutex_init(&db->pool_lock, NULL);
  pthread_cond_init(&db->pool_free, NULL);
  pthread_mutex_init(&db->write_lock, NULL);
  pthread_cond_init(&db->committed, NULL);
  atomic_init(&db->queued, 0);
  db->npool = nconn;
  for (i = 0; i <= nconn; i++) {
    if ((rc = open_one(path, &db->slots[i].conn, msg)) != 0) goto fail;
    db->nopen++;
    if (i == 0 && (rc = migrate(db->slots[0].conn, msg)) != 0) goto fail;
  }
  for (i = 0; i < nconn; i++) db->free[i] = &db->slots[i];
  db->nfree = nconn;
  *out = db;
  return KERR_OK;
fail:
  ctl_db_close(db);
  return rc;
}

void ctl_db_close(ctl_db *db) {
  int i, j;
  if (!db) return;
  /* Forget what this thread still holds of this pool. */
  for (i = j = 0; i < nheld; i++)
    if (held[i] < db->slots || held[i] > db->slots + db->npool)
      held[j++] = held[i];
  nheld = j;
  for (i = 0; i < db->nopen; i++) {
    sqlite3_stmt *st;
    while ((st = sqlite3_next_stmt(db->slots[i].conn, NULL)) != NULL)
      sqlite3_finalize(st);
    sqlite3_close(db->slots[i].conn);
  }
  pthread_mutex_destroy(&db->pool_lock);
  pthread_cond_destroy(&db->pool_free);
  pthread_mutex_destroy(&db->write_lock);
  pthread_cond_destroy(&db->committed);
  free(db->slots);
  free(db->free);
  free(db);
}

sqlite3 *ctl_db_acquire(ctl_db *db) {
  slot *sl;
  pthread_mutex_lock(&db->pool_lock);
  while (db->nfree == 0) pthread_cond_wait(&db->pool_free, &db->pool_lock);
  sl = db->free[--db->nfree];
  pthread_mutex_unlock(&db->pool_lock);
  if (nheld < HELD_MAX) held[nheld++] = sl;
  return sl->conn;
}

void ctl_db_release(ctl_db *db, sqlite3 *conn) {
  slot *sl = NULL;
  int i;
  for (i = nheld - 1; i >= 0; i--) {
    if (held[i]->conn == conn) {
      sl = held[i];
      memmove(&held[i], &held[i + 1], sizeof held[0] * (size_t)(nheld - i - 1));
      nheld--;
      break;
    }
  }
  if (!sl) /* held beyond HELD_MAX deep: find it in the pool */
    for (i = 0; i < db->npool && !sl; i++)
      if (db->slots[i].conn == conn) sl = &db->slots[i];
  /* A statement left mid-step would pin a read snapshot on an idle
   * connection; a forgotten one is harmless once reset. */
  for (i = 0; i < sl->n; i++) {
    if (sl->stmts[i].in_use) {
      sqlite3_reset(sl->stmts[i].st);
      sl->stmts[i].in_use = 0;
    }
  }
  pthread_mutex_lock(&db->pool_lock);
  db->free[db->nfree++] = sl;
  pthread_cond_signal(&db->pool_free);
  pthread_mutex_unlock(&db->pool_lock);
}

static void unhold(slot *sl) {
  if (nheld > 0 && held[nheld - 1] == sl) nheld--;
}

/* Under write_lock: commits the open batch and wakes its parked writers
 * with the outcome. */
static int end_batch(ctl_db *db, sqlite3 *conn, char *msg) {
  int rc = run(conn, "COMMIT", msg);
  waiter *w;
  if (rc) run(conn, "ROLLBACK", NULL);
  for (w = db->parked; w; w = w->next) {
    w->done = 1;
    w->rc = rc;
  }
  db->parked = NULL;
  db->open = 0;
  pthread_cond_broadcast(&db->committed);
  return rc;
}

int ctl_db_write_begin(ctl_db *db, sqlite3 **conn, char *msg) {
  slot *w = &db->slots[db->npool];
  int rc = KERR_OK;
  atomic_fetch_add(&db->queued, 1);
  pthread_mutex_lock(&db->write_lock);
  atomic_fetch_sub(&db->queued, 1);
  if (nheld < HELD_MAX) held[nheld++] = w;
  if (!db->open) {
    if ((rc = run(w->conn, "BEGIN IMMEDIATE", msg)) == 0) {
      db->open = 1;
      db->joined = 0;
    }
  }
  if (rc == 0) rc = run(w->conn, "SAVEPOINT writer", msg);
  if (rc) {
    /* A batch we could not join still ends: empty, it is dropped; with
     * writers parked in it, it is committed for them unless a queued
     * writer will. */
    if (db->open && db->joined == 0) {
      run(w->conn, "ROLLBACK", NULL);
      db->open = 0;
    } else if (db->open && atomic_load(&db->queued) == 0) {
      end_batch(db, w->conn, NULL);
    }
    unhold(w);
    pthread_mutex_unlock(&db->write_lock);
    return rc;
  }
  db->joined++;
  *conn = w->conn;
  return KERR_OK;
}

int ctl_db_write_end(ctl_db *db, sqlite3 *conn, int commit, char *msg) {
  slot *w = &db->slots[db->npool];
  int rc = commit ? run(conn, "RELEASE writer", msg) : KERR_OK, end;
  if (!commit || rc) {
    run(conn, "ROLLBACK TO writer", NULL);
    run(conn, "RELEASE writer", NULL);
  }
  unhold(w);
  /* Even a writer that wrote nothing waits for the commit: what it
   * answered may rest on the batch's uncommitted rows (an idempotent
   * replay, a balance). */
  if (atomic_load(&db->queued) > 0 && db->joined < BATCH_MAX) {
    waiter me = {db->parked, 0, 0};
    db->parked = &me;
    while (!me.done) pthread_cond_wait(&db->committed, &db->write_lock);
    end = me.rc ? kerr_set(msg, KERR_DB, "group commit failed") : KERR_OK;
  } else {
    end = end_batch(db, conn, msg);
  }
  pthread_mutex_unlock(&db->write_lock);
  return rc ? rc : end;
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
  ctl_db_finish(st);
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
  ctl_db_finish(st);
  return rc;
}
