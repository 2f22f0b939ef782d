#include "ctl_birthday.h"

#include <stdio.h>
#include <time.h>

#include "ctl_clock.h"
#include "ctl_engage.h"
#include "ctl_idem.h"
#include "ctl_vouchers.h"

#define DAY_S 86400
#define GIFT_ZH "生日礼盒"
#define GIFT_EN "Birthday gift box"
#define DESK_ZH "一楼服务台"
#define DESK_EN "Service desk, 1F"

static int year_of(int64_t t) {
  struct tm tm;
  time_t tt = (time_t)t;
  localtime_r(&tt, &tm);
  return tm.tm_year + 1900;
}

int ctl_birthday_claimed(sqlite3 *conn, const char *member_id, int64_t now,
                         int *claimed, char *msg) {
  char year[12];
  int64_t n;
  int rc;
  snprintf(year, sizeof year, "%d", year_of(now));
  rc = ctl_db_int(conn,
                  "SELECT COUNT(*) FROM birthday_claims WHERE member_id=? AND "
                  "year=CAST(? AS INTEGER)",
                  member_id, year, 0, &n, msg);
  if (rc == 0) *claimed = n > 0;
  return rc;
}

static int work(const ctl_env *env, sqlite3 *conn, ctl_req *req, char *msg) {
  json_t *body = ctl_req_body_object(req), *voucher = NULL;
  const char *member;
  char id[24];
  int64_t month;
  int claimed, rc = 0;
  sqlite3_stmt *st;

  if (!body) return 0;
  if (ctl_req_field_str(req, body, "member_id", 32, &member)) goto out;
  rc = ctl_db_int(conn, "SELECT birth_month FROM members WHERE id=?", member,
                  NULL, 0, &month, msg);
  if (rc) goto out;
  if (month == 0) {
    ctl_req_error(req, 404, "not_found", "no such member");
    goto out;
  }
  if (month != ctl_clock_month(req->now)) {
    ctl_req_error(req, 409, "not_birthday_month",
                  "the birthday gift can be claimed in the birthday month");
    goto out;
  }
  if ((rc = ctl_birthday_claimed(conn, member, req->now, &claimed, msg)) != 0)
    goto out;
  if (claimed) {
    ctl_req_error(req, 409, "birthday_claimed",
                  "this year's birthday gift was claimed before");
    goto out;
  }
  ctl_engage_id('B', id);
  if ((rc = ctl_vouchers_issue(env, conn, id, CTL_BIRTHDAY_ITEM, member, 1,
                               ctl_clock_end_of_day(req->now + 30 * DAY_S),
                               DESK_ZH, DESK_EN, &voucher, msg)) != 0)
    goto out;
  if ((rc = ctl_db_prepare(conn,
                           "INSERT INTO birthday_claims(member_id, year, "
                           "voucher_code, created_at) VALUES(?, ?, ?, ?)",
                           &st, msg)) != 0)
    goto out;
  sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, year_of(req->now));
  sqlite3_bind_text(st, 3,
                    json_string_value(json_object_get(voucher, "code")), -1,
                    SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 4, req->now);
  if ((rc = ctl_engage_done(conn, st, msg)) != 0) goto out;
  ctl_req_json(req, 201,
               json_pack("{s:s, s:o, s:O, s:b}", "claim_id", id, "gift",
                         ctl_engage_text(GIFT_ZH, GIFT_EN), "voucher", voucher,
                         "birthday_gift_claimed", 1));
out:
  json_decref(voucher);
  json_decref(body);
  return rc;
}

void ctl_birthday_route_claim(const ctl_env *env, ctl_req *req) {
  ctl_idem_run(env, req, work);
}
