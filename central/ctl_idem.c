#include "ctl_idem.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"

static int key_ok(const char *key) {
  size_t n = key ? strlen(key) : 0, i;
  if (n == 0 || n > 64) return 0;
  for (i = 0; i < n; i++)
    if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e) return 0;
  return 1;
}

static void request_hash(const ctl_req *req, char out[65]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, (const unsigned char *)req->method,
                            strlen(req->method) + 1);
  crypto_hash_sha256_update(&st, (const unsigned char *)req->path_query,
                            strlen(req->path_query) + 1);
  if (req->body_len)
    crypto_hash_sha256_update(&st, (const unsigned char *)req->body,
                              req->body_len);
  crypto_hash_sha256_final(&st, h);
  sodium_bin2hex(out, 65, h, sizeof h);
}

/* 1 = a stored answer was found and put on req, 0 = none, <0 error. */
static int replay(sqlite3 *conn, ctl_req *req, const char *hash, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT request_hash, status, body FROM idem "
                          "WHERE kiosk_id=? AND key=?",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, req->kiosk_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, req->idem_key, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    if (strcmp((const char *)sqlite3_column_text(st, 0), hash) != 0) {
      ctl_req_error(req, 422, "idempotency_mismatch",
                    "this Idempotency-Key was used for another request");
    } else {
      json_t *body = json_loads((const char *)sqlite3_column_text(st, 2), 0,
                                NULL);
      ctl_req_json(req, sqlite3_column_int(st, 1), body);
    }
    rc = 1;
  } else if (rc == SQLITE_DONE) {
    rc = 0;
  } else {
    rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  return rc;
}

static int store(sqlite3 *conn, const ctl_req *req, const char *hash,
                 char *msg) {
  sqlite3_stmt *st;
  char *body = ctl_req_dump(req);
  int rc;
  if (!body) return kerr_set(msg, KERR_NOMEM, "dump reply");
  rc = ctl_db_prepare(conn,
                      "INSERT INTO idem(kiosk_id, key, request_hash, status, "
                      "body, created_at) VALUES(?, ?, ?, ?, ?, ?)",
                      &st, msg);
  if (rc == 0) {
    sqlite3_bind_text(st, 1, req->kiosk_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, req->idem_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, req->status);
    sqlite3_bind_text(st, 5, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, req->now);
    rc = sqlite3_step(st) == SQLITE_DONE
             ? KERR_OK
             : kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
    ctl_db_finish(st);
  }
  free(body);
  return rc;
}

void ctl_idem_run_ctx(const ctl_env *env, ctl_req *req, ctl_idem_work_ctx work,
                      ctl_idem_work_ctx refused, void *ctx) {
  kerr_msg msg;
  char hash[65];
  sqlite3 *conn;
  int rc, commit = 0;

  if (!key_ok(req->idem_key)) {
    ctl_req_error(req, 400, "invalid_request",
                  "an Idempotency-Key header of 1 to 64 characters is "
                  "required");
    return;
  }
  request_hash(req, hash);
  if ((rc = ctl_db_write_begin(env->db, &conn, msg)) != 0) {
    ctl_req_fail(req, msg);
    return;
  }
  rc = replay(conn, req, hash, msg);
  if (rc == 0) rc = ctl_db_exec(conn, "SAVEPOINT work", msg);
  if (rc == 0) {
    rc = work(env, conn, req, ctx, msg);
    if (rc == 0 && req->status >= 400 && req->status < 500) {
      rc = ctl_db_exec(conn, "ROLLBACK TO work", msg);
      if (rc == 0 && refused) rc = refused(env, conn, req, ctx, msg);
    }
    if (rc == 0 && req->status >= 500) rc = KERR_DB;
    if (rc == 0) rc = ctl_db_exec(conn, "RELEASE work", msg);
    if (rc == 0) rc = store(conn, req, hash, msg);
    commit = rc == 0;
  } else if (rc == 1) {
    rc = 0; /* replayed: nothing to write */
  }
  if (ctl_db_write_end(env->db, conn, commit, msg) != 0 && rc == 0) rc = KERR_DB;
  if (rc && req->status < 500) ctl_req_fail(req, msg);
  else if (rc) klog_warn("central", "%s: not stored", req->path_query);
}

static int plain(const ctl_env *env, sqlite3 *conn, ctl_req *req, void *ctx,
                 char *msg) {
  return (*(ctl_idem_work *)ctx)(env, conn, req, msg);
}

void ctl_idem_run(const ctl_env *env, ctl_req *req, ctl_idem_work work) {
  ctl_idem_run_ctx(env, req, plain, NULL, &work);
}
