#include "ctl_vouchers.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_ledger.h"

#define SIG_B64 86
#define CODE_MAX 256

static int sign(const ctl_env *env, const char *body, char *out, size_t cap) {
  unsigned char sig[crypto_sign_BYTES];
  size_t n = strlen(body);
  if (n + 1 + SIG_B64 + 1 > cap) return KERR_INVALID;
  crypto_sign_detached(sig, NULL, (const unsigned char *)body, n, env->keys.sk);
  memcpy(out, body, n);
  out[n] = '.';
  sodium_bin2base64(out + n + 1, cap - n - 1, sig, sizeof sig,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return KERR_OK;
}

int ctl_vouchers_verify(const ctl_env *env, const char *code) {
  return strncmp(code, "KV1.", 4) == 0 &&
         ctl_vouchers_check_signed(env->keys.pk, code);
}

/* Copies the dot-free field at *p (1..cap-1 of [A-Za-z0-9_-]) and moves *p
 * past its dot. */
static int field(const char **p, char *out, size_t cap) {
  const char *s = *p, *dot = strchr(s, '.');
  size_t n = dot ? (size_t)(dot - s) : 0, i;
  if (!dot || n == 0 || n >= cap) return -1;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return -1;
  }
  memcpy(out, s, n);
  out[n] = '\0';
  *p = dot + 1;
  return 0;
}

int ctl_vouchers_offline_fields(const char *code, ctl_voucher_fields *f) {
  const char *p = code + 4;
  char exp[24], *end = NULL;
  size_t i;
  long long e;
  memset(f, 0, sizeof *f);
  if (strlen(code) > CODE_MAX || strncmp(code, "KV1.O", 5) != 0 ||
      field(&p, f->voucher_id, sizeof f->voucher_id) != 0 ||
      strlen(f->voucher_id) != 13 || field(&p, f->item_id, sizeof f->item_id) ||
      field(&p, f->member_id, sizeof f->member_id) ||
      field(&p, exp, sizeof exp) || strlen(p) != SIG_B64)
    return KERR_INVALID;
  for (i = 1; i < 13; i++)
    if (!strchr("0123456789ABCDEF", f->voucher_id[i])) return KERR_INVALID;
  e = strtoll(exp, &end, 10);
  if (*end || e <= 0 || exp[0] == '0') return KERR_INVALID;
  f->expires_at = e;
  return KERR_OK;
}

int ctl_vouchers_check_signed(const unsigned char pk[32], const char *code) {
  unsigned char sig[crypto_sign_BYTES];
  const char *dot = strrchr(code, '.');
  size_t len = 0;
  if (strlen(code) > CODE_MAX || !dot || strlen(dot + 1) != SIG_B64 ||
      sodium_base642bin(sig, sizeof sig, dot + 1, SIG_B64, NULL, &len, NULL,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != sizeof sig)
    return 0;
  return crypto_sign_verify_detached(sig, (const unsigned char *)code,
                                     (size_t)(dot - code), pk) == 0;
}

int ctl_vouchers_check(const ctl_env *env, sqlite3 *conn, const char *code) {
  ctl_voucher_fields f;
  sqlite3_stmt *st;
  char kiosk[72] = "";
  int rc;
  if (ctl_vouchers_verify(env, code)) return KERR_OK;
  if (ctl_vouchers_offline_fields(code, &f) != 0) return KERR_INVALID;
  /* The code names no kiosk: the registered row does. An id nobody
   * registered may still be in a kiosk's queue. */
  if ((rc = ctl_db_prepare(conn,
                           "SELECT code, kiosk_id FROM vouchers WHERE id=?",
                           &st, NULL)) != 0)
    return KERR_DB;
  sqlite3_bind_text(st, 1, f.voucher_id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const char *known = (const char *)sqlite3_column_text(st, 0);
    const char *k = (const char *)sqlite3_column_text(st, 1);
    rc = known && k && strcmp(known, code) == 0 ? KERR_OK : KERR_INVALID;
    if (rc == KERR_OK) snprintf(kiosk, sizeof kiosk, "%s", k);
  } else {
    rc = rc == SQLITE_DONE ? KERR_NOT_FOUND : KERR_DB;
  }
  ctl_db_finish(st);
  if (rc == KERR_OK) {
    unsigned char pk[32];
    if (ctl_env_kiosk_voucher_key(env, conn, kiosk, pk) != 0 ||
        !ctl_vouchers_check_signed(pk, code))
      rc = KERR_INVALID;
  }
  return rc;
}

int ctl_vouchers_register(sqlite3 *conn, const char *code,
                          const ctl_voucher_fields *f, int64_t quantity,
                          const char *kiosk_id, int64_t issued_at,
                          const char *redemption_id, const char *void_reason,
                          int64_t now, const char *pickup_zh,
                          const char *pickup_en, json_t **out, char *msg) {
  sqlite3_stmt *st;
  int rc;
  if ((rc = ctl_db_prepare(conn,
                           "INSERT INTO vouchers(id, code, redemption_id, "
                           "item_id, member_id, quantity, status, expires_at, "
                           "changed_at, kiosk_id, issued_at, void_reason) "
                           "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_text(st, 1, f->voucher_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, redemption_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, f->item_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, f->member_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, quantity);
  sqlite3_bind_text(st, 7, void_reason ? "void" : "issued", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, f->expires_at);
  if (void_reason) sqlite3_bind_int64(st, 9, now);
  else sqlite3_bind_null(st, 9);
  sqlite3_bind_text(st, 10, kiosk_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 11, issued_at);
  if (void_reason) sqlite3_bind_text(st, 12, void_reason, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, 12);
  rc = sqlite3_step(st);
  ctl_db_finish(st);
  if (rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "offline voucher: %s", sqlite3_errmsg(conn));
  if (out)
    *out = void_reason
               ? json_pack("{s:s, s:s, s:s}", "code", code, "status", "void",
                           "void_reason", void_reason)
               : json_pack("{s:s, s:I, s:{s:s, s:s}, s:b}", "code", code,
                           "expires_at", (json_int_t)f->expires_at, "pickup",
                           "zh", pickup_zh, "en", pickup_en, "offline", 1);
  return KERR_OK;
}

int ctl_vouchers_issue(const ctl_env *env, sqlite3 *conn,
                       const char *redemption_id, const char *item_id,
                       const char *member_id, int64_t quantity,
                       int64_t expires_at, const char *pickup_zh,
                       const char *pickup_en, json_t **out, char *msg) {
  unsigned char rnd[6];
  char id[16], body[160], code[CODE_MAX];
  sqlite3_stmt *st;
  int rc;

  randombytes_buf(rnd, sizeof rnd);
  snprintf(id, sizeof id, "V%02X%02X%02X%02X%02X%02X", rnd[0], rnd[1], rnd[2],
           rnd[3], rnd[4], rnd[5]);
  snprintf(body, sizeof body, "KV1.%s.%s.%s.%lld", id, item_id, member_id,
           (long long)expires_at);
  if (sign(env, body, code, sizeof code) != 0)
    return kerr_set(msg, KERR_INVALID, "voucher code too long");
  if ((rc = ctl_db_prepare(conn,
                           "INSERT INTO vouchers(id, code, redemption_id, "
                           "item_id, member_id, quantity, status, expires_at) "
                           "VALUES(?, ?, ?, ?, ?, ?, 'issued', ?)",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, redemption_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, item_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, member_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, quantity);
  sqlite3_bind_int64(st, 7, expires_at);
  rc = sqlite3_step(st);
  ctl_db_finish(st);
  if (rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "voucher: %s", sqlite3_errmsg(conn));
  *out = json_pack("{s:s, s:I, s:{s:s, s:s}}", "code", code, "expires_at",
                   (json_int_t)expires_at, "pickup", "zh", pickup_zh, "en",
                   pickup_en);
  return KERR_OK;
}

typedef struct {
  char id[16], redemption_id[40], item_id[40], member_id[40], status[16];
  int64_t quantity, expires_at, changed_at;
  char kiosk_id[72], void_reason[64]; /* offline vouchers only */
  int64_t issued_at;
} voucher;

static int load(sqlite3 *conn, const char *code, voucher *v, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT id, redemption_id, item_id, member_id, "
                          "status, quantity, expires_at, changed_at, "
                          "kiosk_id, issued_at, void_reason FROM "
                          "vouchers WHERE code=?",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    memset(v, 0, sizeof *v);
    snprintf(v->id, sizeof v->id, "%s", sqlite3_column_text(st, 0));
    snprintf(v->redemption_id, sizeof v->redemption_id, "%s",
             sqlite3_column_text(st, 1));
    snprintf(v->item_id, sizeof v->item_id, "%s", sqlite3_column_text(st, 2));
    snprintf(v->member_id, sizeof v->member_id, "%s",
             sqlite3_column_text(st, 3));
    snprintf(v->status, sizeof v->status, "%s", sqlite3_column_text(st, 4));
    v->quantity = sqlite3_column_int64(st, 5);
    v->expires_at = sqlite3_column_int64(st, 6);
    v->changed_at = sqlite3_column_int64(st, 7);
    if (sqlite3_column_text(st, 8))
      snprintf(v->kiosk_id, sizeof v->kiosk_id, "%s",
               sqlite3_column_text(st, 8));
    v->issued_at = sqlite3_column_int64(st, 9);
    if (sqlite3_column_text(st, 10))
      snprintf(v->void_reason, sizeof v->void_reason, "%s",
               sqlite3_column_text(st, 10));
    rc = KERR_OK;
  } else {
    rc = rc == SQLITE_DONE ? kerr_set(msg, KERR_NOT_FOUND, "no voucher")
                           : kerr_set(msg, KERR_DB, "sqlite: %s",
                                      sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  return rc;
}

static const char *status_at(const voucher *v, int64_t now) {
  if (strcmp(v->status, "issued") == 0 && now > v->expires_at) return "expired";
  return v->status;
}

static json_t *voucher_json(const voucher *v, const char *code, int64_t now) {
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:o}", "code", code,
                   "voucher_id", v->id, "item_id", v->item_id, "member_id",
                   v->member_id, "quantity", (json_int_t)v->quantity, "status",
                   status_at(v, now), "expires_at", (json_int_t)v->expires_at,
                   "changed_at",
                   v->changed_at ? json_integer(v->changed_at) : json_null());
  if (j && v->kiosk_id[0]) {
    json_object_set_new(j, "offline", json_true());
    json_object_set_new(j, "issued_by", json_string(v->kiosk_id));
    json_object_set_new(j, "issued_at", json_integer(v->issued_at));
    json_object_set_new(j, "void_reason", v->void_reason[0]
                                              ? json_string(v->void_reason)
                                              : json_null());
  }
  return j;
}

/* Loads the voucher `code`; answers the 4xx itself. */
static int find(const ctl_env *env, sqlite3 *conn, ctl_req *req,
                const char *code, voucher *v) {
  kerr_msg msg;
  int rc;
  rc = ctl_vouchers_check(env, conn, code);
  if (rc == KERR_INVALID)
    return ctl_req_error(req, 422, "invalid_code",
                         "not a voucher code of this mall");
  if (rc == KERR_DB) return ctl_req_fail(req, "voucher check");
  if (rc == 0) rc = load(conn, code, v, msg);
  if (rc == KERR_NOT_FOUND)
    return ctl_req_error(req, 404, "not_found", "no such voucher");
  if (rc) return ctl_req_fail(req, msg);
  return 0;
}

void ctl_vouchers_route_get(const ctl_env *env, ctl_req *req) {
  voucher v;
  sqlite3 *conn = ctl_db_acquire(env->db);
  if (find(env, conn, req, req->seg[2], &v) == 0)
    ctl_req_json(req, 200, voucher_json(&v, req->seg[2], req->now));
  ctl_db_release(env->db, conn);
}

static int refuse_state(ctl_req *req, const voucher *v) {
  const char *st = status_at(v, req->now);
  char code[24];
  snprintf(code, sizeof code, "voucher_%s", st);
  return ctl_req_error(req, 409, code, "the voucher is %s", st);
}

static int change(sqlite3 *conn, const voucher *v, const char *to, int64_t now,
                  char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "UPDATE vouchers SET status=?, changed_at=? "
                          "WHERE id=? AND status='issued'",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  sqlite3_bind_text(st, 3, v->id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  ctl_db_finish(st);
  if (rc != SQLITE_DONE || sqlite3_changes(conn) != 1)
    return kerr_set(msg, KERR_DB, "voucher %s: %s", v->id,
                    sqlite3_errmsg(conn));
  return KERR_OK;
}

int ctl_vouchers_change(const ctl_env *env, sqlite3 *conn, ctl_req *req,
                        const char *code, int to_void) {
  kerr_msg msg;
  voucher v;
  int64_t ledger_id = 0, charged = 0, balance = 0;
  int rc;
  if (find(env, conn, req, code, &v) != 0) return req->status >= 500 ? -1 : 0;
  /* Expired but unused may still be voided (gift never collected). */
  if (strcmp(v.status, "issued") != 0 ||
      (!to_void && req->now > v.expires_at)) {
    refuse_state(req, &v);
    return 0;
  }
  rc = change(conn, &v, to_void ? "void" : "used", req->now, msg);
  if (rc == 0 && to_void) {
    char ref[64];
    sqlite3_stmt *st;
    rc = ctl_db_prepare(conn,
                        "SELECT ledger_id, points_charged FROM redemptions "
                        "WHERE id=?",
                        &st, msg);
    if (rc == 0) {
      sqlite3_bind_text(st, 1, v.redemption_id, -1, SQLITE_STATIC);
      if (sqlite3_step(st) == SQLITE_ROW) {
        ledger_id = sqlite3_column_int64(st, 0);
        charged = sqlite3_column_int64(st, 1);
      }
      ctl_db_finish(st);
    }
    snprintf(ref, sizeof ref, "void:%s", v.id);
    if (rc == 0 && ledger_id > 0)
      rc = ctl_ledger_refund(conn, ledger_id, "refund", ref, req->now, msg);
    if (rc == 0 && (rc = ctl_db_prepare(conn,
                                        "UPDATE items SET stock=stock+? "
                                        "WHERE id=?",
                                        &st, msg)) == 0) {
      sqlite3_bind_int64(st, 1, v.quantity);
      sqlite3_bind_text(st, 2, v.item_id, -1, SQLITE_STATIC);
      rc = sqlite3_step(st) == SQLITE_DONE
               ? 0
               : kerr_set(msg, KERR_DB, "stock: %s", sqlite3_errmsg(conn));
      ctl_db_finish(st);
    }
  }
  if (rc == 0) rc = ctl_ledger_balance(conn, v.member_id, req->now, &balance, msg);
  if (rc) {
    ctl_req_fail(req, msg);
    return -1;
  }
  snprintf(v.status, sizeof v.status, "%s", to_void ? "void" : "used");
  v.changed_at = req->now;
  {
    json_t *j = voucher_json(&v, code, req->now);
    if (to_void) {
      json_object_set_new(j, "points_refunded", json_integer(charged));
      json_object_set_new(j, "points_balance", json_integer(balance));
    }
    ctl_req_json(req, 200, j);
  }
  return 1;
}

static void transition(const ctl_env *env, ctl_req *req, int to_void) {
  kerr_msg msg;
  sqlite3 *conn;
  int ok;
  if (ctl_db_write_begin(env->db, &conn, msg) != 0) {
    ctl_req_fail(req, msg);
    return;
  }
  ok = ctl_vouchers_change(env, conn, req, req->seg[2], to_void) == 1;
  if (ctl_db_write_end(env->db, conn, ok, msg) != 0 && ok)
    ctl_req_fail(req, msg);
}

void ctl_vouchers_route_use(const ctl_env *env, ctl_req *req) {
  transition(env, req, 0);
}

void ctl_vouchers_route_void(const ctl_env *env, ctl_req *req) {
  transition(env, req, 1);
}
