#include "ctl_console.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_staff.h"
#include "ctl_vouchers.h"
#include "mask.h"

#define FILE_MAX (1024 * 1024)
#define REASON_MAX 200

/* Set once before the server's threads start, read-only afterwards. */
static const char *console_dir;
static int offline_after = 180;

void ctl_console_set_dir(const char *dir) { console_dir = dir; }
void ctl_console_set_offline_after(int seconds) { offline_after = seconds; }

static const char *content_type(const char *name) {
  static const char *const types[][2] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"}};
  const char *dot = strrchr(name, '.');
  size_t i, n;
  if (!dot || dot == name) return NULL;
  for (n = 0; name + n < dot; n++)
    if (!(islower((unsigned char)name[n]) || isdigit((unsigned char)name[n]) ||
          name[n] == '-' || name[n] == '_'))
      return NULL;
  for (i = 0; i < sizeof types / sizeof types[0]; i++)
    if (strcmp(dot, types[i][0]) == 0) return types[i][1];
  return NULL;
}

void ctl_console_route_file(const ctl_env *env, ctl_req *req) {
  const char *name = req->nseg < 2 || !req->seg[1][0] ? "index.html"
                                                      : req->seg[req->nseg - 1];
  const char *sub = req->nseg == 3 ? "i18n/" : "";
  const char *type = content_type(name);
  char path[1024];
  unsigned char *buf;
  long size;
  size_t n;
  FILE *f;
  (void)env;
  req->staff = 1;
  if (!type || !console_dir) {
    ctl_req_error(req, 404, "not_found", "no such file");
    return;
  }
  snprintf(path, sizeof path, "%s/%s%s", console_dir, sub, name);
  if (!(f = fopen(path, "rb"))) {
    ctl_req_error(req, 404, "not_found", "no such file");
    return;
  }
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > FILE_MAX ||
      fseek(f, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)size + 1))) {
    fclose(f);
    ctl_req_fail(req, "console file unreadable");
    return;
  }
  n = fread(buf, 1, (size_t)size, f);
  fclose(f);
  if (n != (size_t)size) {
    free(buf);
    ctl_req_fail(req, "console file short read");
    return;
  }
  ctl_req_json(req, 200, NULL);
  req->raw = buf;
  req->raw_len = n;
  req->content_type = type;
}

static json_t *opt_text(sqlite3_stmt *st, int col) {
  const char *s = (const char *)sqlite3_column_text(st, col);
  return s ? json_string(s) : json_null();
}

static json_t *opt_int(sqlite3_stmt *st, int col) {
  return sqlite3_column_type(st, col) == SQLITE_NULL
             ? json_null()
             : json_integer(sqlite3_column_int64(st, col));
}

/* Fields of a stored heartbeat body (the kiosk's own report). */
static json_t *beat_field(json_t *beat, const char *key, int want_int) {
  json_t *v = json_object_get(beat, key);
  if (want_int ? json_is_integer(v) : json_is_string(v)) return json_copy(v);
  return json_null();
}

/* The kiosks' print reports for code, oldest first, as a JSON array. */
static int print_list(sqlite3 *conn, const char *code, json_t **out,
                      char *msg) {
  sqlite3_stmt *st;
  int rc = ctl_db_prepare(conn,
                          "SELECT kiosk_id, outcome, reprint, reason, "
                          "printed_at, received_at FROM print_records "
                          "WHERE voucher_code=? ORDER BY id",
                          &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  *out = json_array();
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    json_array_append_new(
        *out,
        json_pack("{s:s, s:s, s:b, s:o, s:I, s:I}", "kiosk_id",
                  (const char *)sqlite3_column_text(st, 0), "outcome",
                  (const char *)sqlite3_column_text(st, 1), "reprint",
                  sqlite3_column_int(st, 2) != 0, "reason", opt_text(st, 3),
                  "printed_at", (json_int_t)sqlite3_column_int64(st, 4),
                  "received_at", (json_int_t)sqlite3_column_int64(st, 5)));
  rc = rc == SQLITE_DONE
           ? KERR_OK
           : kerr_set(msg, KERR_DB, "print records: %s", sqlite3_errmsg(conn));
  ctl_db_finish(st);
  if (rc) json_decref(*out);
  return rc;
}

/* The desk's view of a voucher, read on conn (the caller's transaction).
 * An offline voucher's kiosk is the one that signed it (vouchers.kiosk_id);
 * it may have no redemption (refused: void with void_reason). */
static int voucher_view(sqlite3 *conn, const char *code, int64_t now,
                        json_t **out, char *msg) {
  sqlite3_stmt *st;
  char name[128], phone[32];
  int rc = ctl_db_prepare(
      conn,
      "SELECT v.id, v.status, v.quantity, v.expires_at, v.changed_at, "
      "v.item_id, v.member_id, r.created_at, r.points_charged, r.kiosk_id, "
      "i.kind, i.name_zh, i.name_en, m.name, m.phone, h.at, h.body, "
      "v.kiosk_id, v.issued_at, v.void_reason "
      "FROM vouchers v LEFT JOIN redemptions r ON r.id=v.redemption_id "
      "LEFT JOIN items i ON i.id=v.item_id LEFT JOIN members m "
      "ON m.id=v.member_id LEFT JOIN heartbeats h "
      "ON h.kiosk_id=COALESCE(v.kiosk_id, r.kiosk_id) WHERE v.code=?",
      &st, msg);
  if (rc) return rc;
  sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const char *status = (const char *)sqlite3_column_text(st, 1);
    const char *beat_text = (const char *)sqlite3_column_text(st, 16);
    json_t *beat = beat_text ? json_loads(beat_text, 0, NULL) : NULL;
    int offline = sqlite3_column_type(st, 17) != SQLITE_NULL;
    int has_kiosk = offline || sqlite3_column_type(st, 9) != SQLITE_NULL;
    int has_beat = sqlite3_column_type(st, 15) != SQLITE_NULL;
    int online = has_beat && now - sqlite3_column_int64(st, 15) <= offline_after;
    json_int_t depth = json_integer_value(json_object_get(beat, "queue_depth"));
    if (strcmp(status, "issued") == 0 && now > sqlite3_column_int64(st, 3))
      status = "expired";
    mask_name(sqlite3_column_text(st, 13)
                  ? (const char *)sqlite3_column_text(st, 13)
                  : "",
              name, sizeof name);
    mask_phone(sqlite3_column_text(st, 14)
                   ? (const char *)sqlite3_column_text(st, 14)
                   : "",
               phone, sizeof phone);
    *out = json_pack(
        "{s:s, s:s, s:s, s:I, s:I, s:o, s:o, s:o, "
        "s:{s:s, s:o, s:{s:o, s:o}}, s:{s:s, s:s, s:s}, "
        "s:{s:o, s:o, s:o, s:o}, s:b}",
        "code", code, "voucher_id", (const char *)sqlite3_column_text(st, 0),
        "status", status, "quantity", (json_int_t)sqlite3_column_int64(st, 2),
        "expires_at", (json_int_t)sqlite3_column_int64(st, 3), "changed_at",
        opt_int(st, 4), "redeemed_at", opt_int(st, 7), "points_charged",
        opt_int(st, 8), "item", "id", (const char *)sqlite3_column_text(st, 5),
        "kind", opt_text(st, 10), "name", "zh", opt_text(st, 11), "en",
        opt_text(st, 12), "member", "id",
        (const char *)sqlite3_column_text(st, 6), "name_masked", name,
        "phone_masked", phone, "kiosk", "id",
        opt_text(st, offline ? 17 : 9), "online",
        has_kiosk ? json_boolean(online) : json_null(), "last_heartbeat",
        opt_int(st, 15), "queue_depth",
        beat ? beat_field(beat, "queue_depth", 1) : json_null(), "pending",
        has_kiosk && (!online || depth > 0));
    json_decref(beat);
    rc = *out ? KERR_OK : kerr_set(msg, KERR_NOMEM, "voucher view");
    if (rc == 0) {
      json_object_set_new(*out, "offline", json_boolean(offline));
      json_object_set_new(*out, "issued_at",
                          offline ? json_integer(sqlite3_column_int64(st, 18))
                                  : json_null());
      json_object_set_new(*out, "void_reason", opt_text(st, 19));
    }
  } else {
    rc = rc == SQLITE_DONE
             ? kerr_set(msg, KERR_NOT_FOUND, "no voucher")
             : kerr_set(msg, KERR_DB, "voucher: %s", sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  if (rc == 0) {
    json_t *prints;
    if ((rc = print_list(conn, code, &prints, msg)) == 0)
      json_object_set_new(*out, "prints", prints);
    else
      json_decref(*out);
  }
  return rc;
}

/* The full code for what the desk typed: a KV1 code as it is, a voucher id
 * (V + 12 hex, or O + 12 hex for a kiosk's offline voucher, any case)
 * through the vouchers table. Answers 4xx itself. */
static int resolve_code(const ctl_env *env, sqlite3 *conn, ctl_req *req,
                        const char *typed, char *code, size_t cap) {
  size_t n = strlen(typed), i;
  kerr_msg msg;
  sqlite3_stmt *st;
  char id[16];
  int rc;
  if (strncmp(typed, "KV1.", 4) == 0) {
    rc = ctl_vouchers_check(env, conn, typed);
    if (rc == KERR_NOT_FOUND)
      return ctl_req_error(req, 404, "not_found", "no such voucher");
    if (rc != 0 || n >= cap)
      return ctl_req_error(req, 422, "invalid_code",
                           "not a voucher code of this mall");
    memcpy(code, typed, n + 1);
    return 0;
  }
  if (n != 13 || (toupper((unsigned char)typed[0]) != 'V' &&
                  toupper((unsigned char)typed[0]) != 'O'))
    return ctl_req_error(req, 422, "invalid_code",
                         "not a voucher code or voucher id");
  for (i = 0; i < n; i++) {
    id[i] = (char)toupper((unsigned char)typed[i]);
    if (i > 0 && !isxdigit((unsigned char)id[i]))
      return ctl_req_error(req, 422, "invalid_code",
                           "not a voucher code or voucher id");
  }
  id[n] = '\0';
  if ((rc = ctl_db_prepare(conn, "SELECT code FROM vouchers WHERE id=?", &st,
                           msg)) != 0)
    return ctl_req_fail(req, msg);
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    snprintf(code, cap, "%s", sqlite3_column_text(st, 0));
  ctl_db_finish(st);
  if (rc == SQLITE_ROW) return 0;
  if (rc == SQLITE_DONE)
    return ctl_req_error(req, 404, "not_found", "no such voucher");
  return ctl_req_fail(req, "voucher id lookup");
}

void ctl_console_route_voucher(const ctl_env *env, ctl_req *req) {
  kerr_msg msg;
  char code[300];
  json_t *view = NULL;
  sqlite3 *conn = ctl_db_acquire(env->db);
  int rc = 0;
  if (resolve_code(env, conn, req, req->seg[3], code, sizeof code) == 0 &&
      (rc = voucher_view(conn, code, req->now, &view, msg)) == 0)
    ctl_req_json(req, 200, view);
  ctl_db_release(env->db, conn);
  if (rc == KERR_NOT_FOUND) ctl_req_error(req, 404, "not_found", "no such voucher");
  else if (rc) ctl_req_fail(req, msg);
}

static void change(const ctl_env *env, ctl_req *req, int to_void) {
  kerr_msg msg;
  char code[300];
  const char *reason = NULL;
  json_t *body = NULL, *view = NULL;
  sqlite3 *conn;
  int ok = 0, rc;

  if (to_void) {
    if (!(body = ctl_req_body_object(req))) return;
    if (ctl_req_field_str(req, body, "reason", REASON_MAX, &reason)) {
      json_decref(body);
      return;
    }
  }
  if ((rc = ctl_db_write_begin(env->db, &conn, msg)) != 0) {
    json_decref(body);
    ctl_req_fail(req, msg);
    return;
  }
  if (resolve_code(env, conn, req, req->seg[3], code, sizeof code) == 0 &&
      ctl_vouchers_change(env, conn, req, code, to_void) == 1) {
    json_t *answer = req->json;
    rc = ctl_staff_audit(conn, req->staff_user, req->now,
                         to_void ? "voucher_void" : "voucher_use",
                         json_string_value(json_object_get(answer,
                                                           "voucher_id")),
                         reason, msg);
    if (rc == 0) rc = voucher_view(conn, code, req->now, &view, msg);
    if (rc == 0 && to_void) {
      json_object_set(view, "points_refunded",
                      json_object_get(answer, "points_refunded"));
      json_object_set(view, "points_balance",
                      json_object_get(answer, "points_balance"));
    }
    if (rc == 0) {
      ctl_req_json(req, 200, view);
      ok = 1;
    } else {
      ctl_req_fail(req, msg);
    }
  }
  if (ctl_db_write_end(env->db, conn, ok, msg) != 0 && ok)
    ctl_req_fail(req, msg);
  json_decref(body);
}

void ctl_console_route_use(const ctl_env *env, ctl_req *req) {
  change(env, req, 0);
}

void ctl_console_route_void(const ctl_env *env, ctl_req *req) {
  change(env, req, 1);
}

static json_t *kiosk_json(const char *id, int64_t at, const char *body,
                          int64_t now) {
  json_t *beat = body ? json_loads(body, 0, NULL) : NULL;
  json_t *alerts = json_array(), *k;
  const char *paper = json_string_value(json_object_get(beat, "paper"));
  const char *printer = json_string_value(json_object_get(beat, "printer"));
  json_int_t rejected =
      json_integer_value(json_object_get(beat, "rejected_offline"));
  int online = at > 0 && now - at <= offline_after;

  if (at <= 0) json_array_append_new(alerts, json_string("never_seen"));
  else if (!online) json_array_append_new(alerts, json_string("offline"));
  if (paper && strcmp(paper, "ok") != 0)
    json_array_append_new(
        alerts, json_string(strcmp(paper, "out") == 0 ? "paper_out"
                                                      : "paper_low"));
  if (printer && strcmp(printer, "ok") != 0)
    json_array_append_new(alerts, json_string("printer"));
  if (rejected > 0) json_array_append_new(alerts, json_string("rejected"));
  k = json_pack("{s:s, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                "id", id, "last_heartbeat",
                at > 0 ? json_integer(at) : json_null(), "silent_s",
                at > 0 ? json_integer(now - at) : json_null(), "online",
                online, "printer", beat_field(beat, "printer", 0), "paper",
                beat_field(beat, "paper", 0), "queue_depth",
                beat_field(beat, "queue_depth", 1), "oldest_pending_age_s",
                beat_field(beat, "oldest_pending_age_s", 1),
                "rejected_offline", beat_field(beat, "rejected_offline", 1),
                "version", beat_field(beat, "version", 0), "alerts", alerts);
  json_decref(beat);
  return k;
}

static int by_id(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void ctl_console_route_fleet(const ctl_env *env, ctl_req *req) {
  const char *flagged[CTL_ENV_MAX_KIOSKS];
  size_t nflagged = env->nkiosks, f = 0, i;
  kerr_msg msg;
  json_t *list = json_array();
  sqlite3 *conn = ctl_db_acquire(env->db);
  sqlite3_stmt *st;
  int rc;

  /* Kiosks from the flags and from the database, merged in id order. */
  for (i = 0; i < nflagged; i++) flagged[i] = env->kiosks[i].id;
  qsort(flagged, nflagged, sizeof flagged[0], by_id);
  rc = ctl_db_prepare(conn,
                      "SELECT ids.id, h.at, h.body FROM (SELECT kiosk_id AS "
                      "id FROM heartbeats UNION SELECT id FROM kiosks) ids "
                      "LEFT JOIN heartbeats h ON h.kiosk_id=ids.id "
                      "ORDER BY ids.id",
                      &st, msg);
  if (rc == 0) {
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
      const char *id = (const char *)sqlite3_column_text(st, 0);
      for (; f < nflagged && strcmp(flagged[f], id) <= 0; f++)
        if (strcmp(flagged[f], id) < 0)
          json_array_append_new(list,
                                kiosk_json(flagged[f], 0, NULL, req->now));
      json_array_append_new(
          list, kiosk_json(id, sqlite3_column_int64(st, 1),
                           (const char *)sqlite3_column_text(st, 2), req->now));
    }
    if (step != SQLITE_DONE)
      rc = kerr_set(msg, KERR_DB, "fleet: %s", sqlite3_errmsg(conn));
    ctl_db_finish(st);
  }
  ctl_db_release(env->db, conn);
  for (; f < nflagged; f++)
    json_array_append_new(list, kiosk_json(flagged[f], 0, NULL, req->now));
  if (rc) {
    json_decref(list);
    ctl_req_fail(req, msg);
    return;
  }
  ctl_req_json(req, 200,
               json_pack("{s:I, s:i, s:o}", "server_time", (json_int_t)req->now,
                         "offline_after_s", offline_after, "kiosks", list));
}
