#include "ctl_campaigns.h"

#include <stdio.h>

#include "ctl_engage.h"

int ctl_campaigns_factor(sqlite3 *conn, const char *category, int64_t now,
                         int64_t *factor, char *id, size_t id_cap, char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT id FROM campaigns WHERE kind='double_points' "
                          "AND starts_at<=?1 AND ends_at>?1 AND (category IS "
                          "NULL OR category=?2) ORDER BY starts_at, id LIMIT 1",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_text(st, 2, category, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  *factor = rc == SQLITE_ROW ? 2 : 1;
  snprintf(id, id_cap, "%s",
           rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "");
  ctl_db_finish(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
  return KERR_OK;
}

void ctl_campaigns_route_list(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  sqlite3 *conn = ctl_db_acquire(env->db);
  sqlite3_stmt *st = NULL;
  json_t *list = json_array();
  int rc = ctl_db_prepare(
      conn,
      "SELECT id, kind, category, title_zh, title_en, body_zh, body_en, "
      "starts_at, ends_at FROM campaigns WHERE ends_at>?1 "
      "ORDER BY starts_at>?1, starts_at, id",
      &st, msg);
  if (rc == 0) {
    sqlite3_bind_int64(st, 1, req->now);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      int64_t from = sqlite3_column_int64(st, 7), to = sqlite3_column_int64(st, 8);
      const char *cat = (const char *)sqlite3_column_text(st, 2);
      json_array_append_new(
          list,
          json_pack("{s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:b}", "id",
                    (const char *)sqlite3_column_text(st, 0), "kind",
                    (const char *)sqlite3_column_text(st, 1), "category",
                    cat ? json_string(cat) : json_null(), "title",
                    ctl_engage_text((const char *)sqlite3_column_text(st, 3),
                                    (const char *)sqlite3_column_text(st, 4)),
                    "body",
                    ctl_engage_text((const char *)sqlite3_column_text(st, 5),
                                    (const char *)sqlite3_column_text(st, 6)),
                    "starts_at", (json_int_t)from, "ends_at", (json_int_t)to,
                    "active", from <= req->now && req->now < to));
    }
    rc = rc == SQLITE_DONE
             ? 0
             : kerr_set(msg, KERR_DB, "sqlite: %s", sqlite3_errmsg(conn));
    ctl_db_finish(st);
  }
  ctl_db_release(env->db, conn);
  if (rc) {
    json_decref(list);
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200,
               json_pack("{s:I, s:o}", "server_time", (json_int_t)req->now,
                         "campaigns", list));
}
