#include "ctl_ledger.h"

#include <stdio.h>
#include <string.h>

#include "ctl_clock.h"
#include "ctl_db.h"

#define DAY_S 86400

int64_t ctl_ledger_default_expiry(int64_t earned_at) {
  return ctl_clock_end_of_day(earned_at + 365 * (int64_t)DAY_S);
}

static int step_done(sqlite3 *conn, sqlite3_stmt *st, char *msg) {
  int rc = sqlite3_step(st);
  ctl_db_finish(st);
  if (rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s) {
  if (s)
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, i);
}

static int add_row(sqlite3 *conn, const char *member_id, int64_t delta,
                   const char *reason, const char *reference,
                   const char *idem_key, int64_t at, int64_t *id, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "INSERT INTO ledger(member_id, delta, reason, "
                          "reference, idem_key, created_at) "
                          "VALUES(?, ?, ?, ?, ?, ?)",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, delta);
  sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
  bind_opt(st, 4, reference);
  bind_opt(st, 5, idem_key);
  sqlite3_bind_int64(st, 6, at);
  if ((rc = step_done(conn, st, msg)) != 0) return rc;
  if (id) *id = sqlite3_last_insert_rowid(conn);
  return KERR_OK;
}

int ctl_ledger_earn(sqlite3 *conn, const char *member_id, int64_t amount,
                    const char *reason, const char *reference,
                    const char *idem_key, int64_t at, int64_t expires_at,
                    int64_t *ledger_id, char *msg) {
  sqlite3_stmt *st;
  int64_t id;
  int rc;
  if (amount <= 0) return kerr_set(msg, KERR_INVALID, "earn %lld points",
                                   (long long)amount);
  if ((rc = add_row(conn, member_id, amount, reason, reference, idem_key, at,
                    &id, msg)) != 0)
    return rc;
  if ((rc = ctl_db_prepare(conn,
                           "INSERT INTO lots(member_id, ledger_id, amount, "
                           "remaining, expires_at) VALUES(?, ?, ?, ?, ?)",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, id);
  sqlite3_bind_int64(st, 3, amount);
  sqlite3_bind_int64(st, 4, amount);
  sqlite3_bind_int64(st, 5, expires_at);
  if ((rc = step_done(conn, st, msg)) != 0) return rc;
  if (ledger_id) *ledger_id = id;
  return KERR_OK;
}

int ctl_ledger_sweep(sqlite3 *conn, const char *member_id, int64_t now,
                     char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT id, member_id, remaining FROM lots "
                          "WHERE member_id=? AND expires_at<=? AND remaining>0",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    char ref[40];
    int64_t lot = sqlite3_column_int64(st, 0);
    int64_t left = sqlite3_column_int64(st, 2);
    sqlite3_stmt *up;
    snprintf(ref, sizeof ref, "lot:%lld", (long long)lot);
    if ((rc = add_row(conn, member_id, -left, "expire", ref, NULL, now, NULL,
                      msg)) != 0)
      break;
    if ((rc = ctl_db_prepare(conn, "UPDATE lots SET remaining=0 WHERE id=?",
                             &up, msg)) != 0)
      break;
    sqlite3_bind_int64(up, 1, lot);
    if ((rc = step_done(conn, up, msg)) != 0) break;
  }
  if (rc == SQLITE_DONE) rc = KERR_OK;
  else if (rc > 0) rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  return rc;
}

int ctl_ledger_balance(sqlite3 *conn, const char *member_id, int64_t now,
                       int64_t *out, char *msg) {
  sqlite3_stmt *st;
  /* ledger_sum is SUM(delta) kept by a trigger (schema 2). */
  int rc = ctl_db_prepare(
      conn,
      "SELECT ledger_sum - (SELECT COALESCE(SUM(remaining), 0) FROM lots"
      "    WHERE member_id=?1 AND expires_at<=?2 AND remaining>0)"
      " FROM members WHERE id=?1",
      &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    rc = KERR_OK;
  } else {
    rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  return rc;
}

int ctl_ledger_spend(sqlite3 *conn, const char *member_id, int64_t amount,
                     const char *reason, const char *reference,
                     const char *idem_key, int64_t now, int64_t *ledger_id,
                     char *msg) {
  sqlite3_stmt *st;
  int64_t balance, id, left = amount;
  int rc;

  if (amount <= 0)
    return kerr_set(msg, KERR_INVALID, "spend %lld points", (long long)amount);
  if ((rc = ctl_ledger_sweep(conn, member_id, now, msg)) != 0 ||
      (rc = ctl_ledger_balance(conn, member_id, now, &balance, msg)) != 0)
    return rc;
  if (balance < amount)
    return kerr_set(msg, KERR_DENIED, "balance %lld, need %lld",
                    (long long)balance, (long long)amount);
  if ((rc = add_row(conn, member_id, -amount, reason, reference, idem_key, now,
                    &id, msg)) != 0)
    return rc;
  if ((rc = ctl_db_prepare(conn,
                           "SELECT id, remaining FROM lots WHERE member_id=? "
                           "AND expires_at>? AND remaining>0 "
                           "ORDER BY expires_at, id",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  while (left > 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t lot = sqlite3_column_int64(st, 0);
    int64_t take = sqlite3_column_int64(st, 1);
    sqlite3_stmt *up;
    if (take > left) take = left;
    if ((rc = ctl_db_prepare(conn,
                             "UPDATE lots SET remaining=remaining-?1 WHERE id=?2;",
                             &up, msg)) != 0)
      break;
    sqlite3_bind_int64(up, 1, take);
    sqlite3_bind_int64(up, 2, lot);
    if ((rc = step_done(conn, up, msg)) != 0) break;
    if ((rc = ctl_db_prepare(conn,
                             "INSERT INTO lot_uses(ledger_id, lot_id, amount) "
                             "VALUES(?, ?, ?)",
                             &up, msg)) != 0)
      break;
    sqlite3_bind_int64(up, 1, id);
    sqlite3_bind_int64(up, 2, lot);
    sqlite3_bind_int64(up, 3, take);
    if ((rc = step_done(conn, up, msg)) != 0) break;
    left -= take;
    rc = KERR_OK;
  }
  ctl_db_finish(st);
  if (rc < 0) return rc;
  if (left > 0)
    /* The balance said yes but the lots disagree: a credit without a lot.
     * Refuse rather than let the ledger and the lots drift apart. */
    return kerr_set(msg, KERR_DB, "lots short by %lld for %s", (long long)left,
                    member_id);
  if (ledger_id) *ledger_id = id;
  return KERR_OK;
}

int ctl_ledger_refund(sqlite3 *conn, int64_t spend_id, const char *reason,
                      const char *reference, int64_t now, char *msg) {
  char member[64];
  sqlite3_stmt *st;
  int64_t delta;
  int rc = ctl_db_prepare(conn,
                          "SELECT member_id, delta FROM ledger WHERE id=?",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, spend_id);
  if (sqlite3_step(st) != SQLITE_ROW) {
    ctl_db_finish(st);
    return kerr_set(msg, KERR_NOT_FOUND, "ledger row %lld", (long long)spend_id);
  }
  snprintf(member, sizeof member, "%s",
           (const char *)sqlite3_column_text(st, 0));
  delta = sqlite3_column_int64(st, 1);
  ctl_db_finish(st);
  if (delta >= 0)
    return kerr_set(msg, KERR_INVALID, "ledger row %lld is not a spend",
                    (long long)spend_id);
  if ((rc = add_row(conn, member, -delta, reason, reference, NULL, now, NULL,
                    msg)) != 0)
    return rc;
  if ((rc = ctl_db_prepare(conn,
                           "UPDATE lots SET remaining = remaining + (SELECT "
                           "amount FROM lot_uses u WHERE u.ledger_id=?1 AND "
                           "u.lot_id=lots.id) WHERE id IN (SELECT lot_id FROM "
                           "lot_uses WHERE ledger_id=?1)",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_int64(st, 1, spend_id);
  return step_done(conn, st, msg);
}

int ctl_ledger_tier_points(sqlite3 *conn, const char *member_id, int64_t now,
                           int64_t *out, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT COALESCE(SUM(delta), 0) FROM ledger WHERE "
                          "member_id=? AND reason='earn' AND created_at>?",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now - 365 * (int64_t)DAY_S);
  if (sqlite3_step(st) == SQLITE_ROW) {
    *out = sqlite3_column_int64(st, 0);
    rc = KERR_OK;
  } else {
    rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  return rc;
}

int ctl_ledger_expiring(sqlite3 *conn, const char *member_id, int64_t now,
                        int days, json_t **out, char *msg) {
  sqlite3_stmt *st;
  json_t *arr = json_array(), *last = NULL;
  char last_day[11] = "";
  int rc = ctl_db_prepare(conn,
                          "SELECT expires_at, remaining FROM lots WHERE "
                          "member_id=? AND remaining>0 AND expires_at>? AND "
                          "expires_at<=? ORDER BY expires_at",
                          &st, msg);
  if (rc) {
    json_decref(arr);
    return rc;
  }
  sqlite3_bind_text(st, 1, member_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  sqlite3_bind_int64(st, 3, now + (int64_t)days * DAY_S);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    char day[11];
    int64_t pts = sqlite3_column_int64(st, 1);
    ctl_clock_day(sqlite3_column_int64(st, 0), day);
    if (last && strcmp(day, last_day) == 0) {
      json_object_set_new(
          last, "points",
          json_integer(json_integer_value(json_object_get(last, "points")) +
                       pts));
    } else {
      last = json_pack("{s:s, s:I}", "date", day, "points", (json_int_t)pts);
      json_array_append_new(arr, last);
      memcpy(last_day, day, sizeof day);
    }
  }
  ctl_db_finish(st);
  if (rc != SQLITE_DONE) {
    json_decref(arr);
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  }
  *out = arr;
  return KERR_OK;
}
