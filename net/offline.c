#include "offline.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kdb.h"
#include "klog.h"

#define DAY_S 86400

/* Append only: a kiosk in the field may be any number of versions behind. */
static const char *const migrations[] = {
    "CREATE TABLE voucher("
    " code TEXT PRIMARY KEY,"
    " voucher_id TEXT NOT NULL UNIQUE,"
    " member_id TEXT NOT NULL,"
    " item_id TEXT NOT NULL,"
    " quantity INTEGER NOT NULL,"
    " points INTEGER NOT NULL,"
    " day TEXT NOT NULL," /* the kiosk's local day of issue, for rule 5 */
    " issued_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " provisional INTEGER NOT NULL DEFAULT 0,"
    " state INTEGER NOT NULL DEFAULT 0 CHECK(state BETWEEN 0 AND 2),"
    " reason TEXT,"
    " settled_at INTEGER);"
    "CREATE INDEX voucher_member_day ON voucher(member_id, day)"
    " WHERE provisional=1;"
    "CREATE INDEX voucher_void ON voucher(settled_at) WHERE state=2;",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

#define COLS                                                                 \
  "code, voucher_id, member_id, item_id, quantity, points, issued_at, "      \
  "expires_at, coalesce(settled_at,0), provisional, state, coalesce(reason,'')"

enum {
  S_INSERT, S_TODAY, S_MARK, S_SETTLE, S_GET, S_STATS, S_VOIDS, S_DISCARD,
  S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
    [S_INSERT] = "INSERT INTO voucher(code, voucher_id, member_id, item_id,"
                 " quantity, points, day, issued_at, expires_at)"
                 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_TODAY] = "SELECT count(*) FROM voucher WHERE member_id=?1 AND day=?2"
                " AND provisional=1",
    [S_MARK] = "UPDATE voucher SET provisional=1 WHERE code=?1",
    /* Settling is once: a replayed event finds the row final already. */
    [S_SETTLE] = "UPDATE voucher SET state=?2, reason=?3, settled_at=?4"
                 " WHERE code=?1 AND state=0",
    [S_GET] = "SELECT " COLS " FROM voucher WHERE code=?1",
    [S_STATS] = "SELECT coalesce(sum(state=0),0),"
                " coalesce(sum(state=0 AND provisional=1),0),"
                " coalesce(sum(state=1),0), coalesce(sum(state=2),0),"
                " coalesce(sum(state=2 AND provisional=1),0) FROM voucher",
    [S_VOIDS] = "SELECT " COLS " FROM voucher WHERE state=2"
                " ORDER BY settled_at DESC, rowid DESC LIMIT ?1",
    [S_DISCARD] = "DELETE FROM voucher WHERE code=?1 AND state=0"
                  " AND provisional=0",
};

static const kdb_spec spec = {
    .name = "offline vouchers",
    .log = "offline",
    .db_file = OFFLINE_FILE,
    .lock_file = "offline.lock",
    .migrations = migrations,
    .nmigrations = SCHEMA_VERSION,
    .stmts = stmt_sql,
    .nstmts = S_COUNT,
};

struct offline {
  kdb *k;
  pthread_mutex_t mu;
  const kvkey *key;
  outbox *ob;
};

const char *offline_verdict_str(offline_verdict v) {
  switch (v) {
  case OFFLINE_ALLOWED: return "allowed";
  case OFFLINE_MODE_OFF: return "offline redemption is off in the config";
  case OFFLINE_NOT_REDEEMABLE: return "the item is not offline-redeemable";
  case OFFLINE_OVER_CAP: return "over the points cap per offline redemption";
  case OFFLINE_OVER_POINTS: return "the member code's points do not cover it";
  case OFFLINE_DAILY_CAP: return "the member's daily offline cap is reached";
  }
  return "unknown";
}

const char *offline_state_name(offline_state s) {
  static const char *const names[] = {"queued", "confirmed", "void"};
  return (unsigned)s < 3 ? names[s] : "unknown";
}

int offline_open(const char *dir, const kvkey *kiosk_key, outbox *ob,
                 offline **out, char *msg) {
  offline *o;
  int rc;
  *out = NULL;
  if (!dir || !kiosk_key || !ob)
    return kerr_set(msg, KERR_INVALID, "offline: state dir, key and queue "
                                       "are required");
  if (!(o = calloc(1, sizeof *o)))
    return kerr_set(msg, KERR_NOMEM, "offline: out of memory");
  if ((rc = kdb_open(dir, &spec, &o->k, msg)) != 0 ||
      /* The UI thread issues: no fsync there (see the header). */
      (rc = kdb_exec(o->k, "PRAGMA synchronous=NORMAL", msg, "open")) != 0) {
    kdb_close(o->k);
    free(o);
    return rc;
  }
  pthread_mutex_init(&o->mu, NULL);
  o->key = kiosk_key;
  o->ob = ob;
  *out = o;
  return KERR_OK;
}

void offline_close(offline *o) {
  if (!o) return;
  kdb_close(o->k);
  pthread_mutex_destroy(&o->mu);
  free(o);
}

static int get(offline *o, const char *code, offline_entry *out, char *msg);

static int64_t int_or(const json_t *o, const char *key, int64_t fallback) {
  const json_t *j = json_object_get(o, key);
  return json_is_integer(j) ? (int64_t)json_integer_value(j) : fallback;
}

void offline_policy_from_config(const json_t *kiosk_config, int enabled,
                                offline_policy *out) {
  const json_t *lim = json_object_get(kiosk_config, "offline_limits");
  out->enabled = enabled;
  out->max_points =
      int_or(lim, "max_points_per_redemption", OFFLINE_DEFAULT_MAX_POINTS);
  out->max_per_day = (int)int_or(lim, "max_redemptions_per_member_per_day",
                                 OFFLINE_DEFAULT_PER_DAY);
}

/* Member and item ids sit between dots in the code. */
static int id_ok(const char *s, size_t max) {
  size_t n = s ? strlen(s) : 0, i;
  if (n == 0 || n > max) return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return 0;
  }
  return 1;
}

static void local_day(int64_t t, char out[11]) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Rules 1-5; the caller holds the mutex. */
static int check(offline *o, const offline_policy *p, const offline_request *rq,
                 int64_t now, offline_verdict *v, char *msg) {
  int64_t queued = 0, today = 0;
  char day[11];
  sqlite3_stmt *st;
  int rc;
  if (!rq || !rq->member || !id_ok(rq->member->member_id, MCODE_ID_MAX) ||
      !id_ok(rq->item_id, 32) || rq->quantity < 1 || rq->quantity > 10 ||
      rq->points < 0)
    return kerr_set(msg, KERR_INVALID, "offline: bad request");
  if (!p->enabled) return *v = OFFLINE_MODE_OFF, KERR_OK;
  if (!rq->item_offline) return *v = OFFLINE_NOT_REDEEMABLE, KERR_OK;
  if (p->max_points >= 0 && rq->points > p->max_points)
    return *v = OFFLINE_OVER_CAP, KERR_OK;
  if ((rc = outbox_pending_points_for_member(o->ob, rq->member->member_id,
                                             rq->member->issued * 1000,
                                             &queued, msg)) != 0)
    return rc;
  if (rq->member->points - queued < rq->points)
    return *v = OFFLINE_OVER_POINTS, KERR_OK;
  if (p->max_per_day >= 0) {
    local_day(now, day);
    st = kdb_stmt(o->k, S_TODAY);
    sqlite3_bind_text(st, 1, rq->member->member_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return kdb_err(o->k, rc, msg, "daily count");
    today = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (today >= p->max_per_day) return *v = OFFLINE_DAILY_CAP, KERR_OK;
  }
  *v = OFFLINE_ALLOWED;
  return KERR_OK;
}

int offline_check(offline *o, const offline_policy *p,
                  const offline_request *rq, int64_t now,
                  offline_verdict *verdict, char *msg) {
  int rc;
  pthread_mutex_lock(&o->mu);
  rc = check(o, p, rq, now, verdict, msg);
  pthread_mutex_unlock(&o->mu);
  return rc;
}

static char *body_json(const offline_request *rq, const offline_voucher *v) {
  json_t *b = json_pack("{s:s, s:s, s:i, s:{s:s, s:I}}", "member_id",
                        rq->member->member_id, "item_id", rq->item_id,
                        "quantity", rq->quantity, "offline_voucher", "code",
                        v->code, "issued_at", (json_int_t)v->issued_at);
  char *s = b ? json_dumps(b, JSON_COMPACT) : NULL;
  json_decref(b);
  return s;
}

int offline_issue(offline *o, const offline_policy *p,
                  const offline_request *rq, int64_t now,
                  offline_verdict *verdict, offline_voucher *out, char *msg) {
  unsigned char rnd[6];
  char head[160], day[11];
  sqlite3_stmt *st;
  int rc;

  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&o->mu);
  rc = check(o, p, rq, now, verdict, msg);
  if (rc || *verdict != OFFLINE_ALLOWED) goto done;
  out->issued_at = now;
  out->expires_at =
      rq->expires_at > now ? rq->expires_at : now + OFFLINE_VALID_DAYS * DAY_S;
  randombytes_buf(rnd, sizeof rnd);
  snprintf(out->voucher_id, sizeof out->voucher_id,
           "O%02X%02X%02X%02X%02X%02X", rnd[0], rnd[1], rnd[2], rnd[3],
           rnd[4], rnd[5]);
  snprintf(head, sizeof head, "KV1.%s.%s.%s.%lld", out->voucher_id,
           rq->item_id, rq->member->member_id, (long long)out->expires_at);
  if (kvkey_sign(o->key, head, out->code, sizeof out->code) != 0) {
    rc = kerr_set(msg, KERR_INVALID, "offline: voucher code too long");
    goto done;
  }
  if (!(out->body = body_json(rq, out))) {
    rc = kerr_set(msg, KERR_NOMEM, "offline: out of memory");
    goto done;
  }
  local_day(now, day);
  st = kdb_stmt(o->k, S_INSERT);
  sqlite3_bind_text(st, 1, out->code, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, out->voucher_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, rq->member->member_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, rq->item_id, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, rq->quantity);
  sqlite3_bind_int64(st, 6, rq->points);
  sqlite3_bind_text(st, 7, day, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, out->issued_at);
  sqlite3_bind_int64(st, 9, out->expires_at);
  rc = kdb_run(o->k, st, NULL, msg, "issue");
done:
  pthread_mutex_unlock(&o->mu);
  if (rc) offline_voucher_free(out);
  return rc;
}

void offline_voucher_free(offline_voucher *v) {
  if (!v) return;
  free(v->body);
  v->body = NULL;
}

int offline_discard(offline *o, const char *code, char *msg) {
  offline_entry e;
  int changes = 0, rc;
  pthread_mutex_lock(&o->mu);
  sqlite3_stmt *st = kdb_stmt(o->k, S_DISCARD);
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  rc = kdb_run(o->k, st, &changes, msg, "discard");
  if (rc == 0 && changes == 0) {
    rc = get(o, code, &e, msg);
    if (rc == 0)
      rc = e.state == OFFLINE_QUEUED
               ? kerr_set(msg, KERR_INVALID, "offline: voucher %s was printed",
                          e.voucher_id)
               : kerr_set(msg, KERR_NOT_FOUND, "offline: voucher %s is %s",
                          e.voucher_id, offline_state_name(e.state));
  }
  pthread_mutex_unlock(&o->mu);
  return rc;
}

int offline_mark_provisional(offline *o, const char *code, char *msg) {
  int changes = 0, rc;
  pthread_mutex_lock(&o->mu);
  sqlite3_stmt *st = kdb_stmt(o->k, S_MARK);
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  rc = kdb_run(o->k, st, &changes, msg, "mark provisional");
  pthread_mutex_unlock(&o->mu);
  if (rc == 0 && changes == 0)
    rc = kerr_set(msg, KERR_NOT_FOUND, "offline: no voucher %.40s...", code);
  return rc;
}

static void copy(char *dst, size_t cap, const unsigned char *src) {
  snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

static void row(sqlite3_stmt *st, offline_entry *e) {
  memset(e, 0, sizeof *e);
  copy(e->code, sizeof e->code, sqlite3_column_text(st, 0));
  copy(e->voucher_id, sizeof e->voucher_id, sqlite3_column_text(st, 1));
  copy(e->member_id, sizeof e->member_id, sqlite3_column_text(st, 2));
  copy(e->item_id, sizeof e->item_id, sqlite3_column_text(st, 3));
  e->quantity = sqlite3_column_int(st, 4);
  e->points = sqlite3_column_int64(st, 5);
  e->issued_at = sqlite3_column_int64(st, 6);
  e->expires_at = sqlite3_column_int64(st, 7);
  e->settled_at = sqlite3_column_int64(st, 8);
  e->provisional = sqlite3_column_int(st, 9);
  e->state = (offline_state)sqlite3_column_int(st, 10);
  copy(e->reason, sizeof e->reason, sqlite3_column_text(st, 11));
}

static int get(offline *o, const char *code, offline_entry *out, char *msg) {
  sqlite3_stmt *st = kdb_stmt(o->k, S_GET);
  int rc;
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    row(st, out);
    rc = KERR_OK;
  } else if (rc == SQLITE_DONE) {
    rc = kerr_set(msg, KERR_NOT_FOUND, "offline: no voucher %.40s...", code);
  } else {
    rc = kdb_err(o->k, rc, msg, "get");
  }
  sqlite3_reset(st);
  return rc;
}

int offline_get(offline *o, const char *code, offline_entry *out, char *msg) {
  int rc;
  pthread_mutex_lock(&o->mu);
  rc = get(o, code, out, msg);
  pthread_mutex_unlock(&o->mu);
  return rc;
}

const char *offline_body_code(const json_t *body) {
  return json_string_value(
      json_object_get(json_object_get(body, "offline_voucher"), "code"));
}

int offline_settle(offline *o, const sync_event *ev, offline_entry *out,
                   char *msg) {
  offline_entry e;
  outbox_txn t;
  char code[OFFLINE_CODE_MAX] = "", reason[64] = "";
  const char *c;
  sqlite3_stmt *st;
  int rc, state, changed = 0;

  if (!ev || ev->kind != OUTBOX_REDEMPTION ||
      (ev->type != SYNC_ACKED && ev->type != SYNC_REJECTED &&
       ev->type != SYNC_DEAD))
    return kerr_set(msg, KERR_NOT_FOUND, "offline: not a final redemption");
  /* The queued body is the truth; the answer may lack the code (a 5xx
   * turned final, an answer from an older central). */
  memset(&t, 0, sizeof t);
  if ((rc = outbox_get(o->ob, ev->txn_id, &t, msg)) != 0) return rc;
  {
    json_t *b = json_loads(t.body, 0, NULL);
    if ((c = offline_body_code(b)) != NULL) snprintf(code, sizeof code, "%s", c);
    json_decref(b);
  }
  outbox_txn_free(&t);
  if (!code[0])
    return kerr_set(msg, KERR_NOT_FOUND, "offline: txn %lld carried no "
                    "offline voucher", (long long)ev->txn_id);
  if (ev->type == SYNC_ACKED) {
    state = OFFLINE_CONFIRMED;
  } else {
    state = OFFLINE_VOID;
    snprintf(reason, sizeof reason, "%s",
             ev->type == SYNC_DEAD ? "not_delivered"
             : ev->error_code[0]   ? ev->error_code
                                   : "rejected");
  }
  pthread_mutex_lock(&o->mu);
  st = kdb_stmt(o->k, S_SETTLE);
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, state);
  if (reason[0]) sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
  rc = kdb_run(o->k, st, &changed, msg, "settle");
  if (rc == 0) rc = get(o, code, &e, msg);
  pthread_mutex_unlock(&o->mu);
  if (rc) return rc;
  if (changed && e.state == OFFLINE_VOID)
    klog_warn("offline", "voucher %s void at the central: %s%s", e.voucher_id,
              e.reason, e.provisional ? " (a member holds it as 待确认)" : "");
  if (out) *out = e;
  return KERR_OK;
}

int offline_stats(offline *o, offline_stats_t *s, char *msg) {
  int rc;
  memset(s, 0, sizeof *s);
  pthread_mutex_lock(&o->mu);
  sqlite3_stmt *st = kdb_stmt(o->k, S_STATS);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    s->queued = sqlite3_column_int64(st, 0);
    s->provisional = sqlite3_column_int64(st, 1);
    s->confirmed = sqlite3_column_int64(st, 2);
    s->voided = sqlite3_column_int64(st, 3);
    s->voided_provisional = sqlite3_column_int64(st, 4);
    rc = KERR_OK;
  } else {
    rc = kdb_err(o->k, rc, msg, "stats");
  }
  sqlite3_reset(st);
  pthread_mutex_unlock(&o->mu);
  return rc;
}

int offline_list_void(offline *o, offline_entry *out, int cap, int *n,
                      char *msg) {
  int rc = KERR_OK;
  *n = 0;
  if (cap <= 0) return KERR_OK;
  pthread_mutex_lock(&o->mu);
  sqlite3_stmt *st = kdb_stmt(o->k, S_VOIDS);
  sqlite3_bind_int(st, 1, cap);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st, &out[(*n)++]);
  rc = rc == SQLITE_DONE ? KERR_OK : kdb_err(o->k, rc, msg, "list");
  sqlite3_reset(st);
  pthread_mutex_unlock(&o->mu);
  return rc;
}
