#include "ctl_accounts.h"

#include <stdio.h>
#include <string.h>

#include "ctl_staff.h"

#define ACCOUNT_COLUMNS                                                     \
  "SELECT u.user, u.role, u.disabled, u.locked_until, u.created_at, "       \
  "(SELECT COUNT(*) FROM staff_sessions s WHERE s.user=u.user AND "         \
  "s.expires_at>=?1 AND s.last_seen>=?1-?2) FROM staff u "

static json_t *account_json(sqlite3_stmt *st, int64_t now) {
  int disabled = sqlite3_column_int(st, 2) != 0;
  int64_t locked_until = sqlite3_column_int64(st, 3);
  int locked = locked_until > now;
  return json_pack("{s:s, s:s, s:s, s:b, s:o, s:I, s:I}", "user",
                   (const char *)sqlite3_column_text(st, 0), "role",
                   (const char *)sqlite3_column_text(st, 1), "state",
                   disabled ? "disabled" : locked ? "locked" : "active",
                   "disabled", disabled, "locked_until",
                   locked ? json_integer(locked_until) : json_null(),
                   "created_at", (json_int_t)sqlite3_column_int64(st, 4),
                   "sessions", (json_int_t)sqlite3_column_int64(st, 5));
}

/* The accounts (user NULL: all, in user order) as a JSON array in *out. */
static int load(sqlite3 *conn, const char *user, int64_t now, json_t **out,
                char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          user ? ACCOUNT_COLUMNS "WHERE u.user=?3"
                               : ACCOUNT_COLUMNS "ORDER BY u.user",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_int64(st, 2, CTL_STAFF_IDLE_S);
  if (user) sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
  *out = json_array();
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    json_array_append_new(*out, account_json(st, now));
  rc = rc == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "accounts: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  if (rc) {
    json_decref(*out);
    *out = NULL;
  }
  return rc;
}

void ctl_accounts_route_list(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  json_t *list;
  sqlite3 *conn = ctl_db_acquire(env->db);
  int rc = load(conn, NULL, req->now, &list, msg);
  ctl_db_release(env->db, conn);
  if (rc) {
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200, json_pack("{s:o}", "accounts", list));
}

static int run(sqlite3 *conn, const char *sql, const char *user, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn, sql, &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
  rc = sqlite3_step(st) == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "account %s: %s", user,
                      sqlite3_errmsg(conn));
  ctl_db_finish(st);
  return rc;
}

/* In the write transaction: sets the flag, ends the sessions when
 * disabling, audits a change. 0, or answers the 4xx itself and returns 1,
 * or a KERR with msg. */
static int apply(sqlite3 *conn, ctl_req *req, const char *user, int disable,
                 char *msg) {
  int64_t was;
  int rc = ctl_db_int(conn, "SELECT disabled FROM staff WHERE user=?", user,
                      NULL, -1, &was, msg);
  if (rc) return rc;
  if (was < 0) {
    ctl_req_error(req, 404, "not_found", "no such staff account");
    return 1;
  }
  if (disable && strcmp(user, req->staff_user) == 0) {
    ctl_req_error(req, 409, "cannot_disable_self",
                  "an admin cannot disable their own account");
    return 1;
  }
  if (was == disable) return KERR_OK;
  if ((rc = run(conn,
                disable ? "UPDATE staff SET disabled=1 WHERE user=?1"
                        : "UPDATE staff SET disabled=0 WHERE user=?1",
                user, msg)) != 0 ||
      (disable &&
       (rc = run(conn, "DELETE FROM staff_sessions WHERE user=?1", user,
                 msg)) != 0))
    return rc;
  return ctl_staff_audit(conn, req->staff_user, req->now,
                         disable ? "account_disable" : "account_enable", user,
                         NULL, msg);
}

static void change(const ctl_env *env, ctl_req *req, int disable) {
  const char *user = req->seg[3];
  kerr_msg msg = "";
  json_t *list = NULL;
  sqlite3 *conn;
  int rc, end;
  if (strlen(user) > CTL_STAFF_USER_MAX) {
    ctl_req_error(req, 404, "not_found", "no such staff account");
    return;
  }
  if ((rc = ctl_db_write_begin(env->db, &conn, msg)) != 0) {
    ctl_req_fail(req, msg);
    return;
  }
  rc = apply(conn, req, user, disable, msg);
  if (rc == 0) rc = load(conn, user, req->now, &list, msg);
  end = ctl_db_write_end(env->db, conn, rc == 0, rc == 0 ? msg : NULL);
  if (rc == 1) return; /* refused, answered */
  if (rc == 0 && end == 0 && json_array_size(list) == 1) {
    ctl_req_json(req, 200, json_incref(json_array_get(list, 0)));
    json_decref(list);
    return;
  }
  json_decref(list);
  ctl_req_fail(req, msg);
}

void ctl_accounts_route_disable(const ctl_env *env, ctl_req *req) {
  change(env, req, 1);
}

void ctl_accounts_route_enable(const ctl_env *env, ctl_req *req) {
  change(env, req, 0);
}
