#include "ctl_redeem.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ctl_catalog.h"
#include "ctl_clock.h"
#include "ctl_idem.h"
#include "ctl_ledger.h"
#include "ctl_members.h"
#include "ctl_offers.h"
#include "ctl_vouchers.h"

#define DAY_S 86400
#define CODE_MAX 256

static int redeemed(sqlite3 *conn, const char *member, const char *item,
                    const char *day, int64_t *out, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(
      conn,
      "SELECT COALESCE(SUM(r.quantity), 0) FROM redemptions r JOIN vouchers v "
      "ON v.redemption_id=r.id WHERE r.member_id=?1 AND r.item_id=?2 AND "
      "v.status<>'void' AND (?3 IS NULL OR r.day=?3)",
      &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
  if (day) sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
  rc = sqlite3_step(st) == SQLITE_ROW
           ? 0
           : kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  if (rc == 0) *out = sqlite3_column_int64(st, 0);
  ctl_db_finish(st);
  return rc;
}

/* What the request's offline_voucher turned out to be, for refused(). */
typedef struct {
  int verified; /* signature and fields checked: a refusal records it void */
  char code[CODE_MAX];
  ctl_voucher_fields f;
  int64_t issued_at, quantity;
} offline_ctx;

/* Checks body.offline_voucher {code, issued_at} when present: the kiosk's
 * own signature over a code for this member and item, an expiry ahead, a
 * code not registered before. 0 to go on (ctx->verified says whether there
 * was one), -1 when req holds the 4xx. */
static int offline_voucher(const ctl_env *env, sqlite3 *conn, ctl_req *req,
                           json_t *body, const char *member,
                           const char *item_id, offline_ctx *ctx) {
  json_t *ov = json_object_get(body, "offline_voucher");
  const char *code;
  unsigned char pk[32];
  int64_t issued, exists = 0;
  kerr_msg msg;
  if (!ov) return 0;
  if (!json_is_object(ov))
    return ctl_req_error(req, 400, "invalid_request",
                         "offline_voucher must be an object");
  if (ctl_req_field_str(req, ov, "code", CODE_MAX - 1, &code) ||
      ctl_req_field_int(req, ov, "issued_at", 0, INT64_MAX / 2, &issued))
    return -1;
  if (ctl_vouchers_offline_fields(code, &ctx->f) != 0 ||
      strcmp(ctx->f.member_id, member) != 0 ||
      strcmp(ctx->f.item_id, item_id) != 0)
    return ctl_req_error(req, 422, "invalid_code",
                         "offline_voucher is not an offline voucher code "
                         "for this member and item");
  if (ctl_env_kiosk_voucher_key(env, conn, req->kiosk_id, pk) != 0)
    return ctl_req_error(req, 422, "invalid_code",
                         "kiosk %s has no voucher key at this central",
                         req->kiosk_id);
  if (!ctl_vouchers_check_signed(pk, code))
    return ctl_req_error(req, 422, "invalid_code",
                         "offline_voucher is not signed by kiosk %s",
                         req->kiosk_id);
  if (ctx->f.expires_at <= req->now || ctx->f.expires_at > req->now + 400 * DAY_S)
    return ctl_req_error(req, 422, "invalid_code",
                         "offline_voucher expiry is not within 400 days");
  if (ctl_db_int(conn, "SELECT count(*) FROM vouchers WHERE id=?1 OR code=?2",
                 ctx->f.voucher_id, code, 0, &exists, msg) != 0)
    return ctl_req_fail(req, msg);
  if (exists)
    return ctl_req_error(req, 409, "voucher_exists",
                         "voucher %s is registered already", ctx->f.voucher_id);
  snprintf(ctx->code, sizeof ctx->code, "%s", code);
  ctx->issued_at = issued;
  ctx->verified = 1;
  return 0;
}

/* After a refusal was rolled back: a verified offline voucher is kept void
 * with the refusal's code, and the answer says so. */
static int refused(const ctl_env *env, sqlite3 *conn, ctl_req *req, void *vctx,
                   char *msg) {
  offline_ctx *ctx = vctx;
  json_t *voucher = NULL;
  const char *reason;
  int rc;
  (void)env;
  if (!ctx->verified || !json_is_object(req->json)) return 0;
  reason = json_string_value(json_object_get(req->json, "error"));
  rc = ctl_vouchers_register(conn, ctx->code, &ctx->f, ctx->quantity,
                             req->kiosk_id, ctx->issued_at, "",
                             reason ? reason : "refused", req->now, NULL, NULL,
                             &voucher, msg);
  if (rc == 0) json_object_set_new(req->json, "voucher", voucher);
  return rc;
}

static int work(const ctl_env *env, sqlite3 *conn, ctl_req *req, void *vctx,
                char *msg) {
  offline_ctx *octx = vctx;
  json_t *body = ctl_req_body_object(req), *voucher = NULL;
  const char *member, *item_id;
  const ctl_tier *tier;
  ctl_item item;
  char day[11], rid[20];
  unsigned char rnd[6];
  int64_t qty = 1, price, balance, n, ledger_id;
  int rc, ti;
  sqlite3_stmt *st;

  if (!body) return 0;
  if (ctl_req_field_str(req, body, "member_id", 32, &member) ||
      ctl_req_field_str(req, body, "item_id", 32, &item_id) ||
      (json_object_get(body, "quantity") &&
       ctl_req_field_int(req, body, "quantity", 1, 10, &qty)) ||
      offline_voucher(env, conn, req, body, member, item_id, octx) != 0)
    goto done;
  octx->quantity = qty;
  rc = ctl_members_tier(conn, member, req->now, &tier, msg);
  if (rc == KERR_NOT_FOUND) {
    ctl_req_error(req, 404, "not_found", "no such member");
    goto done;
  }
  if (rc == 0) rc = ctl_catalog_item(conn, item_id, &item, msg);
  if (rc == KERR_NOT_FOUND) {
    ctl_req_error(req, 404, "not_found", "no such item");
    goto done;
  }
  if (rc) goto fail;
  ti = ctl_tiers_index(tier->code);
  ctl_clock_day(req->now, day);
  if (req->now < item.valid_from || req->now > item.valid_to) {
    ctl_req_error(req, 409, "item_unavailable",
                  "the item cannot be redeemed now");
    goto done;
  }
  if (ti < ctl_tiers_index(item.min_tier)) {
    ctl_req_error(req, 403, "tier_required", "the item needs tier %s",
                  item.min_tier);
    goto done;
  }
  if (item.limit_per_day >= 0) {
    if ((rc = redeemed(conn, member, item_id, day, &n, msg)) != 0) goto fail;
    if (n + qty > item.limit_per_day) {
      ctl_req_error(req, 409, "limit_reached", "at most %lld a day",
                    (long long)item.limit_per_day);
      goto done;
    }
  }
  if (item.limit_total >= 0) {
    if ((rc = redeemed(conn, member, item_id, NULL, &n, msg)) != 0) goto fail;
    if (n + qty > item.limit_total) {
      ctl_req_error(req, 409, "limit_reached", "at most %lld per member",
                    (long long)item.limit_total);
      goto done;
    }
  }
  if (item.stock < qty) {
    ctl_req_error(req, 409, "out_of_stock", "%lld left",
                  (long long)item.stock);
    goto done;
  }
  price = item.price[ti] * qty;
  /* A limited-time offer lowers the price; a flash sale also takes its own
   * stock (ctl_offers). */
  if ((rc = ctl_offers_apply(conn, req, item_id, qty, &price, msg)) > 0)
    goto done;
  if (rc) goto fail;
  if ((rc = ctl_ledger_sweep(conn, member, req->now, msg)) != 0 ||
      (rc = ctl_ledger_balance(conn, member, req->now, &balance, msg)) != 0)
    goto fail;
  if (balance < price) {
    ctl_req_error(req, 409, "insufficient_points", "needs %lld, has %lld",
                  (long long)price, (long long)balance);
    goto done;
  }
  randombytes_buf(rnd, sizeof rnd);
  snprintf(rid, sizeof rid, "R%02X%02X%02X%02X%02X%02X", rnd[0], rnd[1],
           rnd[2], rnd[3], rnd[4], rnd[5]);
  ledger_id = 0;
  if (price > 0 &&
      (rc = ctl_ledger_spend(conn, member, price, "redeem", rid, req->idem_key,
                             req->now, &ledger_id, msg)) != 0)
    goto fail;
  if ((rc = ctl_db_prepare(conn,
                           "UPDATE items SET stock=stock-?1 WHERE id=?2 AND "
                           "stock>=?1",
                           &st, msg)) != 0)
    goto fail;
  sqlite3_bind_int64(st, 1, qty);
  sqlite3_bind_text(st, 2, item_id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  ctl_db_finish(st);
  if (rc != SQLITE_DONE || sqlite3_changes(conn) != 1) {
    rc = kerr_set(msg, KERR_DB, "stock update: %s", sqlite3_errmsg(conn));
    goto fail;
  }
  if ((rc = ctl_db_prepare(conn,
                           "INSERT INTO redemptions(id, member_id, item_id, "
                           "quantity, points_charged, ledger_id, day, "
                           "created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                           &st, msg)) != 0)
    goto fail;
  sqlite3_bind_text(st, 1, rid, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, member, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, item_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, qty);
  sqlite3_bind_int64(st, 5, price);
  if (ledger_id) sqlite3_bind_int64(st, 6, ledger_id);
  else sqlite3_bind_null(st, 6);
  sqlite3_bind_text(st, 7, day, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, req->now);
  rc = sqlite3_step(st);
  ctl_db_finish(st);
  if (rc != SQLITE_DONE) {
    rc = kerr_set(msg, KERR_DB, "redemption: %s", sqlite3_errmsg(conn));
    goto fail;
  }
  /* An offline voucher's code is on paper already: the central adopts it
   * (and its expiry) instead of issuing its own. */
  if (octx->verified)
    rc = ctl_vouchers_register(conn, octx->code, &octx->f, qty, req->kiosk_id,
                               octx->issued_at, rid, NULL, req->now,
                               item.pickup_zh, item.pickup_en, &voucher, msg);
  else
    rc = ctl_vouchers_issue(
        env, conn, rid, item_id, member, qty,
        ctl_clock_end_of_day(req->now + item.voucher_days * DAY_S),
        item.pickup_zh, item.pickup_en, &voucher, msg);
  if (rc) goto fail;
  ctl_req_json(req, 201,
               json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o}",
                         "redemption_id", rid, "member_id", member, "item_id",
                         item_id, "quantity", (json_int_t)qty, "points_charged",
                         (json_int_t)price, "points_balance",
                         (json_int_t)(balance - price), "voucher", voucher));
done:
  json_decref(body);
  return 0;
fail:
  json_decref(body);
  return rc;
}

void ctl_redeem_route(const ctl_env *env, ctl_req *req) {
  offline_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  ctl_idem_run_ctx(env, req, work, refused, &ctx);
}
