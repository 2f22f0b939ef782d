#include "ctl_members.h"

#include <string.h>

#include "ctl_birthday.h"
#include "ctl_clock.h"
#include "ctl_codeuse.h"
#include "ctl_ledger.h"
#include "ctl_streak.h"
#include "klog.h"
#include "mask.h"
#include "mcode.h"

#define DAY_S 86400

int ctl_members_tier(sqlite3 *conn, const char *id, int64_t now,
                     const ctl_tier **out, char *msg) {
  int64_t exists, tp;
  int rc = ctl_db_int(conn, "SELECT 1 FROM members WHERE id=?", id, NULL, 0,
                      &exists, msg);
  if (rc) return rc;
  if (!exists) return kerr_set(msg, KERR_NOT_FOUND, "no member %s", id);
  if ((rc = ctl_ledger_tier_points(conn, id, now, &tp, msg)) != 0) return rc;
  *out = ctl_tiers_for_points(tp);
  return KERR_OK;
}

int ctl_members_checkin_state(sqlite3 *conn, const char *id, int64_t now,
                              int64_t *streak, int *today, char *msg) {
  char day[11], yday[11];
  int64_t s;
  int rc;
  ctl_clock_day(now, day);
  ctl_clock_day(now - DAY_S, yday);
  if ((rc = ctl_db_int(conn,
                       "SELECT streak FROM checkins WHERE member_id=? AND day=?",
                       id, day, -1, &s, msg)) != 0)
    return rc;
  if (s >= 0) {
    *streak = s;
    *today = 1;
    return KERR_OK;
  }
  *today = 0;
  return ctl_db_int(conn,
                    "SELECT streak FROM checkins WHERE member_id=? AND day=?",
                    id, yday, 0, streak, msg);
}

int ctl_members_profile(sqlite3 *conn, const char *id, int64_t now,
                        json_t **out, char *msg) {
  sqlite3_stmt *st;
  char name_masked[128], phone_masked[64];
  int64_t points, tier_points, streak;
  int birth_month, today, rc, ti, gift = 0;
  const ctl_tier *tier, *next;
  json_t *expiring = NULL, *next_json;

  if ((rc = ctl_db_prepare(conn,
                           "SELECT name, phone, birth_month FROM members "
                           "WHERE id=?",
                           &st, msg)) != 0)
    return rc;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    ctl_db_finish(st);
    if (rc == SQLITE_DONE)
      return kerr_set(msg, KERR_NOT_FOUND, "no member %s", id);
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  }
  mask_name((const char *)sqlite3_column_text(st, 0), name_masked,
            sizeof name_masked);
  mask_phone((const char *)sqlite3_column_text(st, 1), phone_masked,
             sizeof phone_masked);
  birth_month = sqlite3_column_int(st, 2);
  ctl_db_finish(st);

  if ((rc = ctl_ledger_balance(conn, id, now, &points, msg)) != 0 ||
      (rc = ctl_ledger_tier_points(conn, id, now, &tier_points, msg)) != 0 ||
      (rc = ctl_ledger_expiring(conn, id, now, 90, &expiring, msg)) != 0 ||
      (rc = ctl_members_checkin_state(conn, id, now, &streak, &today, msg)) !=
          0) {
    json_decref(expiring);
    return rc;
  }
  tier = ctl_tiers_for_points(tier_points);
  ti = ctl_tiers_index(tier->code);
  next = ctl_tiers_at(ti + 1);
  if (next) {
    next_json = ctl_tiers_ref_json(next);
    json_object_set_new(next_json, "threshold", json_integer(next->threshold));
    json_object_set_new(next_json, "missing",
                        json_integer(next->threshold - tier_points));
  } else {
    next_json = json_null();
  }
  *out = json_pack(
      "{s:s, s:s, s:s, s:o, s:I, s:I, s:o, s:o, s:o, s:b, s:{s:I, s:b}}", "id",
      id, "name_masked", name_masked, "phone_masked", phone_masked, "tier",
      ctl_tiers_ref_json(tier), "points", (json_int_t)points, "tier_points",
      (json_int_t)tier_points, "next_tier", next_json, "expiring", expiring,
      "benefits", ctl_tiers_benefits_json(tier), "birthday_this_month",
      birth_month == ctl_clock_month(now), "checkin", "streak",
      (json_int_t)streak, "today", today);
  if (!*out) return kerr_set(msg, KERR_NOMEM, "profile json");
  /* Engagement (issue 10): the streak calendar and bonus, the birthday
   * gift. */
  if ((rc = ctl_streak_describe(conn, id, now, streak,
                                json_object_get(*out, "checkin"), msg)) != 0 ||
      (rc = ctl_birthday_claimed(conn, id, now, &gift, msg)) != 0) {
    json_decref(*out);
    *out = NULL;
    return rc;
  }
  json_object_set_new(*out, "birthday_gift_claimed", json_boolean(gift));
  return KERR_OK;
}

static void reply_profile(const ctl_env *env, ctl_req *req, const char *id) {
  kerr_msg msg;
  json_t *profile = NULL;
  sqlite3 *conn = ctl_db_acquire(env->db);
  int rc = ctl_db_read_begin(conn, msg);
  if (rc == 0) {
    rc = ctl_members_profile(conn, id, req->now, &profile, msg);
    ctl_db_read_end(conn);
  }
  ctl_db_release(env->db, conn);
  if (rc == KERR_NOT_FOUND)
    ctl_req_error(req, 404, "not_found", "no such member");
  else if (rc)
    ctl_req_fail(req, msg);
  else
    ctl_req_json(req, 200, profile);
}

void ctl_members_route_resolve(const ctl_env *env, ctl_req *req) {
  static const mcode_policy policy = MCODE_POLICY_DEFAULT;
  json_t *body = ctl_req_body_object(req), *code;
  mcode_claims claims;
  mcode_status st;
  const char *text;

  if (!body) return;
  code = json_object_get(body, "code");
  if (!json_is_string(code) || json_string_length(code) == 0) {
    ctl_req_error(req, 400, "invalid_request",
                  "field code must be a non-empty string");
    json_decref(body);
    return;
  }
  text = json_string_value(code);
  st = mcode_verify(text, json_string_length(code), env->keys.pk, req->now,
                    &policy, &claims);
  if (st != MCODE_OK) json_decref(body);
  switch (st) {
  case MCODE_OK:
    /* One code, one kiosk (ctl_codeuse.h): another kiosk showing the same
     * code within its validity is a replay (a photo of a member's screen). */
    switch (ctl_codeuse_claim(text, json_string_length(code), req->kiosk_id,
                              claims.issued + policy.max_age_s, req->now)) {
    case CTL_CODEUSE_OTHER_KIOSK:
      json_decref(body);
      klog_warn("central", "member code already used at another kiosk");
      ctl_req_error(req, 409, "code_used",
                    "code already used at another kiosk");
      return;
    case CTL_CODEUSE_FIRST_EVICTED:
      klog_warn("central", "code use table full: a still valid code dropped");
      break;
    default:
      break;
    }
    json_decref(body);
    reply_profile(env, req, claims.member_id);
    return;
  case MCODE_EXPIRED:
  case MCODE_FROM_FUTURE:
    ctl_req_error(req, 422, "expired_code", "%s", mcode_status_str(st));
    return;
  default:
    ctl_req_error(req, 422, "invalid_code", "%s", mcode_status_str(st));
    return;
  }
}

void ctl_members_route_get(const ctl_env *env, ctl_req *req) {
  reply_profile(env, req, req->seg[2]);
}
