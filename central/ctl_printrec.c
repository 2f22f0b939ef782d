#include "ctl_printrec.h"

#include <string.h>

#include "ctl_idem.h"

#define CODE_MAX 256  /* as ctl_vouchers' codes */
#define REASON_MAX 64

/* The kiosk the voucher went out through: 0 with kiosk ("" when the central
 * did not record one), KERR_NOT_FOUND for an unknown code, or KERR_DB. */
static int voucher_kiosk(sqlite3 *conn, const char *code, char *kiosk,
                         size_t size, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(
      conn,
      "SELECT COALESCE(v.kiosk_id, r.kiosk_id, d.kiosk_id, '') FROM vouchers v "
      "LEFT JOIN redemptions r ON r.id = v.redemption_id "
      "LEFT JOIN lottery_draws d ON d.id = v.redemption_id "
      "WHERE v.code = ?",
      &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    snprintf(kiosk, size, "%s", (const char *)sqlite3_column_text(st, 0));
    rc = KERR_OK;
  } else if (rc == SQLITE_DONE) {
    rc = KERR_NOT_FOUND;
  } else {
    rc = kerr_set(msg, KERR_DB, "print record: %s", sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  return rc;
}

static int work(const ctl_env *env, sqlite3 *conn, ctl_req *req, char *msg) {
  json_t *body = ctl_req_body_object(req), *j;
  const char *code, *outcome, *reason = NULL;
  int64_t printed_at, id;
  int reprint = 0, rc = 0;
  char kiosk[80];
  sqlite3_stmt *st;
  (void)env;

  if (!body) return 0;
  if (ctl_req_field_str(req, body, "voucher_code", CODE_MAX, &code) ||
      ctl_req_field_str(req, body, "outcome", 16, &outcome) ||
      ctl_req_field_int(req, body, "printed_at", 0, INT64_MAX, &printed_at))
    goto out;
  if (strcmp(outcome, "printed") != 0 && strcmp(outcome, "failed") != 0) {
    ctl_req_error(req, 400, "invalid_request",
                  "field outcome must be printed or failed");
    goto out;
  }
  if ((j = json_object_get(body, "reprint")) && !json_is_null(j)) {
    if (!json_is_boolean(j)) {
      ctl_req_error(req, 400, "invalid_request",
                    "field reprint must be true or false");
      goto out;
    }
    reprint = json_is_true(j);
  }
  if ((j = json_object_get(body, "reason")) && !json_is_null(j) &&
      ctl_req_field_str(req, body, "reason", REASON_MAX, &reason))
    goto out;
  rc = voucher_kiosk(conn, code, kiosk, sizeof kiosk, msg);
  if (rc == KERR_NOT_FOUND) {
    rc = 0;
    ctl_req_error(req, 404, "voucher_not_found", "no voucher with this code");
    goto out;
  }
  if (rc) goto out;
  if (kiosk[0] && strcmp(kiosk, req->kiosk_id) != 0) {
    ctl_req_error(req, 409, "voucher_other_kiosk",
                  "this voucher went out through another kiosk");
    goto out;
  }
  if ((rc = ctl_db_prepare(conn,
                           "INSERT INTO print_records(kiosk_id, voucher_code, "
                           "outcome, reprint, reason, printed_at, received_at) "
                           "VALUES(?, ?, ?, ?, ?, ?, ?)",
                           &st, msg)) != 0)
    goto out;
  sqlite3_bind_text(st, 1, req->kiosk_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, outcome, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 4, reprint);
  if (reason) sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, 5);
  sqlite3_bind_int64(st, 6, printed_at);
  sqlite3_bind_int64(st, 7, req->now);
  rc = sqlite3_step(st) == SQLITE_DONE
           ? 0
           : kerr_set(msg, KERR_DB, "print record: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  if (rc) goto out;
  id = sqlite3_last_insert_rowid(conn);
  ctl_req_json(req, 201,
               json_pack("{s:I, s:s, s:s, s:s, s:b, s:s?, s:I, s:I}", "id",
                         (json_int_t)id, "kiosk_id", req->kiosk_id,
                         "voucher_code", code, "outcome", outcome, "reprint",
                         reprint, "reason", reason, "printed_at",
                         (json_int_t)printed_at, "received_at",
                         (json_int_t)req->now));
out:
  json_decref(body);
  return rc;
}

void ctl_printrec_route(const ctl_env *env, ctl_req *req) {
  ctl_idem_run(env, req, work);
}
