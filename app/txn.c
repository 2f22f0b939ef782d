#include "txn.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "catalog.h"
#include "engage.h"
#include "events.h"
#include "hbw.h"
#include "klog.h"
#include "kvkey.h"
#include "offline.h"
#include "prnw.h"
#include "screen.h"
#include "sync.h"

#define ANIM_MS 40 /* progress animation: 25 frames a second, only while busy */

struct txn {
  outbox *ob;
  sync_worker *sw;
  prnw *pw;
  unsigned seq;     /* enqueue counter: matches SYNC_QUEUED to the view */
  unsigned cur_seq;
  txn_view cur;
  char printer_uri[CFG_STR_MAX + 32];
  offline *off;     /* NULL: offline vouchers off (logged at open) */
  kvkey key;        /* signs them; outlives off */
  json_t *kconfig;  /* the central's kiosk config, for offline_limits */
  int hb_wired;     /* the heartbeat reads off's void count */
};

static txn *of(const app *a) { return a->txn; }

const char *txn_reason_msgid(const char *code) {
  if (!code) return "result.why.other";
  if (!strcmp(code, "insufficient_points")) return "result.why.insufficient_points";
  if (!strcmp(code, "out_of_stock")) return "result.why.out_of_stock";
  if (!strcmp(code, "limit_reached")) return "result.why.limit_reached";
  if (!strcmp(code, "tier_required")) return "result.why.tier_required";
  if (!strcmp(code, "item_unavailable")) return "result.why.item_unavailable";
  if (!strcmp(code, "not_found")) return "result.why.item_unavailable";
  return "result.why.other";
}

const char *txn_parking_reason_msgid(const char *code) {
  if (!code) return "parking.why.other";
  if (!strcmp(code, "not_found")) return "parking.why.not_found";
  if (!strcmp(code, "limit_reached")) return "parking.why.limit_reached";
  if (!strcmp(code, "invalid_plate")) return "parking.why.invalid_plate";
  if (!strcmp(code, "insufficient_points")) return "result.why.insufficient_points";
  return "parking.why.other";
}

/* Worker threads: wrap and post, nothing else. */
static void on_sync(void *ctx, sync_event *ev) {
  (void)ctx;
  if (events_push(EVENTS_TXN, ev) != KERR_OK) {
    klog_error("txn", "event queue full: dropping a queue event");
    sync_event_free(ev);
  }
}

static void on_print(void *ctx, prnw_result *r) {
  (void)ctx;
  if (events_push(EVENTS_PRN, r) != KERR_OK) {
    klog_error("txn", "event queue full: dropping a printer answer");
    prnw_result_free(r);
  }
}

/* The kiosk's voucher key and the offline voucher store. Without them the
 * kiosk still serves, online only (a redemption then queues as before). */
static void open_offline(app *a, txn *t) {
  kerr_msg msg = "";
  int rc = KERR_OK;
  if (a->opt.demo) kvkey_demo(&t->key);
  else rc = kvkey_load(a->state_dir, &t->key, msg);
  if (rc == KERR_OK) rc = offline_open(a->state_dir, &t->key, t->ob, &t->off, msg);
  if (rc != KERR_OK) {
    klog_error("txn", "offline vouchers off: %s", msg);
    kvkey_wipe(&t->key);
    t->off = NULL;
  }
}

int txn_open(app *a, char *msg) {
  txn *t = calloc(1, sizeof *t);
  if (!t) return kerr_set(msg, KERR_NOMEM, "out of memory");
  int rc = outbox_open(a->state_dir, &t->ob, msg);
  if (rc) {
    free(t);
    return rc;
  }
  open_offline(a, t);
  sync_config sc = {.api = app_api_config(a)};
  rc = sync_start(&sc, t->ob, on_sync, a, &t->sw, msg);
  if (rc) {
    outbox_close(t->ob);
    free(t);
    return rc;
  }
  if (a->cfg.printer_uri[0])
    snprintf(t->printer_uri, sizeof t->printer_uri, "%s", a->cfg.printer_uri);
  else if (a->opt.demo)
    snprintf(t->printer_uri, sizeof t->printer_uri, "file:%s/printer/voucher",
             a->state_dir);
  else
    snprintf(t->printer_uri, sizeof t->printer_uri, "usb:");
  prnw_config pc = {t->printer_uri, a->cfg.printer_width, a->cfg.printer_raster,
                    a->state_dir, a->assets};
  kerr_msg pmsg;
  if (prnw_start(&pc, on_print, a, &t->pw, pmsg) != KERR_OK)
    /* The kiosk still serves check-ins and shows the catalog; a voucher
     * then stays owed and the result screen says so. */
    klog_error("txn", "printer %s: %s", t->printer_uri, pmsg);
  a->txn = t;
  return KERR_OK;
}

void txn_close(app *a) {
  txn *t = of(a);
  if (!t) return;
  sync_stop(t->sw);
  prnw_stop(t->pw);
  offline_close(t->off); /* after the workers whose events settle it */
  outbox_close(t->ob);
  kvkey_wipe(&t->key);
  json_decref(t->kconfig);
  free(t);
  a->txn = NULL;
}

outbox *txn_outbox(const app *a) { return of(a) ? of(a)->ob : NULL; }
struct offline *txn_offline(const app *a) { return of(a) ? of(a)->off : NULL; }

void txn_kiosk_config(app *a, const json_t *config) {
  txn *t = of(a);
  if (!t || !json_is_object(config)) return;
  json_decref(t->kconfig);
  t->kconfig = json_deep_copy(config);
}
struct prnw *txn_printer(const app *a) { return of(a) ? of(a)->pw : NULL; }
const char *txn_printer_uri(const app *a) {
  return of(a) ? of(a)->printer_uri : NULL;
}

const txn_view *txn_current(const app *a) { return of(a) ? &of(a)->cur : NULL; }

int txn_busy(const app *a) {
  const txn_view *v = txn_current(a);
  if (v && engage_get()->op == ENGAGE_RECEIPT && engage_busy()) return 1;
  return v && (v->phase == TXN_SAVING || v->phase == TXN_WAITING ||
               v->phase == TXN_PRINTING);
}

void txn_clear(app *a) {
  if (of(a)) memset(&of(a)->cur, 0, sizeof of(a)->cur);
}

int txn_enqueue(app *a, outbox_kind kind, const char *member_id,
                const char *json_body, void *user) {
  txn *t = of(a);
  if (!t || !t->sw) return KERR_INVALID;
  return sync_enqueue(t->sw, kind, member_id, json_body, 0, (int)kind, user);
}

static int start(app *a, outbox_kind kind, const char *body, int64_t points) {
  txn *t = of(a);
  const session_member *m = session_member_of(a->ses);
  if (!t || !m) return KERR_INVALID;
  txn_view *v = &t->cur;
  memset(v, 0, sizeof *v);
  v->kind = kind;
  v->gen = session_generation(a->ses);
  snprintf(v->member_id, sizeof v->member_id, "%s", m->id);
  v->points = points;
  v->started_ms = app_now_ms();
  v->deadline_ms = v->started_ms + (uint64_t)a->cfg.online_deadline_ms;
  t->cur_seq = ++t->seq;
  int rc = sync_enqueue(t->sw, kind, m->id, body, points, (int)kind,
                        (void *)(uintptr_t)t->cur_seq);
  if (rc != KERR_OK) {
    v->phase = TXN_FAILED;
    v->why = "result.error.save";
    klog_error("txn", "%s not queued: %s", outbox_kind_name(kind), kerr_str(rc));
    return rc;
  }
  v->phase = TXN_SAVING;
  app_dirty(a);
  return KERR_OK;
}

/* Signs an offline voucher for this redemption when the mall's rules allow
 * it (offline.h): 1 with *ov and *balance (what the slip says is left) set,
 * else 0 and the plain body is queued. Before queuing: the body is fixed
 * once queued. */
static int offline_try(app *a, const catalog_item *it, int qty, int64_t points,
                       offline_voucher *ov, int64_t *balance) {
  txn *t = of(a);
  const mcode_claims *mc = session_code_of(a->ses);
  if (!t || !t->off || !mc) return 0;
  offline_policy pol;
  offline_policy_from_config(t->kconfig, a->cfg.offline_items, &pol);
  offline_request rq = {.member = mc, .item_id = it->id, .item_offline = it->offline,
                        .quantity = qty, .points = points};
  offline_verdict verdict = OFFLINE_MODE_OFF;
  int64_t queued = 0;
  kerr_msg msg = "";
  int rc = outbox_pending_points_for_member(t->ob, mc->member_id, mc->issued * 1000,
                                            &queued, msg);
  if (rc == KERR_OK)
    rc = offline_issue(t->off, &pol, &rq, (int64_t)time(NULL), &verdict, ov, msg);
  if (rc != KERR_OK) {
    klog_warn("txn", "no offline voucher: %s", msg);
    return 0;
  }
  if (verdict != OFFLINE_ALLOWED) {
    klog_info("txn", "no offline voucher: %s", offline_verdict_str(verdict));
    return 0;
  }
  *balance = mc->points - queued - points;
  return 1;
}

int txn_redeem(app *a, const char *item_id, int qty) {
  const session_member *m = session_member_of(a->ses);
  const catalog_item *it = catalog_find(a, item_id);
  if (!m || !it || qty < 1) return KERR_INVALID;
  /* What the central charges now: an offer's price while it runs. */
  int64_t points = catalog_price_at(it, m->tier, (int64_t)time(NULL)) * qty;
  int64_t balance = 0;
  offline_voucher ov;
  memset(&ov, 0, sizeof ov);
  int off = offline_try(a, it, qty, points, &ov, &balance);
  char *body = NULL;
  if (!off) {
    json_t *b = json_pack("{s:s, s:s, s:i}", "member_id", m->id, "item_id",
                          item_id, "quantity", qty);
    body = b ? json_dumps(b, JSON_COMPACT) : NULL;
    json_decref(b);
    if (!body) return KERR_NOMEM;
  }
  int rc = start(a, OUTBOX_REDEMPTION, off ? ov.body : body, points);
  free(body);
  txn_view *v = &of(a)->cur;
  snprintf(v->item_id, sizeof v->item_id, "%s", item_id);
  v->qty = qty;
  if (off && rc == KERR_OK) {
    snprintf(v->offline_code, sizeof v->offline_code, "%s", ov.code);
    v->offline_expires = ov.expires_at;
    v->offline_balance = balance;
  } else if (off) {
    kerr_msg msg = "";
    if (offline_discard(of(a)->off, ov.code, msg) != KERR_OK)
      klog_warn("txn", "offline voucher not discarded: %s", msg);
  }
  offline_voucher_free(&ov);
  klog_info("txn", "redemption of %d x %s queued for the central", qty, item_id);
  return rc;
}

int txn_checkin(app *a) {
  const session_member *m = session_member_of(a->ses);
  if (!m) return KERR_INVALID;
  char body[160];
  snprintf(body, sizeof body, "{\"member_id\":\"%s\"}", m->id);
  klog_info("txn", "check-in queued for the central");
  return start(a, OUTBOX_CHECKIN, body, 0);
}

int txn_parking(app *a, const char *plate, int hours, int free_hours,
                int64_t points) {
  const session_member *m = session_member_of(a->ses);
  if (!m || !plate || !*plate || hours < 1 || hours > 24) return KERR_INVALID;
  json_t *b = json_pack("{s:s, s:s, s:i}", "member_id", m->id, "plate", plate,
                        "hours", hours);
  char *body = b ? json_dumps(b, JSON_COMPACT) : NULL;
  json_decref(b);
  if (!body) return KERR_NOMEM;
  int rc = start(a, OUTBOX_PARKING, body, points);
  free(body);
  txn_view *v = &of(a)->cur;
  snprintf(v->plate, sizeof v->plate, "%s", plate);
  v->hours = hours;
  v->free_hours_used = free_hours;
  klog_info("txn", "parking coupon of %d h queued for the central", hours);
  return rc;
}

/* The parking receipt: the central's coupon (id, hours, points, valid
 * until), the words from print.po. */
static char *parking_json(app *a, const json_t *ack) {
  const session_member *m = session_member_of(a->ses);
  time_t now = time(NULL);
  time_t until = (time_t)json_integer_value(json_object_get(ack, "valid_until"));
  struct tm tm;
  char when[32] = "", valid[32] = "";
  localtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
  if (until > 0) {
    localtime_r(&until, &tm);
    strftime(valid, sizeof valid, "%Y-%m-%d %H:%M", &tm);
  }
  const char *plate = json_string_value(json_object_get(ack, "plate"));
  json_t *j = json_pack(
      "{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:b, s:b}",
      "kind", "parking", "mall_name_zh",
      a->mall[APP_ZH][0] ? a->mall[APP_ZH] : app_t(a, "header.mall_default"),
      "mall_name_en", a->mall[APP_EN], "points_charged",
      (json_int_t)json_integer_value(json_object_get(ack, "points_charged")),
      "points_balance",
      (json_int_t)json_integer_value(json_object_get(ack, "points_balance")),
      "member_name", m ? m->name_masked : "", "voucher_code",
      json_string_value(json_object_get(ack, "coupon_id")), "plate",
      plate ? plate : "", "hours",
      (int)json_integer_value(json_object_get(ack, "hours")), "expires_at",
      valid, "kiosk_id", a->cfg.kiosk_id, "time", when, "pending", 0,
      "reprint", 0);
  char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  return s;
}

/* An accepted parking coupon: the receipt is owed and printed like a
 * voucher while the member is here. */
static void parked(app *a, txn_view *v, const sync_event *ev, int here) {
  txn *t = of(a);
  const char *code = json_string_value(json_object_get(ev->body, "coupon_id"));
  if (!code) {
    klog_error("txn", "parking %" PRId64 " accepted without a coupon id", ev->txn_id);
    if (here) v->phase = TXN_DONE; /* applied; only the receipt is missing */
    return;
  }
  char txn_id[32];
  snprintf(txn_id, sizeof txn_id, "%" PRId64, ev->txn_id);
  char *json = parking_json(a, ev->body);
  int rc = json ? prnw_submit(t->pw, code, txn_id, ev->member_id, json, here)
                : KERR_NOMEM;
  free(json);
  if (!here) return;
  snprintf(v->voucher_code, sizeof v->voucher_code, "%s", code);
  v->points_charged = json_integer_value(json_object_get(ev->body, "points_charged"));
  v->points_balance = json_integer_value(json_object_get(ev->body, "points_balance"));
  v->free_hours_used =
      (int)json_integer_value(json_object_get(ev->body, "free_hours_used"));
  json_int_t hours = json_integer_value(json_object_get(ev->body, "hours"));
  if (hours > 0 && hours <= 24) v->hours = (int)hours;
  v->has_balance = 1;
  if (rc == KERR_OK) {
    v->phase = TXN_PRINTING;
  } else {
    klog_error("txn", "parking receipt not handed to the printer: %s", kerr_str(rc));
    v->phase = TXN_PRINT_FAILED;
    v->why = t->pw ? "result.print.error" : "result.print.no_printer";
  }
}

/* The slip's words come from print.po; the facts from the central's answer
 * and the catalog. */
static char *voucher_json(app *a, const char *item_id, const json_t *ack,
                          int pending) {
  const json_t *vo = json_object_get(ack, "voucher");
  const session_member *m = session_member_of(a->ses);
  const catalog_item *it = catalog_find(a, item_id);
  time_t now = time(NULL), exp = (time_t)json_integer_value(json_object_get(vo, "expires_at"));
  struct tm tm;
  char when[32] = "", until[32] = "";
  localtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
  if (exp > 0) {
    localtime_r(&exp, &tm);
    strftime(until, sizeof until, "%Y-%m-%d", &tm);
  }
  const json_t *pick = json_object_get(vo, "pickup");
  json_t *j = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}",
      "kind", "gift", "mall_name_zh", a->mall[APP_ZH][0] ? a->mall[APP_ZH] : app_t(a, "header.mall_default"),
      "mall_name_en", a->mall[APP_EN], "item_name_zh", it ? it->name_zh : item_id,
      "item_name_en", it ? it->name_en : "", "points_charged",
      (json_int_t)json_integer_value(json_object_get(ack, "points_charged")),
      "points_balance",
      (json_int_t)json_integer_value(json_object_get(ack, "points_balance")),
      "member_name", m ? m->name_masked : "", "voucher_code",
      json_string_value(json_object_get(vo, "code")), "pickup_zh",
      json_string_value(json_object_get(pick, "zh")) ? json_string_value(json_object_get(pick, "zh")) : "",
      "pickup_en",
      json_string_value(json_object_get(pick, "en")) ? json_string_value(json_object_get(pick, "en")) : "",
      "expires_at", until, "kiosk_id", a->cfg.kiosk_id, "time", when, "pending", pending,
      "reprint", 0);
  char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  return s;
}

/* No answer in time (or the central unreachable): the kiosk-signed voucher
 * queued with the redemption prints now, marked 待确认 (pending). The
 * central confirms or voids that same code once the queue drains. */
static void provisional(app *a, txn_view *v) {
  txn *t = of(a);
  if (!session_member_of(a->ses) || v->gen != session_generation(a->ses)) {
    v->phase = TXN_QUEUED; /* nobody to hand a slip to */
    return;
  }
  int64_t left = v->offline_balance > 0 ? v->offline_balance : 0;
  json_t *ack = json_pack("{s:{s:s, s:I}, s:I, s:I}", "voucher", "code",
                          v->offline_code, "expires_at", (json_int_t)v->offline_expires,
                          "points_charged", (json_int_t)v->points, "points_balance",
                          (json_int_t)left);
  char *json = ack ? voucher_json(a, v->item_id, ack, 1) : NULL;
  json_decref(ack);
  char txn_id[32];
  snprintf(txn_id, sizeof txn_id, "%" PRId64, v->txn_id);
  int rc = json ? prnw_submit(t->pw, v->offline_code, txn_id, v->member_id, json, 1)
                : KERR_NOMEM;
  free(json);
  if (rc != KERR_OK) {
    klog_error("txn", "provisional voucher not handed to the printer: %s; "
               "queued until online", kerr_str(rc));
    v->phase = TXN_QUEUED;
    return;
  }
  kerr_msg msg = "";
  if (offline_mark_provisional(t->off, v->offline_code, msg) != KERR_OK)
    klog_error("txn", "provisional voucher not recorded: %s", msg);
  snprintf(v->voucher_code, sizeof v->voucher_code, "%s", v->offline_code);
  v->points_charged = v->points;
  v->points_balance = left;
  v->has_balance = 1;
  v->provisional = 1;
  v->phase = TXN_PRINTING;
  klog_info("txn", "redemption %" PRId64 " provisional: offline voucher printing "
            "as pending", v->txn_id);
}

/* A final answer to a redemption that carried an offline voucher: the store
 * records it (confirmed, or void with the reason). 1 when its slip already
 * went out 待确认: nothing prints again (the journal holds that slip under
 * the same code and would refuse other content). */
static int settle(app *a, const sync_event *ev) {
  txn *t = of(a);
  offline_entry e;
  kerr_msg msg = "";
  if (!t->off || ev->kind != OUTBOX_REDEMPTION) return 0;
  int rc = offline_settle(t->off, ev, &e, msg);
  if (rc == KERR_NOT_FOUND) return 0;
  if (rc != KERR_OK) {
    klog_error("txn", "offline voucher of redemption %" PRId64 ": %s", ev->txn_id, msg);
    return 0;
  }
  klog_info("txn", "offline voucher %s %s%s", e.voucher_id, offline_state_name(e.state),
            e.provisional ? " (its slip printed pending)" : "");
  return e.provisional;
}

/* An accepted redemption: the voucher is owed at once and printed while the
 * member who made it is still in front of the kiosk. */
static void redeemed(app *a, txn_view *v, const sync_event *ev, int here) {
  txn *t = of(a);
  const char *code =
      json_string_value(json_object_get(json_object_get(ev->body, "voucher"), "code"));
  if (!code) {
    klog_error("txn", "redemption %" PRId64 " accepted without a voucher", ev->txn_id);
    if (here) {
      v->phase = TXN_PRINT_FAILED;
      v->why = "result.print.error";
    }
    return;
  }
  char txn_id[32];
  snprintf(txn_id, sizeof txn_id, "%" PRId64, ev->txn_id);
  const char *item = json_string_value(json_object_get(ev->body, "item_id"));
  char *json = voucher_json(a, item ? item : v->item_id, ev->body, 0);
  int rc = json ? prnw_submit(t->pw, code, txn_id, ev->member_id, json, here)
                : KERR_NOMEM;
  free(json);
  if (!here) {
    if (rc != KERR_OK)
      klog_error("txn", "voucher of redemption %" PRId64 " not kept: %s",
                 ev->txn_id, kerr_str(rc));
    return;
  }
  snprintf(v->voucher_code, sizeof v->voucher_code, "%s", code);
  v->points_charged = json_integer_value(json_object_get(ev->body, "points_charged"));
  v->points_balance = json_integer_value(json_object_get(ev->body, "points_balance"));
  v->has_balance = 1;
  if (rc == KERR_OK) {
    v->phase = TXN_PRINTING;
  } else {
    klog_error("txn", "voucher not handed to the printer: %s", kerr_str(rc));
    v->phase = TXN_PRINT_FAILED;
    v->why = t->pw ? "result.print.error" : "result.print.no_printer";
  }
}

/* A voucher job that asked for paper ended: its outcome goes to the central
 * as a print record, through the durable queue like every transaction. It
 * is queued under the voucher's member, so it goes after that member's
 * redemption (an offline voucher's code is only known to the central once
 * its redemption arrived). */
static void record_print(app *a, const prnw_result *r) {
  txn *t = of(a);
  if (!r->print || !r->voucher || !t->sw) return;
  const char *reason = r->rc == KERR_OK ? NULL : prnw_fault_name(r->fault);
  json_t *b = json_pack("{s:s, s:s, s:b, s:I}", "voucher_code", r->code,
                        "outcome", r->rc == KERR_OK ? "printed" : "failed",
                        "reprint", r->reprint, "printed_at",
                        (json_int_t)r->done_at);
  if (b && reason) json_object_set_new(b, "reason", json_string(reason));
  char *body = b ? json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(b);
  int rc = body ? sync_enqueue(t->sw, OUTBOX_PRINT_RECORD,
                               r->member_id[0] ? r->member_id : NULL, body, 0,
                               OUTBOX_PRINT_RECORD, NULL)
                : KERR_NOMEM;
  free(body);
  if (rc != KERR_OK)
    klog_error("txn", "print record not queued: %s", kerr_str(rc));
}

/* The queue's answers about print records: only logged (nobody waits). */
static void handle_print_record(const sync_event *ev) {
  switch (ev->type) {
  case SYNC_QUEUED:
    if (ev->rc != KERR_OK)
      klog_error("txn", "print record not saved: %s", ev->msg);
    else
      klog_info("txn", "print record %" PRId64 " queued for the central", ev->txn_id);
    break;
  case SYNC_ACKED:
    klog_info("txn", "print record %" PRId64 " accepted (HTTP %ld)", ev->txn_id,
              ev->status);
    break;
  case SYNC_REJECTED:
    klog_warn("txn", "print record %" PRId64 " rejected: %s (%s)", ev->txn_id,
              ev->error_code, ev->msg);
    break;
  case SYNC_RETRYING:
    klog_info("txn", "print record %" PRId64 " not delivered yet (%s)", ev->txn_id,
              ev->msg);
    break;
  case SYNC_DEAD:
    klog_error("txn", "print record %" PRId64 " given up: %s", ev->txn_id, ev->msg);
    break;
  }
}

static void handle_sync(app *a, sync_event *ev) {
  txn *t = of(a);
  txn_view *v = &t->cur;
  if (ev->kind == OUTBOX_PRINT_RECORD) {
    handle_print_record(ev);
    return;
  }
  if (ev->kind == OUTBOX_RECEIPT) {
    engage_queue_event(a, ev);
    return;
  }
  if (ev->type == SYNC_QUEUED) {
    if ((uintptr_t)ev->user == t->cur_seq && v->phase == TXN_SAVING) {
      if (ev->rc != KERR_OK) {
        v->phase = TXN_FAILED;
        v->why = "result.error.save";
        klog_error("txn", "transaction not saved: %s", ev->msg);
        kerr_msg msg = "";
        if (v->offline_code[0] && t->off &&
            offline_discard(t->off, v->offline_code, msg) != KERR_OK)
          klog_warn("txn", "offline voucher not discarded: %s", msg);
        v->offline_code[0] = '\0';
      } else {
        v->txn_id = ev->txn_id;
        v->phase = TXN_WAITING;
        /* The deadline passed while the disk was writing. */
        if (v->offline_code[0] && app_now_ms() >= v->deadline_ms) provisional(a, v);
      }
    } else if ((uintptr_t)ev->user == t->cur_seq && ev->rc == KERR_OK) {
      v->txn_id = ev->txn_id; /* the deadline passed before the disk answered */
    }
    return;
  }
  int mine = v->txn_id && ev->txn_id == v->txn_id;
  /* The member who made it is still here and has not moved on. */
  int here = mine && v->gen == session_generation(a->ses) &&
             session_member_of(a->ses) &&
             (v->phase == TXN_WAITING || v->phase == TXN_QUEUED);
  switch (ev->type) {
  case SYNC_ACKED:
    klog_info("txn", "%s %" PRId64 " accepted (HTTP %ld)%s",
              outbox_kind_name(ev->kind), ev->txn_id, ev->status,
              here ? "" : ", member no longer waiting");
    if (ev->kind == OUTBOX_REDEMPTION) {
      int printed = settle(a, ev);
      if (!printed && !(mine && v->provisional)) redeemed(a, v, ev, here);
    } else if (ev->kind == OUTBOX_PARKING) {
      parked(a, v, ev, here);
    } else if (here && ev->kind == OUTBOX_CHECKIN) {
      v->points_awarded = (int)json_integer_value(json_object_get(ev->body, "points_awarded"));
      v->streak = (int)json_integer_value(json_object_get(ev->body, "streak"));
      const json_t *bal = json_object_get(ev->body, "points_balance");
      v->has_balance = json_is_integer(bal);
      v->points_balance = json_integer_value(bal);
      v->already = ev->status == 200;
      v->phase = TXN_DONE;
    }
    if (mine) app_refresh_member(a);
    break;
  case SYNC_REJECTED:
    settle(a, ev);
    klog_info("txn", "%s %" PRId64 " rejected: %s (%s)", outbox_kind_name(ev->kind),
              ev->txn_id, ev->error_code, ev->msg);
    if (here) {
      v->phase = TXN_REJECTED;
      snprintf(v->error_code, sizeof v->error_code, "%s", ev->error_code);
      v->why = ev->kind == OUTBOX_PARKING ? txn_parking_reason_msgid(ev->error_code)
                                          : txn_reason_msgid(ev->error_code);
    }
    break;
  case SYNC_RETRYING:
    klog_info("txn", "%s %" PRId64 " not delivered yet (%s), retry in %ld ms",
              outbox_kind_name(ev->kind), ev->txn_id, ev->msg, ev->retry_in_ms);
    if (mine) v->retrying = 1;
    /* The central is unreachable: no use waiting for the deadline. */
    if (here && v->phase == TXN_WAITING && v->offline_code[0]) provisional(a, v);
    break;
  case SYNC_DEAD:
    settle(a, ev);
    klog_error("txn", "%s %" PRId64 " given up: %s", outbox_kind_name(ev->kind),
               ev->txn_id, ev->msg);
    if (here) {
      v->phase = TXN_FAILED;
      v->why = "result.error.dead";
    }
    break;
  case SYNC_QUEUED:
    break;
  }
}

static void handle_print(app *a, const prnw_result *r) {
  txn_view *v = &of(a)->cur;
  record_print(a, r);
  int mine = v->phase == TXN_PRINTING && !strcmp(r->code, v->voucher_code);
  if (r->rc == KERR_OK)
    klog_info("txn", "voucher %s%s", r->print ? "printed" : "owed",
              r->reprint ? " (reprint)" : "");
  else
    klog_warn("txn", "voucher not printed (%s): %s%s", prnw_fault_msgid(r->fault),
              r->msg, r->journaled ? "; kept in the print journal" : "");
  /* The heartbeat reports what the printer did last. */
  if (r->print) hbw_set_printer(a->hb, r->rc == KERR_OK ? PRNW_OK : r->fault, r->near_end);
  engage_printed(a, r->code, r->rc, prnw_fault_msgid(r->fault)); /* its slips */
  if (!mine) return;
  if (r->rc == KERR_OK) {
    v->phase = TXN_DONE;
  } else {
    v->phase = TXN_PRINT_FAILED;
    v->why = prnw_fault_msgid(r->fault);
  }
}

void txn_handle_event(app *a, const SDL_Event *ev) {
  int k = events_kind_of(ev);
  if (!of(a)) {
    txn_drop_event(ev);
    return;
  }
  if (k == EVENTS_TXN) {
    sync_event *se = ev->user.data1;
    handle_sync(a, se);
    sync_event_free(se);
  } else if (k == EVENTS_PRN) {
    prnw_result *r = ev->user.data1;
    handle_print(a, r);
    prnw_result_free(r);
  }
  screen_relayout(a);
}

void txn_drop_event(const SDL_Event *ev) {
  int k = events_kind_of(ev);
  if (k == EVENTS_TXN) sync_event_free(ev->user.data1);
  if (k == EVENTS_PRN) prnw_result_free(ev->user.data1);
}

uint64_t txn_tick(app *a, uint64_t now) {
  txn *t = of(a);
  if (!t) return UINT64_MAX;
  txn_view *v = &t->cur;
  if (!t->hb_wired && a->hb) {
    hbw_set_offline(a->hb, t->off); /* started after txn_open */
    t->hb_wired = 1;
  }
  if (v->offline_code[0] && (v->phase == TXN_SAVING || v->phase == TXN_WAITING) &&
      now >= v->deadline_ms) {
    /* SAVING: SYNC_QUEUED goes provisional once the redemption is durable;
     * a disk that takes another deadline to answer gets today's words. */
    if (v->phase == TXN_SAVING &&
        now >= v->deadline_ms + (uint64_t)a->cfg.online_deadline_ms) {
      klog_info("txn", "redemption: not saved within %d ms, queued until online",
                2 * a->cfg.online_deadline_ms);
      v->phase = TXN_QUEUED;
      screen_relayout(a);
    } else if (v->phase == TXN_WAITING) {
      klog_info("txn", "redemption: no answer within %d ms, offline voucher",
                a->cfg.online_deadline_ms);
      provisional(a, v);
      screen_relayout(a);
    }
  } else if ((v->phase == TXN_SAVING || v->phase == TXN_WAITING) && now >= v->deadline_ms) {
    klog_info("txn", "%s: no answer within %d ms, queued until online",
              outbox_kind_name(v->kind), a->cfg.online_deadline_ms);
    v->phase = TXN_QUEUED;
    screen_relayout(a);
  }
  uint64_t e = engage_tick(a, now);
  if (!txn_busy(a)) return e;
  app_dirty(a);
  return now + ANIM_MS < e ? now + ANIM_MS : e;
}
