#include "engage.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "klog.h"
#include "prnw.h"
#include "txn.h"

static engage E;
static json_t *claim_body; /* kept for a retry with the same key */
static char claim_path[64];
static unsigned receipt_seq;      /* matches SYNC_QUEUED to the claim */
static uint64_t receipt_deadline; /* WAITING -> QUEUED after this */

const engage *engage_get(void) { return &E; }

int engage_busy(void) { return E.phase == ENGAGE_WAITING; }

void engage_clear(void) {
  json_decref(E.answer);
  E.answer = NULL;
  json_decref(claim_body);
  claim_body = NULL;
  E.phase = ENGAGE_NONE;
  E.print = ENGAGE_PRINT_NONE;
  E.why = E.print_why = NULL;
  E.error_code[0] = E.voucher_code[0] = E.key[0] = '\0';
  E.txn_id = 0;
  receipt_seq++; /* an earlier claim's SYNC_QUEUED no longer matches */
}

void engage_forget(void) {
  engage_clear();
  /* The lists are the mall's, but recommendations and the profile's extras
   * are the member's: nothing of them outlives the session. */
  int ls = E.lottery_state == 2 ? 2 : 0, cs = E.charities_state == 2 ? 2 : 0;
  engage keep = E;
  sodium_memzero(&E, sizeof E);
  E.lottery_state = ls;
  E.lottery_cost = keep.lottery_cost;
  E.lottery_per_day = keep.lottery_per_day;
  memcpy(E.prizes, keep.prizes, sizeof E.prizes);
  E.n_prizes = keep.n_prizes;
  E.charities_state = cs;
  E.mall_total = keep.mall_total;
  E.mall_donors = keep.mall_donors;
  memcpy(E.charities, keep.charities, sizeof E.charities);
  E.n_charities = keep.n_charities;
  E.campaigns_state = keep.campaigns_state == 2 ? 2 : 0;
  memcpy(E.campaigns, keep.campaigns, sizeof E.campaigns);
  E.n_campaigns = keep.n_campaigns;
  sodium_memzero(&keep, sizeof keep);
}

static void text_of(const json_t *t, session_text *out) {
  const char *zh = json_string_value(json_object_get(t, "zh"));
  const char *en = json_string_value(json_object_get(t, "en"));
  snprintf(out->zh, sizeof out->zh, "%s", zh ? zh : "");
  snprintf(out->en, sizeof out->en, "%s", en ? en : (zh ? zh : ""));
}

static void str_of(const json_t *o, const char *k, char *out, size_t cap) {
  const char *s = json_string_value(json_object_get(o, k));
  snprintf(out, cap, "%s", s ? s : "");
}

static int64_t int_of(const json_t *o, const char *k) {
  return (int64_t)json_integer_value(json_object_get(o, k));
}

void engage_profile(const json_t *p) {
  const json_t *ci = json_object_get(p, "checkin");
  const json_t *cal = json_object_get(ci, "calendar");
  E.has_calendar = json_array_size(cal) == 7;
  for (size_t i = 0; E.has_calendar && i < 7; i++) {
    const json_t *d = json_array_get(cal, i);
    str_of(d, "date", E.calendar[i].date, sizeof E.calendar[i].date);
    E.calendar[i].checked_in = json_is_true(json_object_get(d, "checked_in"));
  }
  const json_t *b = json_object_get(ci, "bonus");
  E.bonus_every = (int)int_of(b, "every_days");
  E.bonus_points = (int)int_of(b, "points");
  E.bonus_next_in = (int)int_of(b, "next_in_days");
  E.birthday_gift_claimed = json_is_true(json_object_get(p, "birthday_gift_claimed"));
}

static void got_lottery(const json_t *b) {
  E.lottery_cost = int_of(b, "cost");
  E.lottery_per_day = int_of(b, "per_day");
  E.n_prizes = 0;
  size_t i;
  const json_t *p;
  json_array_foreach(json_object_get(b, "prizes"), i, p) {
    if (E.n_prizes == ENGAGE_MAX_PRIZES) break;
    engage_prize *z = &E.prizes[E.n_prizes++];
    str_of(p, "id", z->id, sizeof z->id);
    str_of(p, "kind", z->kind, sizeof z->kind);
    text_of(json_object_get(p, "name"), &z->name);
    z->points = int_of(p, "points");
    z->odds_ppm = int_of(p, "odds_ppm");
    const json_t *rem = json_object_get(p, "remaining");
    z->remaining = json_is_integer(rem) ? json_integer_value(rem) : -1;
    z->in_stock = json_is_true(json_object_get(p, "in_stock"));
  }
  E.lottery_state = 2;
}

static void got_charities(const json_t *b) {
  E.mall_total = int_of(b, "mall_total_points");
  E.mall_donors = int_of(b, "donors");
  E.n_charities = 0;
  size_t i;
  const json_t *c;
  json_array_foreach(json_object_get(b, "charities"), i, c) {
    if (E.n_charities == ENGAGE_MAX_CHARITIES) break;
    engage_charity *z = &E.charities[E.n_charities++];
    str_of(c, "id", z->id, sizeof z->id);
    text_of(json_object_get(c, "name"), &z->name);
    text_of(json_object_get(c, "description"), &z->desc);
    z->goal = int_of(c, "goal_points");
    z->donated = int_of(c, "donated_points");
    z->donors = int_of(c, "donors");
  }
  E.charities_state = 2;
}

static void got_recs(const json_t *b) {
  E.n_recs = 0;
  size_t i;
  const json_t *c;
  json_array_foreach(json_object_get(b, "items"), i, c) {
    if (E.n_recs == ENGAGE_MAX_RECS) break;
    engage_rec *z = &E.recs[E.n_recs++];
    str_of(c, "item_id", z->item_id, sizeof z->item_id);
    text_of(json_object_get(c, "name"), &z->name);
    z->points = int_of(c, "points");
    z->affordable = json_is_true(json_object_get(c, "affordable"));
  }
  E.recs_state = 2;
}

static void got_campaigns(const json_t *b) {
  E.n_campaigns = 0;
  size_t i;
  const json_t *c;
  json_array_foreach(json_object_get(b, "campaigns"), i, c) {
    if (E.n_campaigns == ENGAGE_MAX_CAMPAIGNS) break;
    engage_campaign *z = &E.campaigns[E.n_campaigns++];
    str_of(c, "id", z->id, sizeof z->id);
    str_of(c, "kind", z->kind, sizeof z->kind);
    text_of(json_object_get(c, "title"), &z->title);
    text_of(json_object_get(c, "body"), &z->body);
    z->starts_at = int_of(c, "starts_at");
    z->ends_at = int_of(c, "ends_at");
    z->active = json_is_true(json_object_get(c, "active"));
  }
  E.campaigns_state = 2;
}

void engage_fetch(app *a, int tag) {
  char path[96];
  const session_member *m = session_member_of(a->ses);
  switch (tag) {
  case ENGAGE_TAG_LOTTERY: snprintf(path, sizeof path, "/v1/lottery"); break;
  case ENGAGE_TAG_CHARITIES: snprintf(path, sizeof path, "/v1/charities"); break;
  case ENGAGE_TAG_CAMPAIGNS: snprintf(path, sizeof path, "/v1/campaigns"); break;
  case ENGAGE_TAG_RECS:
    if (!m) return;
    snprintf(path, sizeof path, "/v1/members/%s/recommendations?limit=%d", m->id,
             ENGAGE_MAX_RECS);
    break;
  default: return;
  }
  if (apiw_submit(a->api, tag, (void *)(uintptr_t)session_generation(a->ses),
                  "GET", path, NULL, NULL) != KERR_OK)
    return;
  a->api_inflight++;
  if (tag == ENGAGE_TAG_LOTTERY && E.lottery_state != 2) E.lottery_state = 1;
  if (tag == ENGAGE_TAG_CHARITIES && E.charities_state != 2) E.charities_state = 1;
  if (tag == ENGAGE_TAG_RECS && E.recs_state != 2) E.recs_state = 1;
  if (tag == ENGAGE_TAG_CAMPAIGNS && E.campaigns_state != 2) E.campaigns_state = 1;
}

static const char *path_of(engage_op op) {
  switch (op) {
  case ENGAGE_RECEIPT: return "/v1/receipts/claims";
  case ENGAGE_DRAW: return "/v1/lottery/draws";
  case ENGAGE_DONATION: return "/v1/donations";
  case ENGAGE_BIRTHDAY: return "/v1/birthday/claims";
  }
  return "/";
}

static const char *op_name(engage_op op) {
  static const char *n[] = {"receipt claim", "lottery draw", "donation",
                            "birthday gift"};
  return (unsigned)op < 4 ? n[op] : "claim";
}

/* A receipt claim is earning: into the durable queue, credited once
 * whenever the central is reached. */
static int enqueue_receipt(app *a) {
  const session_member *m = session_member_of(a->ses);
  char *body = claim_body ? json_dumps(claim_body, JSON_COMPACT) : NULL;
  int rc = body && m ? txn_enqueue(a, OUTBOX_RECEIPT, m->id, body,
                                   (void *)(uintptr_t)++receipt_seq)
                     : KERR_INVALID;
  free(body);
  if (rc != KERR_OK) {
    klog_error("engage", "receipt claim not queued: %s", kerr_str(rc));
    E.phase = ENGAGE_FAILED;
    E.why = "result.error.save";
    return rc;
  }
  E.txn_id = 0;
  E.phase = ENGAGE_WAITING;
  receipt_deadline = app_now_ms() + (uint64_t)a->cfg.online_deadline_ms;
  app_dirty(a);
  return KERR_OK;
}

static int send(app *a) {
  if (E.op == ENGAGE_RECEIPT) return enqueue_receipt(a);
  int rc = apiw_submit(a->api, ENGAGE_TAG_CLAIM,
                       (void *)(uintptr_t)E.gen, "POST", claim_path,
                       claim_body, E.key);
  if (rc != KERR_OK) {
    E.phase = ENGAGE_FAILED;
    E.why = "engage.why.network";
    return rc;
  }
  a->api_inflight++;
  E.phase = ENGAGE_WAITING;
  app_dirty(a);
  return KERR_OK;
}

int engage_claim(app *a, engage_op op, json_t *body) {
  if (!body) return KERR_NOMEM;
  if (E.phase == ENGAGE_WAITING) {
    json_decref(body);
    return KERR_BUSY;
  }
  engage_clear();
  claim_body = body;
  E.op = op;
  E.gen = session_generation(a->ses);
  snprintf(claim_path, sizeof claim_path, "%s", path_of(op));
  unsigned char rnd[16];
  randombytes_buf(rnd, sizeof rnd);
  sodium_bin2hex(E.key, sizeof E.key, rnd, sizeof rnd);
  klog_info("engage", "%s %s", op_name(op),
            op == ENGAGE_RECEIPT ? "queued for the central" : "sent to the central");
  return send(a);
}

int engage_retry(app *a) {
  if (E.phase != ENGAGE_FAILED || !claim_body || !E.key[0]) return KERR_INVALID;
  /* A receipt claim gets here only when the queue did not save it (or gave
   * it up): it is queued again, under the queue's new key. */
  klog_info("engage", "%s %s", op_name(E.op),
            E.op == ENGAGE_RECEIPT ? "queued again" : "sent again with the same key");
  return send(a);
}

const char *engage_reason_msgid(engage_op op, const char *c) {
  if (!c) c = "";
  if (op == ENGAGE_RECEIPT) {
    if (!strcmp(c, "receipt_claimed")) return "receipt.why.claimed";
    if (!strcmp(c, "receipt_too_old")) return "receipt.why.too_old";
    if (!strcmp(c, "receipt_other_mall")) return "receipt.why.other_mall";
    return "receipt.why.invalid";
  }
  if (!strcmp(c, "insufficient_points")) return "engage.why.insufficient_points";
  if (!strcmp(c, "limit_reached")) return "engage.why.limit_reached";
  if (!strcmp(c, "out_of_stock")) return "engage.why.out_of_stock";
  if (!strcmp(c, "birthday_claimed")) return "engage.why.birthday_claimed";
  if (!strcmp(c, "not_birthday_month")) return "engage.why.not_birthday_month";
  return "engage.why.other";
}

/* The slip of a voucher won or given (lottery prize, birthday gift): the
 * printer's gift layout; the words come from print.po. */
static char *slip_json(app *a, const char *name_zh, const char *name_en,
                       const json_t *vo, int64_t charged, int64_t balance) {
  const session_member *m = session_member_of(a->ses);
  time_t now = time(NULL), exp = (time_t)int_of(vo, "expires_at");
  struct tm tm;
  char when[32] = "", until[32] = "";
  localtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
  if (exp > 0) {
    localtime_r(&exp, &tm);
    strftime(until, sizeof until, "%Y-%m-%d", &tm);
  }
  session_text pick;
  text_of(json_object_get(vo, "pickup"), &pick);
  json_t *j = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
      "s:b, s:b}",
      "kind", "gift", "mall_name_zh",
      a->mall[APP_ZH][0] ? a->mall[APP_ZH] : app_t(a, "header.mall_default"),
      "mall_name_en", a->mall[APP_EN], "item_name_zh", name_zh, "item_name_en",
      name_en, "points_charged", (json_int_t)charged, "points_balance",
      (json_int_t)(balance < 0 ? 0 : balance), "member_name",
      m ? m->name_masked : "", "voucher_code",
      json_string_value(json_object_get(vo, "code")), "pickup_zh", pick.zh,
      "pickup_en", pick.en, "expires_at", until, "kiosk_id", a->cfg.kiosk_id,
      "time", when, "pending", 0, "reprint", 0);
  char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  return s;
}

static void print_voucher(app *a, const json_t *ans) {
  const json_t *vo = json_object_get(ans, "voucher");
  const char *code = json_string_value(json_object_get(vo, "code"));
  if (!code) return; /* a points prize or "thanks": nothing to print */
  session_text name;
  int64_t charged = 0, balance;
  const char *id;
  const session_member *m = session_member_of(a->ses);
  if (E.op == ENGAGE_DRAW) {
    text_of(json_object_get(json_object_get(ans, "prize"), "name"), &name);
    charged = int_of(ans, "points_charged");
    balance = int_of(ans, "points_balance");
    id = json_string_value(json_object_get(ans, "draw_id"));
  } else {
    text_of(json_object_get(ans, "gift"), &name);
    balance = m ? m->points : 0;
    id = json_string_value(json_object_get(ans, "claim_id"));
  }
  snprintf(E.voucher_code, sizeof E.voucher_code, "%s", code);
  char *json = slip_json(a, name.zh, name.en, vo, charged, balance);
  prnw *pw = txn_printer(a);
  int rc = json && pw ? prnw_submit(pw, code, id ? id : "", m ? m->id : "", json, 1)
                      : KERR_NOMEM;
  free(json);
  if (rc == KERR_OK) {
    E.print = ENGAGE_PRINTING;
  } else {
    klog_error("engage", "voucher not handed to the printer: %s", kerr_str(rc));
    E.print = ENGAGE_PRINT_FAILED;
    E.print_why = pw ? "result.print.error" : "result.print.no_printer";
  }
}

/* A voucher (prize, birthday gift) whose member is gone is owed in the print
 * journal for the service desk, never printed to nobody. The screens keep
 * the member on screen while a claim is out, so only a session that timed
 * out gets here. */
static void owe_late(app *a, const apiw_result *r) {
  if (r->rc != KERR_OK || r->resp.status < 200 || r->resp.status >= 300) return;
  const json_t *b = r->resp.body;
  const json_t *vo = json_object_get(b, "voucher");
  const char *code = json_string_value(json_object_get(vo, "code"));
  prnw *pw = txn_printer(a);
  if (!code || !pw) return;
  session_text name;
  const json_t *prize = json_object_get(b, "prize");
  text_of(prize ? json_object_get(prize, "name") : json_object_get(b, "gift"), &name);
  const char *id = json_string_value(
      json_object_get(b, prize ? "draw_id" : "claim_id"));
  char *json = slip_json(a, name.zh, name.en, vo, int_of(b, "points_charged"),
                         int_of(b, "points_balance"));
  if (json && prnw_submit(pw, code, id ? id : "", "", json, 0) == KERR_OK)
    klog_info("engage", "voucher owed for the service desk");
  free(json);
}

void engage_printed(app *a, const char *code, int rc, const char *why) {
  if (E.print != ENGAGE_PRINTING || strcmp(code, E.voucher_code) != 0) return;
  E.print = rc == KERR_OK ? ENGAGE_PRINTED : ENGAGE_PRINT_FAILED;
  E.print_why = rc == KERR_OK ? NULL : why;
  app_dirty(a);
}

static void claim_answer(app *a, const apiw_result *r) {
  long st = r->rc == KERR_OK ? r->resp.status : 0;
  if (st >= 200 && st < 300 && r->resp.body) {
    klog_info("engage", "%s accepted (HTTP %ld)", op_name(E.op), st);
    E.answer = json_incref(r->resp.body);
    E.phase = ENGAGE_DONE;
    if (E.op == ENGAGE_DRAW || E.op == ENGAGE_BIRTHDAY) print_voucher(a, E.answer);
    if (E.op == ENGAGE_BIRTHDAY) E.birthday_gift_claimed = 1;
    if (E.op == ENGAGE_DONATION) engage_fetch(a, ENGAGE_TAG_CHARITIES);
    json_decref(claim_body); /* done: no retry can follow */
    claim_body = NULL;
    app_refresh_member(a);
  } else if (st >= 400 && st < 500 && st != 401 && st != 403 && st != 408 &&
             st != 429) {
    klog_info("engage", "%s rejected: %s (%s)", op_name(E.op), r->resp.error_code,
              r->resp.error_message);
    E.phase = ENGAGE_REJECTED;
    snprintf(E.error_code, sizeof E.error_code, "%s", r->resp.error_code);
    E.why = engage_reason_msgid(E.op, r->resp.error_code);
    if (!strcmp(r->resp.error_code, "birthday_claimed")) E.birthday_gift_claimed = 1;
    if (E.op == ENGAGE_BIRTHDAY) app_toast(a, E.why); /* the member screen has no room */
  } else {
    klog_warn("engage", "%s not answered: %s", op_name(E.op),
              r->rc != KERR_OK ? r->msg : r->resp.error_message);
    E.phase = ENGAGE_FAILED;
    E.why = "engage.why.network";
    if (E.op == ENGAGE_BIRTHDAY) app_toast(a, E.why);
  }
}

/* The receipt claim's answer from the queue, for the member on screen. */
static void receipt_acked(app *a, const sync_event *ev) {
  json_decref(E.answer);
  E.answer = ev->body ? json_incref(ev->body) : json_object();
  E.phase = ENGAGE_DONE;
  json_decref(claim_body);
  claim_body = NULL;
  app_refresh_member(a);
}

void engage_queue_event(app *a, const sync_event *ev) {
  /* The claim on screen, for the member who made it. */
  int mine = E.op == ENGAGE_RECEIPT && E.txn_id && ev->txn_id == E.txn_id &&
             E.gen == session_generation(a->ses) && session_member_of(a->ses) &&
             (E.phase == ENGAGE_WAITING || E.phase == ENGAGE_QUEUED);
  switch (ev->type) {
  case SYNC_QUEUED:
    if ((uintptr_t)ev->user != receipt_seq || E.op != ENGAGE_RECEIPT ||
        E.phase != ENGAGE_WAITING) {
      if (ev->rc != KERR_OK) klog_error("engage", "receipt claim not saved: %s", ev->msg);
      return;
    }
    if (ev->rc != KERR_OK) {
      klog_error("engage", "receipt claim not saved: %s", ev->msg);
      E.phase = ENGAGE_FAILED;
      E.why = "result.error.save";
    } else {
      E.txn_id = ev->txn_id;
      snprintf(E.key, sizeof E.key, "%s", ev->key);
    }
    break;
  case SYNC_ACKED:
    klog_info("engage", "receipt claim accepted (HTTP %ld), queue row %" PRId64 "%s",
              ev->status, ev->txn_id, mine ? "" : ", member no longer waiting");
    if (mine) receipt_acked(a, ev);
    break;
  case SYNC_REJECTED:
    klog_info("engage", "receipt claim rejected: %s (%s), queue row %" PRId64,
              ev->error_code, ev->msg, ev->txn_id);
    if (mine) {
      E.phase = ENGAGE_REJECTED;
      snprintf(E.error_code, sizeof E.error_code, "%s", ev->error_code);
      E.why = engage_reason_msgid(ENGAGE_RECEIPT, ev->error_code);
    }
    break;
  case SYNC_RETRYING:
    klog_info("engage", "receipt claim %" PRId64 " not delivered yet (%s), retry in %ld ms",
              ev->txn_id, ev->msg, ev->retry_in_ms);
    /* The central is unreachable: no use waiting for the deadline. */
    if (mine && E.phase == ENGAGE_WAITING) {
      klog_info("engage", "receipt claim queued until online");
      E.phase = ENGAGE_QUEUED;
    }
    break;
  case SYNC_DEAD:
    klog_error("engage", "receipt claim %" PRId64 " given up: %s", ev->txn_id, ev->msg);
    if (mine) {
      E.phase = ENGAGE_FAILED;
      E.why = "result.error.dead";
    }
    break;
  }
  screen_relayout(a);
}

uint64_t engage_tick(app *a, uint64_t now) {
  if (E.op != ENGAGE_RECEIPT || E.phase != ENGAGE_WAITING) return UINT64_MAX;
  if (now < receipt_deadline) return receipt_deadline;
  klog_info("engage", "receipt claim: no answer within %d ms, queued until online",
            a->cfg.online_deadline_ms);
  E.phase = ENGAGE_QUEUED;
  screen_relayout(a);
  return UINT64_MAX;
}

void engage_answer(app *a, const apiw_result *r) {
  unsigned gen = (unsigned)(uintptr_t)r->user;
  int ok = r->rc == KERR_OK && r->resp.status == 200 && r->resp.body;
  int current = gen == session_generation(a->ses);
  switch (r->tag) {
  case ENGAGE_TAG_LOTTERY:
    if (ok) got_lottery(r->resp.body);
    else if (E.lottery_state != 2) E.lottery_state = -1;
    break;
  case ENGAGE_TAG_CHARITIES:
    if (ok) got_charities(r->resp.body);
    else if (E.charities_state != 2) E.charities_state = -1;
    break;
  case ENGAGE_TAG_CAMPAIGNS:
    if (ok) got_campaigns(r->resp.body);
    else if (E.campaigns_state != 2) E.campaigns_state = -1;
    break;
  case ENGAGE_TAG_RECS:
    if (!current || !session_member_of(a->ses)) break;
    if (ok) got_recs(r->resp.body);
    else E.recs_state = -1;
    break;
  case ENGAGE_TAG_CLAIM:
    if (!current || E.phase != ENGAGE_WAITING) {
      klog_info("engage", "answer for a claim no longer on screen (HTTP %ld)",
                r->rc == KERR_OK ? r->resp.status : 0L);
      owe_late(a, r);
      break;
    }
    claim_answer(a, r);
    break;
  }
  screen_relayout(a);
}

int engage_scan(app *a, const char *payload, size_t len) {
  if (strcmp(screen_name(a), "receipt") != 0) return 0;
  const session_member *m = session_member_of(a->ses);
  if (!m) return 0;
  if (len < 4 || memcmp(payload, "KR1.", 4) != 0 || len > 200) {
    app_toast(a, "receipt.not_receipt");
    return 1;
  }
  if (E.phase == ENGAGE_WAITING) return 1;
  json_t *b = json_pack("{s:s, s:s%}", "member_id", m->id, "code", payload, len);
  engage_claim(a, ENGAGE_RECEIPT, b);
  screen_relayout(a);
  return 1;
}
