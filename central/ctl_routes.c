#include "ctl_routes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_accounts.h"
#include "ctl_birthday.h"
#include "ctl_board.h"
#include "ctl_campaigns.h"
#include "ctl_catalog.h"
#include "ctl_checkin.h"
#include "ctl_console.h"
#include "ctl_demo.h"
#include "ctl_donate.h"
#include "ctl_lottery.h"
#include "ctl_members.h"
#include "ctl_parking.h"
#include "ctl_printrec.h"
#include "ctl_receipts.h"
#include "ctl_recommend.h"
#include "ctl_redeem.h"
#include "ctl_reports.h"
#include "ctl_staff.h"
#include "ctl_stock.h"
#include "ctl_vouchers.h"
#include "ctl_tiers.h"
#include "mcode.h"

static const ctl_route routes[] = {
    {"GET", "/v1/health", ctl_routes_health, 0, 0},
    {"GET", "/v1/kiosk/config", ctl_routes_config, 1, 0},
    {"POST", "/v1/members/resolve", ctl_members_route_resolve, 1, 0},
    {"GET", "/v1/members/*", ctl_members_route_get, 1, 0},
    {"GET", "/v1/catalog", ctl_catalog_route_list, 1, 0},
    {"GET", "/v1/assets/*", ctl_catalog_route_asset, 1, 0},
    {"POST", "/v1/redemptions", ctl_redeem_route, 1, 0},
    {"GET", "/v1/parking/sessions/*", ctl_parking_route_session, 1, 0},
    {"POST", "/v1/parking/coupons", ctl_parking_route_coupon, 1, 0},
    {"POST", "/v1/checkins", ctl_checkin_route, 1, 0},
    {"GET", "/v1/vouchers/*", ctl_vouchers_route_get, 1, 0},
    {"POST", "/v1/vouchers/*/use", ctl_vouchers_route_use, 1, 0},
    {"POST", "/v1/vouchers/*/void", ctl_vouchers_route_void, 1, 0},
    {"POST", "/v1/kiosk/heartbeat", ctl_routes_heartbeat, 1, 0},
    {"POST", "/v1/kiosk/print-records", ctl_printrec_route, 1, 0},
    /* Member engagement (issue 10). */
    {"POST", "/v1/receipts/claims", ctl_receipts_route_claim, 1, 0},
    {"POST", "/v1/birthday/claims", ctl_birthday_route_claim, 1, 0},
    {"GET", "/v1/lottery", ctl_lottery_route_get, 1, 0},
    {"POST", "/v1/lottery/draws", ctl_lottery_route_draw, 1, 0},
    {"GET", "/v1/charities", ctl_donate_route_charities, 1, 0},
    {"POST", "/v1/donations", ctl_donate_route_donate, 1, 0},
    {"GET", "/v1/members/*/recommendations", ctl_recommend_route, 1, 0},
    {"GET", "/v1/leaderboard", ctl_board_route, 1, 0},
    {"GET", "/v1/campaigns", ctl_campaigns_route_list, 1, 0},
    {"GET", "/v1/demo/receipts", ctl_receipts_route_demo, 1, 1},
    {"GET", "/v1/demo/members", ctl_demo_route_members, 1, 1},
    {"GET", "/v1/demo/member-code/*", ctl_demo_route_member_code, 1, 1},
    /* The staff console: static files, then its API (ctl_staff sessions). */
    {"GET", "/console", ctl_console_route_file, CTL_ROUTE_OPEN, 0},
    {"GET", "/console/", ctl_console_route_file, CTL_ROUTE_OPEN, 0},
    {"GET", "/console/*", ctl_console_route_file, CTL_ROUTE_OPEN, 0},
    {"GET", "/console/i18n/*", ctl_console_route_file, CTL_ROUTE_OPEN, 0},
    {"POST", "/v1/staff/login", ctl_staff_route_login, CTL_ROUTE_OPEN, 0},
    {"POST", "/v1/staff/logout", ctl_staff_route_logout, CTL_ROUTE_STAFF, 0},
    {"GET", "/v1/staff/session", ctl_staff_route_session, CTL_ROUTE_STAFF, 0},
    {"GET", "/v1/staff/vouchers/*", ctl_console_route_voucher, CTL_ROUTE_STAFF,
     0},
    {"POST", "/v1/staff/vouchers/*/use", ctl_console_route_use,
     CTL_ROUTE_STAFF, 0},
    {"POST", "/v1/staff/vouchers/*/void", ctl_console_route_void,
     CTL_ROUTE_STAFF, 0},
    {"GET", "/v1/staff/fleet", ctl_console_route_fleet, CTL_ROUTE_STAFF, 0},
    {"GET", "/v1/staff/items", ctl_stock_route_list, CTL_ROUTE_ADMIN, 0},
    {"PATCH", "/v1/staff/items/*", ctl_stock_route_update, CTL_ROUTE_ADMIN, 0},
    {"GET", "/v1/staff/reports", ctl_reports_route, CTL_ROUTE_ADMIN, 0},
    {"GET", "/v1/staff/audit", ctl_staff_route_audit, CTL_ROUTE_ADMIN, 0},
    {"GET", "/v1/staff/accounts", ctl_accounts_route_list, CTL_ROUTE_ADMIN, 0},
    {"POST", "/v1/staff/accounts/*/disable", ctl_accounts_route_disable,
     CTL_ROUTE_ADMIN, 0},
    {"POST", "/v1/staff/accounts/*/enable", ctl_accounts_route_enable,
     CTL_ROUTE_ADMIN, 0},
};

static int matches(const char *pattern, const char *const *seg, int nseg) {
  const char *p = pattern;
  int i = 0;
  while (*p == '/') {
    const char *end = strchr(p + 1, '/');
    size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
    if (i >= nseg) return 0;
    if (!(n == 1 && p[1] == '*')) {
      if (strlen(seg[i]) != n || memcmp(seg[i], p + 1, n) != 0) return 0;
    } else if (seg[i][0] == '\0') {
      return 0;
    }
    i++;
    p += n + 1;
  }
  return i == nseg;
}

const ctl_route *ctl_routes_find(const ctl_env *env, const char *method,
                                 const char *const *seg, int nseg) {
  size_t i;
  for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
    if (routes[i].demo && !env->demo) continue;
    if (strcmp(routes[i].method, method) == 0 &&
        matches(routes[i].pattern, seg, nseg))
      return &routes[i];
  }
  return NULL;
}

void ctl_routes_health(const ctl_env *env, ctl_req *req) {
  (void)env;
  ctl_req_json(req, 200,
               json_pack("{s:s, s:s, s:I}", "status", "ok", "version",
                         KIOSK_VERSION, "time", (json_int_t)req->now));
}

void ctl_routes_config(const ctl_env *env, ctl_req *req) {
  static const mcode_policy policy = MCODE_POLICY_DEFAULT;
  kerr_msg msg;
  int64_t version;
  sqlite3 *conn = ctl_db_acquire(env->db);
  int rc = ctl_db_int(conn,
                      "SELECT CAST(value AS INTEGER) FROM meta "
                      "WHERE key='catalog_version'",
                      NULL, NULL, 1, &version, msg);
  ctl_db_release(env->db, conn);
  if (rc) {
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(
      req, 200,
      json_pack("{s:{s:s, s:s}, s:s, s:I, s:I, s:o, s:I, s:I, s:{s:I, s:I}, "
                "s:I}",
                "mall_name", "zh", "星河购物中心", "en", "Galaxy Mall",
                "member_code_public_key", env->keys.pk_b64,
                "member_code_max_age_s", (json_int_t)policy.max_age_s,
                "member_code_max_future_s", (json_int_t)policy.max_future_s,
                "tiers", ctl_tiers_config_json(), "catalog_version",
                (json_int_t)version, "server_time", (json_int_t)req->now,
                "offline_limits", "max_points_per_redemption",
                (json_int_t)2000, "max_redemptions_per_member_per_day",
                (json_int_t)2, "parking_points_per_hour",
                (json_int_t)env->parking_points_per_hour));
}

static int field_opt_str(ctl_req *req, json_t *body, const char *key,
                         int required) {
  const char *v;
  if (!required && !json_object_get(body, key)) return 0;
  return ctl_req_field_str(req, body, key, 64, &v);
}

static int field_opt_int(ctl_req *req, json_t *body, const char *key,
                         int required) {
  int64_t v;
  if (!required && !json_object_get(body, key)) return 0;
  return ctl_req_field_int(req, body, key, 0, INT32_MAX, &v);
}

void ctl_routes_heartbeat(const ctl_env *env, ctl_req *req) {
  json_t *body = ctl_req_body_object(req);
  kerr_msg msg;
  int64_t version = 1;
  sqlite3 *conn;
  sqlite3_stmt *st;
  char *text;
  int rc;

  if (!body) return;
  if (field_opt_str(req, body, "printer", 1) ||
      field_opt_str(req, body, "paper", 1) ||
      field_opt_int(req, body, "queue_depth", 1) ||
      field_opt_int(req, body, "oldest_pending_age_s", 0) ||
      field_opt_int(req, body, "rejected_offline", 0) ||
      field_opt_str(req, body, "version", 1)) {
    json_decref(body);
    return;
  }
  text = json_dumps(body, JSON_COMPACT);
  json_decref(body);
  if (!text) {
    ctl_req_fail(req, "heartbeat json");
    return;
  }
  if ((rc = ctl_db_write_begin(env->db, &conn, msg)) != 0) {
    free(text);
    ctl_req_fail(req, msg);
    return;
  }
  if ((rc = ctl_db_prepare(conn,
                           "INSERT OR REPLACE INTO heartbeats(kiosk_id, at, "
                           "body) VALUES(?, ?, ?)",
                           &st, msg)) == 0) {
    sqlite3_bind_text(st, 1, req->kiosk_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, req->now);
    sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE
             ? 0
             : kerr_set(msg, KERR_DB, "heartbeat: %s", sqlite3_errmsg(conn));
    ctl_db_finish(st);
  }
  if (rc == 0)
    rc = ctl_db_int(conn,
                    "SELECT CAST(value AS INTEGER) FROM meta "
                    "WHERE key='catalog_version'",
                    NULL, NULL, 1, &version, msg);
  {
    int end = ctl_db_write_end(env->db, conn, rc == 0, msg);
    if (rc == 0) rc = end;
  }
  free(text);
  if (rc) {
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200,
               json_pack("{s:I, s:I}", "server_time", (json_int_t)req->now,
                         "catalog_version", (json_int_t)version));
}
