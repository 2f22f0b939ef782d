#include "outbox.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kdb.h"
#include "klog.h"

/* Migration i takes the schema from user_version i to i + 1. Append only:
 * a kiosk in the field may be any number of versions behind. */
static const char *const migrations[] = {
    "CREATE TABLE txn("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " kind INTEGER NOT NULL CHECK(kind BETWEEN 0 AND 4),"
    " member_id TEXT,"
    " idem_key TEXT NOT NULL UNIQUE,"
    " body TEXT NOT NULL CHECK(json_valid(body)),"
    " points INTEGER NOT NULL DEFAULT 0,"
    " created_ms INTEGER NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_ms INTEGER NOT NULL,"
    " state INTEGER NOT NULL DEFAULT 0 CHECK(state BETWEEN 0 AND 4),"
    " last_error TEXT,"
    " answer_status INTEGER,"
    " answer_body TEXT,"
    " done_ms INTEGER);"
    "CREATE INDEX txn_state ON txn(state, id);"
    /* The claim's "no earlier open transaction of this member" probe. */
    "CREATE INDEX txn_member_open ON txn(member_id, id) WHERE state IN (0,1);"
    "CREATE INDEX txn_member_acked ON txn(member_id, done_ms) WHERE state=2;",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

#define TXN_COLS                                                            \
  "id, kind, state, member_id, idem_key, body, points, created_ms, next_ms, " \
  "coalesce(done_ms,0), attempts, coalesce(last_error,''), "                 \
  "coalesce(answer_status,0), answer_body"

/* A member's transaction is a head when no earlier one of the same member is
 * still open: only heads may be claimed. */
#define HEAD_OF_MEMBER                                                        \
  "(t.member_id IS NULL OR NOT EXISTS (SELECT 1 FROM txn e"                \
  " WHERE e.member_id = t.member_id AND e.state IN (0,1) AND e.id < t.id))"

enum {
  S_INSERT, S_CLAIM, S_DUE, S_FINAL, S_RETRY, S_DEAD, S_RECOVER, S_RETRY_ALL,
  S_GET, S_DEPTH, S_COUNTS, S_POINTS, S_PRUNE, S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
    [S_INSERT] = "INSERT INTO txn(kind, member_id, idem_key, body, points,"
                 " created_ms, next_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    [S_CLAIM] = "UPDATE txn SET state=1, attempts=attempts+1 WHERE id ="
                " (SELECT t.id FROM txn t WHERE t.state=0 AND t.next_ms<=?1"
                " AND " HEAD_OF_MEMBER " ORDER BY t.id LIMIT 1)"
                " RETURNING " TXN_COLS,
    [S_DUE] = "SELECT min(t.next_ms) FROM txn t WHERE t.state=0"
              " AND " HEAD_OF_MEMBER,
    [S_FINAL] = "UPDATE txn SET state=?2, answer_status=?3, answer_body=?4,"
                " last_error=?5, done_ms=?6 WHERE id=?1 AND state=1",
    [S_RETRY] = "UPDATE txn SET state=0, next_ms=?2, last_error=?3"
                " WHERE id=?1 AND state=1",
    [S_DEAD] = "UPDATE txn SET state=4, last_error=?2, done_ms=?3"
               " WHERE id=?1 AND state IN (0,1)",
    [S_RECOVER] = "UPDATE txn SET state=0 WHERE state=1",
    [S_RETRY_ALL] = "UPDATE txn SET next_ms=?1 WHERE state=0 AND next_ms>?1",
    [S_GET] = "SELECT " TXN_COLS " FROM txn WHERE id=?1",
    [S_DEPTH] = "SELECT count(*), min(created_ms) FROM txn WHERE state IN (0,1)",
    [S_COUNTS] = "SELECT state, count(*) FROM txn WHERE state>=2 GROUP BY state",
    [S_POINTS] = "SELECT coalesce(sum(points),0) FROM txn WHERE member_id=?1"
                 " AND (state IN (0,1) OR (state=2 AND done_ms>?2))",
    [S_PRUNE] = "DELETE FROM txn WHERE state=2 AND done_ms<?1",
};

struct outbox {
  kdb *k;
  pthread_mutex_t mu;
};

int64_t outbox_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *outbox_kind_name(outbox_kind kind) {
  static const char *const names[] = {"redemption", "parking", "checkin",
                                      "receipt", "print_record"};
  return (unsigned)kind < 5 ? names[kind] : "unknown";
}

const char *outbox_state_name(outbox_state state) {
  static const char *const names[] = {"pending", "sending", "acked",
                                      "rejected", "dead"};
  return (unsigned)state < 5 ? names[state] : "unknown";
}

static const kdb_spec spec = {
    .name = "outbox",
    .log = "outbox",
    .db_file = OUTBOX_FILE,
    /* The lock keeps a second kiosk process off the queue: outbox_recover()
     * is only right when nobody else can be in the middle of sending. */
    .lock_file = "outbox.lock",
    .migrations = migrations,
    .nmigrations = SCHEMA_VERSION,
    .stmts = stmt_sql,
    .nstmts = S_COUNT,
};

int outbox_open(const char *dir, outbox **out, char *msg) {
  *out = NULL;
  if (!dir)
    return kerr_set(msg, KERR_INVALID, "outbox: no state dir");
  if (sodium_init() < 0)
    return kerr_set(msg, KERR_CONFIG, "outbox: sodium_init failed");
  outbox *ob = calloc(1, sizeof *ob);
  if (!ob)
    return kerr_set(msg, KERR_NOMEM, "outbox: out of memory");
  pthread_mutex_init(&ob->mu, NULL);
  int rc = kdb_open(dir, &spec, &ob->k, msg);
  int moved = 0;
  if (!rc)
    rc = outbox_recover(ob, &moved, msg);
  if (rc) {
    outbox_close(ob);
    return rc;
  }
  if (moved)
    klog_info("outbox", "recovered %d transaction(s) left sending", moved);
  *out = ob;
  return KERR_OK;
}

void outbox_close(outbox *ob) {
  if (!ob)
    return;
  kdb_close(ob->k);
  pthread_mutex_destroy(&ob->mu);
  free(ob);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s) {
  if (s && *s)
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

static char *dup_col(sqlite3_stmt *st, int col) {
  const unsigned char *s = sqlite3_column_text(st, col);
  return s ? strdup((const char *)s) : NULL;
}

static void copy_col(sqlite3_stmt *st, int col, char *dst, size_t cap) {
  const unsigned char *s = sqlite3_column_text(st, col);
  snprintf(dst, cap, "%s", s ? (const char *)s : "");
}

static int read_txn(sqlite3_stmt *st, outbox_txn *t) {
  memset(t, 0, sizeof *t);
  t->id = sqlite3_column_int64(st, 0);
  t->kind = (outbox_kind)sqlite3_column_int(st, 1);
  t->state = (outbox_state)sqlite3_column_int(st, 2);
  copy_col(st, 3, t->member_id, sizeof t->member_id);
  copy_col(st, 4, t->key, sizeof t->key);
  t->body = dup_col(st, 5);
  t->points = sqlite3_column_int64(st, 6);
  t->created_ms = sqlite3_column_int64(st, 7);
  t->next_ms = sqlite3_column_int64(st, 8);
  t->done_ms = sqlite3_column_int64(st, 9);
  t->attempts = sqlite3_column_int(st, 10);
  copy_col(st, 11, t->last_error, sizeof t->last_error);
  t->answer_status = (long)sqlite3_column_int64(st, 12);
  t->answer_body = dup_col(st, 13);
  if (!t->body || (!t->answer_body && sqlite3_column_type(st, 13) != SQLITE_NULL)) {
    outbox_txn_free(t);
    return KERR_NOMEM;
  }
  return KERR_OK;
}

void outbox_txn_free(outbox_txn *txn) {
  if (!txn)
    return;
  free(txn->body);
  free(txn->answer_body);
  txn->body = txn->answer_body = NULL;
}

int outbox_enqueue(outbox *ob, outbox_kind kind, const char *member_id,
                   const char *json_body, int64_t points, int64_t *out_id,
                   char *out_key, char *msg) {
  if ((unsigned)kind > OUTBOX_PRINT_RECORD || !json_body)
    return kerr_set(msg, KERR_INVALID, "outbox enqueue: bad kind or no body");
  if (strlen(json_body) >= OUTBOX_BODY_MAX)
    return kerr_set(msg, KERR_INVALID, "outbox enqueue: body over %d bytes",
                    OUTBOX_BODY_MAX);
  if (member_id && strlen(member_id) >= OUTBOX_MEMBER_MAX)
    return kerr_set(msg, KERR_INVALID, "outbox enqueue: member id too long");
  unsigned char raw[16];
  char key[OUTBOX_KEY_LEN + 1];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(key, sizeof key, raw, sizeof raw);

  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_INSERT);
  sqlite3_bind_int(st, 1, (int)kind);
  bind_text_or_null(st, 2, member_id);
  sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, json_body, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 5, points);
  sqlite3_bind_int64(st, 6, outbox_now_ms());
  int rc = sqlite3_step(st);
  int64_t id = sqlite3_last_insert_rowid(kdb_db(ob->k));
  int ret = KERR_OK;
  if (rc == SQLITE_CONSTRAINT_CHECK)
    ret = kerr_set(msg, KERR_INVALID, "outbox enqueue: body is not JSON");
  else if (rc != SQLITE_DONE)
    ret = kdb_err(ob->k, rc, msg, "enqueue");
  sqlite3_reset(st);
  pthread_mutex_unlock(&ob->mu);
  if (ret)
    return ret;
  if (out_id)
    *out_id = id;
  if (out_key)
    memcpy(out_key, key, sizeof key);
  return KERR_OK;
}

int outbox_claim_next(outbox *ob, int64_t now, outbox_txn *txn, char *msg) {
  memset(txn, 0, sizeof *txn);
  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_CLAIM);
  sqlite3_bind_int64(st, 1, now);
  int rc = sqlite3_step(st);
  int ret = KERR_OK;
  if (rc == SQLITE_ROW) {
    ret = read_txn(st, txn);
    /* The UPDATE is done by the first step, but in autocommit mode it
     * commits only when the statement runs to completion. */
    rc = sqlite3_step(st);
    if (ret == KERR_OK && rc != SQLITE_DONE) {
      outbox_txn_free(txn);
      ret = kdb_err(ob->k, rc, msg, "claim");
    } else if (ret) {
      kerr_set(msg, ret, "outbox claim: out of memory");
    }
  } else if (rc == SQLITE_DONE) {
    ret = kerr_set(msg, KERR_NOT_FOUND, "outbox: nothing due");
  } else {
    ret = kdb_err(ob->k, rc, msg, "claim");
  }
  sqlite3_reset(st);
  pthread_mutex_unlock(&ob->mu);
  return ret;
}

int outbox_next_due(outbox *ob, int64_t *when_ms, char *msg) {
  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_DUE);
  int rc = sqlite3_step(st);
  int ret = KERR_OK;
  if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
    *when_ms = sqlite3_column_int64(st, 0);
  else if (rc == SQLITE_ROW)
    ret = kerr_set(msg, KERR_NOT_FOUND, "outbox: nothing pending");
  else
    ret = kdb_err(ob->k, rc, msg, "next_due");
  sqlite3_reset(st);
  pthread_mutex_unlock(&ob->mu);
  return ret;
}

static int not_sending(outbox *ob, int64_t id, char *msg, const char *what) {
  outbox_txn t;
  int rc = outbox_get(ob, id, &t, msg);
  if (rc)
    return rc;
  rc = kerr_set(msg, KERR_INVALID, "outbox %s: txn %lld is %s", what,
                (long long)id, outbox_state_name(t.state));
  outbox_txn_free(&t);
  return rc;
}

static int finish(outbox *ob, int64_t id, outbox_state to, long status,
                  const char *answer_body, const char *reason, char *msg,
                  const char *what) {
  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_FINAL);
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int(st, 2, (int)to);
  sqlite3_bind_int64(st, 3, status);
  bind_text_or_null(st, 4, answer_body);
  bind_text_or_null(st, 5, reason);
  sqlite3_bind_int64(st, 6, outbox_now_ms());
  int changes = 0;
  int rc = kdb_run(ob->k, st, &changes, msg, what);
  pthread_mutex_unlock(&ob->mu);
  if (rc == KERR_OK && changes == 0)
    return not_sending(ob, id, msg, what);
  return rc;
}

int outbox_mark_acked(outbox *ob, int64_t id, long status,
                      const char *answer_body, char *msg) {
  return finish(ob, id, OUTBOX_ACKED, status, answer_body, NULL, msg, "ack");
}

int outbox_mark_rejected(outbox *ob, int64_t id, long status,
                         const char *answer_body, const char *reason,
                         char *msg) {
  return finish(ob, id, OUTBOX_REJECTED, status, answer_body, reason, msg,
                "reject");
}

int outbox_mark_retry(outbox *ob, int64_t id, int64_t next_ms,
                      const char *error, char *msg) {
  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_RETRY);
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, next_ms);
  bind_text_or_null(st, 3, error);
  int changes = 0;
  int rc = kdb_run(ob->k, st, &changes, msg, "retry");
  pthread_mutex_unlock(&ob->mu);
  if (rc == KERR_OK && changes == 0)
    return not_sending(ob, id, msg, "retry");
  return rc;
}

int outbox_mark_dead(outbox *ob, int64_t id, const char *reason, char *msg) {
  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_DEAD);
  sqlite3_bind_int64(st, 1, id);
  bind_text_or_null(st, 2, reason);
  sqlite3_bind_int64(st, 3, outbox_now_ms());
  int changes = 0;
  int rc = kdb_run(ob->k, st, &changes, msg, "dead");
  pthread_mutex_unlock(&ob->mu);
  if (rc == KERR_OK && changes == 0)
    return not_sending(ob, id, msg, "dead");
  return rc;
}

int outbox_recover(outbox *ob, int *count, char *msg) {
  pthread_mutex_lock(&ob->mu);
  int changes = 0;
  int rc =
      kdb_run(ob->k, kdb_stmt(ob->k, S_RECOVER), &changes, msg, "recover");
  pthread_mutex_unlock(&ob->mu);
  if (count)
    *count = changes;
  return rc;
}

int outbox_retry_all(outbox *ob, int64_t now, char *msg) {
  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_RETRY_ALL);
  sqlite3_bind_int64(st, 1, now);
  int rc = kdb_run(ob->k, st, NULL, msg, "retry_all");
  pthread_mutex_unlock(&ob->mu);
  return rc;
}

int outbox_get(outbox *ob, int64_t id, outbox_txn *txn, char *msg) {
  memset(txn, 0, sizeof *txn);
  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_GET);
  sqlite3_bind_int64(st, 1, id);
  int rc = sqlite3_step(st);
  int ret = KERR_OK;
  if (rc == SQLITE_ROW)
    ret = read_txn(st, txn) ? kerr_set(msg, KERR_NOMEM, "outbox get: no memory")
                            : KERR_OK;
  else if (rc == SQLITE_DONE)
    ret = kerr_set(msg, KERR_NOT_FOUND, "outbox: no txn %lld", (long long)id);
  else
    ret = kdb_err(ob->k, rc, msg, "get");
  sqlite3_reset(st);
  pthread_mutex_unlock(&ob->mu);
  return ret;
}

int outbox_stats(outbox *ob, int64_t now, outbox_stats_t *s, char *msg) {
  memset(s, 0, sizeof *s);
  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_DEPTH);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    s->depth = sqlite3_column_int64(st, 0);
    if (s->depth > 0 && now > sqlite3_column_int64(st, 1))
      s->oldest_pending_age_ms = now - sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    st = kdb_stmt(ob->k, S_COUNTS);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      int64_t n = sqlite3_column_int64(st, 1);
      switch (sqlite3_column_int(st, 0)) {
      case OUTBOX_ACKED: s->acked = n; break;
      case OUTBOX_REJECTED: s->rejected = n; break;
      case OUTBOX_DEAD: s->dead = n; break;
      default: break;
      }
    }
  }
  int ret = rc == SQLITE_DONE ? KERR_OK : kdb_err(ob->k, rc, msg, "stats");
  sqlite3_reset(st);
  pthread_mutex_unlock(&ob->mu);
  return ret;
}

int outbox_pending_points_for_member(outbox *ob, const char *member_id,
                                     int64_t code_issued_ms, int64_t *points,
                                     char *msg) {
  *points = 0;
  if (!member_id || !*member_id)
    return kerr_set(msg, KERR_INVALID, "outbox points: no member id");
  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_POINTS);
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, code_issued_ms);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *points = sqlite3_column_int64(st, 0);
  int ret = rc == SQLITE_ROW ? KERR_OK : kdb_err(ob->k, rc, msg, "points");
  sqlite3_reset(st);
  pthread_mutex_unlock(&ob->mu);
  return ret;
}

int outbox_prune(outbox *ob, int64_t before_ms, int *count, char *msg) {
  pthread_mutex_lock(&ob->mu);
  sqlite3_stmt *st = kdb_stmt(ob->k, S_PRUNE);
  sqlite3_bind_int64(st, 1, before_ms);
  int changes = 0;
  int rc = kdb_run(ob->k, st, &changes, msg, "prune");
  pthread_mutex_unlock(&ob->mu);
  if (count)
    *count = changes;
  return rc;
}

int outbox_check(outbox *ob, char *msg) {
  pthread_mutex_lock(&ob->mu);
  int rc = kdb_check(ob->k, msg);
  pthread_mutex_unlock(&ob->mu);
  return rc;
}
