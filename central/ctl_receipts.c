#include "ctl_receipts.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_campaigns.h"
#include "ctl_engage.h"
#include "ctl_idem.h"
#include "ctl_ledger.h"
#include "ctl_members.h"

#define SIG_B64 86

typedef struct {
  char shop[17], no[33];
  int64_t amount, at;
  size_t signed_len; /* bytes before the last dot */
  unsigned char sig[crypto_sign_BYTES];
} receipt;

static const struct {
  const char *name;
  int64_t tenths;
} rates[] = {{"dining", 10}, {"fashion", 15}, {"cinema", 20}};

void ctl_receipts_demo_keys(const char *shop_id, unsigned char pk[32],
                            unsigned char sk[64]) {
  unsigned char seed[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_state h;
  crypto_hash_sha256_init(&h);
  crypto_hash_sha256_update(&h, (const unsigned char *)"kiosk-demo-shop:", 16);
  crypto_hash_sha256_update(&h, (const unsigned char *)shop_id,
                            strlen(shop_id));
  crypto_hash_sha256_final(&h, seed);
  crypto_sign_seed_keypair(pk, sk, seed);
  sodium_memzero(seed, sizeof seed);
}

static int chars_ok(const char *s, size_t n, size_t max, int dash, int digits) {
  size_t i;
  if (n == 0 || n > max) return 0;
  for (i = 0; i < n; i++) {
    char c = s[i];
    int digit = c >= '0' && c <= '9';
    int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (digits ? !digit : !(digit || alpha || (dash && c == '-'))) return 0;
  }
  return 1;
}

static int64_t number(const char *s, size_t n) {
  int64_t v = 0;
  size_t i;
  if (n == 0 || n > 12 || (n > 1 && s[0] == '0')) return -1;
  for (i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
  return v;
}

/* 0 when code has the KR1 shape; the signature is not checked here. */
static int parse(const char *code, receipt *r) {
  const char *part[6], *p = code;
  size_t len[6], n = strlen(code), sig_len = 0;
  int i;
  if (n > CTL_RECEIPTS_MAX_CODE) return -1;
  for (i = 0; i < 6; i++) {
    const char *dot = strchr(p, '.');
    if ((i < 5) != (dot != NULL)) return -1;
    part[i] = p;
    len[i] = dot ? (size_t)(dot - p) : strlen(p);
    p = dot ? dot + 1 : p;
  }
  if (len[0] != 3 || memcmp(part[0], "KR1", 3) != 0 ||
      !chars_ok(part[1], len[1], 16, 0, 0) ||
      !chars_ok(part[2], len[2], 32, 1, 0) ||
      !chars_ok(part[3], len[3], 12, 0, 1) ||
      !chars_ok(part[4], len[4], 12, 0, 1) || len[5] != SIG_B64)
    return -1;
  memcpy(r->shop, part[1], len[1]);
  r->shop[len[1]] = '\0';
  memcpy(r->no, part[2], len[2]);
  r->no[len[2]] = '\0';
  r->amount = number(part[3], len[3]);
  r->at = number(part[4], len[4]);
  r->signed_len = (size_t)(part[5] - 1 - code);
  if (r->amount <= 0 || r->at < 0) return -1;
  if (sodium_base642bin(r->sig, sizeof r->sig, part[5], SIG_B64, NULL,
                        &sig_len, NULL,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      sig_len != sizeof r->sig)
    return -1;
  return 0;
}

int ctl_receipts_sign(const unsigned char sk[64], const char *shop_id,
                      const char *receipt_no, int64_t amount_cents,
                      int64_t sold_at, char *out, size_t cap) {
  unsigned char sig[crypto_sign_BYTES];
  char head[96];
  receipt check;
  int n = snprintf(head, sizeof head, "KR1.%s.%s.%lld.%lld", shop_id,
                   receipt_no, (long long)amount_cents, (long long)sold_at);
  if (n < 0 || (size_t)n >= sizeof head || (size_t)n + 2 + SIG_B64 > cap)
    return KERR_INVALID;
  crypto_sign_detached(sig, NULL, (const unsigned char *)head, (size_t)n, sk);
  memcpy(out, head, (size_t)n);
  out[n] = '.';
  sodium_bin2base64(out + n + 1, cap - (size_t)n - 1, sig, sizeof sig,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return parse(out, &check) == 0 ? KERR_OK : KERR_INVALID;
}

static int64_t rate_of(const char *category) {
  size_t i;
  for (i = 0; i < sizeof rates / sizeof rates[0]; i++)
    if (strcmp(rates[i].name, category) == 0) return rates[i].tenths;
  return -1;
}

/* A 4xx answer: the work itself succeeded (ctl_idem stores the answer). */
static int refuse(ctl_req *req, int status, const char *code,
                  const char *text) {
  ctl_req_error(req, status, code, "%s", text);
  return 0;
}

int64_t ctl_receipts_points(int64_t amount_cents, const char *category,
                            const char *tier, int64_t campaign_factor) {
  int64_t tenths = ctl_tiers_earn_tenths(tier); /* the tier table's */
  int64_t rate = rate_of(category);
  if (tenths < 0 || rate < 0) return -1;
  /* amounts are below 10^12 cents: the product stays far below 2^63 */
  return amount_cents * rate * tenths * campaign_factor / 10000;
}

typedef struct {
  char mall[33], category[16], name_zh[64], name_en[64];
  unsigned char pk[32];
} shop;

static int load_shop(sqlite3 *conn, const char *id, shop *s, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT mall, category, name_zh, name_en, public_key "
                          "FROM shops WHERE id=?",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 4) == 32) {
    snprintf(s->mall, sizeof s->mall, "%s", sqlite3_column_text(st, 0));
    snprintf(s->category, sizeof s->category, "%s", sqlite3_column_text(st, 1));
    snprintf(s->name_zh, sizeof s->name_zh, "%s", sqlite3_column_text(st, 2));
    snprintf(s->name_en, sizeof s->name_en, "%s", sqlite3_column_text(st, 3));
    memcpy(s->pk, sqlite3_column_blob(st, 4), 32);
    rc = KERR_OK;
  } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
    rc = kerr_set(msg, KERR_NOT_FOUND, "no shop %s", id);
  } else {
    rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  return rc;
}

/* *found = 1 when the feed has this sale with the same amount and time. */
static int in_feed(sqlite3 *conn, const receipt *r, int *found, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT amount_cents, sold_at FROM sales WHERE "
                          "shop_id=? AND receipt_no=?",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, r->shop, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->no, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  *found = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == r->amount &&
           sqlite3_column_int64(st, 1) == r->at;
  ctl_db_finish(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}

static int record(sqlite3 *conn, const receipt *r, const char *member,
                  int64_t points, int64_t ledger_id, int64_t now, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "INSERT INTO receipt_claims(shop_id, receipt_no, "
                          "member_id, points, ledger_id, claimed_at) "
                          "VALUES(?, ?, ?, ?, ?, ?)",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, r->shop, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->no, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, member, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, points);
  if (ledger_id) sqlite3_bind_int64(st, 5, ledger_id);
  else sqlite3_bind_null(st, 5);
  sqlite3_bind_int64(st, 6, now);
  return ctl_engage_done(conn, st, msg);
}

static int claim(const ctl_env *env, sqlite3 *conn, ctl_req *req,
                 const char *member, const char *code, char *msg) {
  const ctl_tier *tier;
  receipt r;
  shop s;
  char ref[64], campaign[40];
  int64_t claimed, factor, points, balance, ledger_id = 0;
  int rc, found;
  (void)env;

  if (parse(code, &r) != 0)
    return refuse(req, 422, "invalid_receipt", "not a receipt code");
  rc = load_shop(conn, r.shop, &s, msg);
  if (rc == KERR_NOT_FOUND ||
      (rc == 0 && crypto_sign_verify_detached(
                      r.sig, (const unsigned char *)code, r.signed_len,
                      s.pk) != 0))
    return refuse(req, 422, "invalid_receipt",
                  "the receipt is not signed by a shop we know");
  if (rc) return rc;
  if (strcmp(s.mall, CTL_ENGAGE_MALL) != 0)
    return refuse(req, 422, "receipt_other_mall",
                  "the receipt is from a shop of another mall");
  if ((rc = in_feed(conn, &r, &found, msg)) != 0) return rc;
  if (!found)
    return refuse(req, 422, "invalid_receipt", "the shop has no such sale");
  if (req->now - r.at > CTL_RECEIPTS_MAX_AGE_S)
    return refuse(req, 422, "receipt_too_old",
                  "receipts can be claimed for 7 days");
  rc = ctl_members_tier(conn, member, req->now, &tier, msg);
  if (rc == KERR_NOT_FOUND)
    return refuse(req, 404, "not_found", "no such member");
  if (rc) return rc;
  snprintf(ref, sizeof ref, "receipt:%s:%s", r.shop, r.no);
  if ((rc = ctl_db_int(conn,
                       "SELECT COUNT(*) FROM receipt_claims WHERE shop_id=? "
                       "AND receipt_no=?",
                       r.shop, r.no, 0, &claimed, msg)) != 0)
    return rc;
  if (claimed)
    return refuse(req, 409, "receipt_claimed",
                  "this receipt was claimed before");
  if ((rc = ctl_campaigns_factor(conn, s.category, req->now, &factor, campaign,
                                 sizeof campaign, msg)) != 0)
    return rc;
  points = ctl_receipts_points(r.amount, s.category, tier->code, factor);
  if (points < 0)
    return kerr_set(msg, KERR_DB, "shop %s: category %s", r.shop, s.category);
  if (points > 0 &&
      (rc = ctl_ledger_earn(conn, member, points, "earn", ref, req->idem_key,
                            req->now, ctl_ledger_default_expiry(req->now),
                            &ledger_id, msg)) != 0)
    return rc;
  if ((rc = record(conn, &r, member, points, ledger_id, req->now, msg)) != 0 ||
      (rc = ctl_ledger_balance(conn, member, req->now, &balance, msg)) != 0)
    return rc;
  ctl_req_json(
      req, 201,
      json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:{s:s, s:o, s:s}, s:I, s:I, "
                "s:I, s:o}",
                "points_awarded", (json_int_t)points, "points_balance",
                (json_int_t)balance, "shop_id", r.shop, "receipt_no", r.no,
                "amount_cents", (json_int_t)r.amount, "sold_at",
                (json_int_t)r.at, "shop", "id", r.shop, "name",
                ctl_engage_text(s.name_zh, s.name_en), "category", s.category,
                "rate_tenths", (json_int_t)rate_of(s.category),
                "tier_multiplier_tenths",
                (json_int_t)tier->earn_tenths,
                "campaign_factor", (json_int_t)factor, "campaign_id",
                campaign[0] ? json_string(campaign) : json_null()));
  return 0;
}

static int work(const ctl_env *env, sqlite3 *conn, ctl_req *req, char *msg) {
  json_t *body = ctl_req_body_object(req);
  const char *member, *code;
  int rc = 0;
  if (!body) return 0;
  if (ctl_req_field_str(req, body, "member_id", 32, &member) == 0 &&
      ctl_req_field_str(req, body, "code", CTL_RECEIPTS_MAX_CODE, &code) == 0)
    rc = claim(env, conn, req, member, code, msg);
  json_decref(body);
  return rc;
}

void ctl_receipts_route_claim(const ctl_env *env, ctl_req *req) {
  ctl_idem_run(env, req, work);
}

void ctl_receipts_route_demo(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  sqlite3 *conn = ctl_db_acquire(env->db);
  sqlite3_stmt *st = NULL;
  json_t *list = json_array();
  int rc = ctl_db_prepare(
      conn,
      "SELECT s.shop_id, s.receipt_no, s.amount_cents, s.sold_at, h.mall, "
      "h.category, h.name_zh, h.name_en FROM sales s JOIN shops h ON "
      "h.id=s.shop_id WHERE NOT EXISTS (SELECT 1 FROM receipt_claims c WHERE "
      "c.shop_id=s.shop_id AND c.receipt_no=s.receipt_no) "
      "ORDER BY s.sold_at DESC, s.shop_id, s.receipt_no",
      &st, msg);
  while (rc == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *id = (const char *)sqlite3_column_text(st, 0);
    const char *no = (const char *)sqlite3_column_text(st, 1);
    int64_t amount = sqlite3_column_int64(st, 2);
    int64_t at = sqlite3_column_int64(st, 3);
    unsigned char pk[32], sk[64];
    char code[CTL_RECEIPTS_MAX_CODE + 1];
    ctl_receipts_demo_keys(id, pk, sk);
    rc = ctl_receipts_sign(sk, id, no, amount, at, code, sizeof code);
    sodium_memzero(sk, sizeof sk);
    if (rc) {
      rc = kerr_set(msg, KERR_INVALID, "demo receipt %s/%s", id, no);
      break;
    }
    json_array_append_new(
        list,
        json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:o}", "code", code,
                  "shop_id", id, "receipt_no", no, "amount_cents",
                  (json_int_t)amount, "sold_at", (json_int_t)at, "mall",
                  (const char *)sqlite3_column_text(st, 4), "category",
                  (const char *)sqlite3_column_text(st, 5), "shop_name",
                  ctl_engage_text((const char *)sqlite3_column_text(st, 6),
                                  (const char *)sqlite3_column_text(st, 7))));
    rc = 0;
  }
  if (rc == SQLITE_DONE) rc = 0;
  else if (rc > 0)
    rc = kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  ctl_db_release(env->db, conn);
  if (rc) {
    json_decref(list);
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200, json_pack("{s:o}", "receipts", list));
}
