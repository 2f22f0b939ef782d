#include "app.h"

#include <errno.h>
#include <inttypes.h>
#include <SDL_ttf.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apiw.h"
#include "catalog.h"
#include "demo_central.h"
#include "engage.h"
#include "events.h"
#include "hbw.h"
#include "klog.h"
#include "mcw.h"
#include "pin.h"
#include "scan_classify.h"
#include "scan_replay.h"
#include "scanw.h"
#include "script_run.h"
#include "sdnotify.h"
#include "storage.h"
#include "txn.h"
#include "ui.h"

enum { TAG_CONFIG = 1, TAG_DEMO_MEMBERS, TAG_DEMO_CODE, TAG_RESOLVE,
       TAG_REFRESH };

#define CONFIG_RETRY_MS 5000
/* How often the state dir is checked (storage.h): a fault shows within this
 * and so does its clearing. KIOSK_STORAGE_PROBE_MS overrides it for tests. */
#define STORAGE_PROBE_MS 3000
#define TOAST_MS 2500

static uint64_t config_retry_at;
static int open_storage(app *a, char *msg);
static void forget_resolving(app *a);
static uint64_t storage_step(app *a, uint64_t now);

api_config app_api_config(const app *a) {
  return (api_config){.base_url = a->central_url,
                      .kiosk_id = a->cfg.kiosk_id,
                      .secret = a->cfg.secret,
                      .timeout_ms = a->cfg.timeout_ms,
                      .ca_file = a->cfg.ca_file[0] ? a->cfg.ca_file : NULL};
}

uint64_t app_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int app_px(const app *a, int design) {
  return (int)((float)design * a->s + 0.5f);
}

const char *app_t(const app *a, const char *msgid) {
  return i18n_get(a->cat[a->lang], msgid);
}

const char *app_t_other(const app *a, const char *msgid) {
  return i18n_get(a->cat[1 - a->lang], msgid);
}

const char *app_pick(const app *a, const char *zh, const char *en) {
  if (a->lang == APP_EN && en && *en) return en;
  return zh && *zh ? zh : en ? en : "";
}

void app_dirty(app *a) { a->dirty = 1; }

void app_set_lang(app *a, int lang) {
  a->lang = lang;
  screen_relayout(a);
}

void app_toast(app *a, const char *msgid) {
  snprintf(a->toast, sizeof a->toast, "%s", msgid);
  a->toast_until = app_now_ms() + TOAST_MS;
  app_dirty(a);
}

static void notice(app *a, const char *msgid) {
  snprintf(a->notice, sizeof a->notice, "%s", msgid);
  a->notice_until = app_now_ms() + (uint64_t)a->cfg.notice_s * 1000;
  app_dirty(a);
}

/* Worker threads: wrap and post, nothing else. */
static void on_api_done(void *ctx, apiw_result *r) {
  (void)ctx;
  if (events_push(EVENTS_API, r) != 0) {
    klog_error("app", "event queue full: dropping an API answer");
    apiw_result_free(r);
  }
}

static void on_scan_done(void *ctx, scanw_result *r) {
  (void)ctx;
  if (events_push(EVENTS_SCAN, r) != 0) {
    klog_error("app", "event queue full: dropping a scan");
    scanw_result_free(r);
  }
}

static int submit(app *a, int tag, unsigned gen, const char *method,
                  const char *path, json_t *body) {
  int rc = apiw_submit(a->api, tag, (void *)(uintptr_t)gen, method, path, body,
                       NULL);
  if (body) json_decref(body);
  if (rc == KERR_OK) a->api_inflight++;
  else klog_warn("app", "%s %s not sent: %s", method, path, kerr_str(rc));
  return rc;
}

/* Keeps the screen stack in step with the session. A member's session has
 * the member screen at the bottom of the stack and whatever the member
 * opened above it: the idle countdown only overlays that (screen.c), it
 * never replaces it. Without a member the stack is the attract screen alone
 * (or with the admin screen over it), and nothing the member saw is kept:
 * the parking screen's plate and the transaction on screen are wiped too. */
static void sync_screen(app *a) {
  session_state st = session_state_of(a->ses);
  int member = st == SESSION_ACTIVE || st == SESSION_ENDING;
  /* No member and a state dir that cannot save: out of service. */
  const screen_ops *base = member              ? &scr_member
                           : !app_in_service(a) ? &scr_storage
                                                : &scr_attract;
  if (screen_base_is(a, base)) {
    screen_relayout(a);
    return;
  }
  if (!member) {
    scr_parking_forget();
    txn_clear(a);
    engage_forget();
  }
  screen_reset(a, base);
}

int app_member_offline(const app *a, int64_t *seen_at) {
  int off = a->mc_offline_gen && a->mc_offline_gen == session_generation(a->ses) &&
            session_member_of(a->ses);
  if (off && seen_at) *seen_at = a->mc_seen_at;
  return off;
}

/* A profile the central sent goes to the member cache (on its worker). */
static void cache_profile(app *a, const json_t *body) {
  const char *id = json_string_value(json_object_get(body, "id"));
  char *s = id ? json_dumps(body, JSON_COMPACT) : NULL;
  if (s) mcw_put(a->mcw, id, s);
  free(s);
}

/* The central is unreachable: look the scanned member up in the cache;
 * 1 when asked (the answer comes back through cache_step). */
static int cache_lookup(app *a, unsigned gen) {
  mcode_claims c;
  if (!a->mcw || !a->resolving_len ||
      mcode_parse(a->resolving, a->resolving_len, &c) != MCODE_OK)
    return 0;
  mcw_get(a->mcw, gen, c.member_id);
  a->mc_looking = gen;
  sodium_memzero(&c, sizeof c);
  return 1;
}

/* The cache's answer: the member home from the cached profile with the
 * points of the signed code (fresher than the cache), marked offline; or,
 * not cached, what an unreachable central always gave. */
static void cache_step(app *a) {
  unsigned gen = 0;
  char *json = NULL;
  int64_t seen = 0;
  if (!mcw_answer(a->mcw, &gen, &json, &seen)) return;
  if (!a->mc_looking || gen != a->mc_looking) {
    free(json);
    return;
  }
  a->mc_looking = 0;
  int current = gen == session_generation(a->ses) &&
                session_state_of(a->ses) == SESSION_CHECKING;
  mcode_claims c;
  memset(&c, 0, sizeof c);
  json_t *p = NULL;
  if (json && current && mcode_parse(a->resolving, a->resolving_len, &c) == MCODE_OK)
    p = json_loads(json, 0, NULL);
  if (p && json_is_object(p)) json_object_set_new(p, "points", json_integer(c.points));
  kerr_msg msg = "";
  if (p && session_resolved(a->ses, gen, p, app_now_ms(), msg) == 0 &&
      session_state_of(a->ses) == SESSION_ACTIVE) {
    a->mc_offline_gen = session_generation(a->ses);
    a->mc_seen_at = seen;
    klog_info("app", "central unreachable: member home from the member cache (seen "
              "%lld min ago), points from the member code",
              (long long)(((int64_t)time(NULL) - seen) / 60));
    if (scan_replay_add(a->replay, a->resolving, a->resolving_len, a->resolving_until,
                        (int64_t)time(NULL)) == 1)
      klog_warn("app", "replay cache full: a still valid code was dropped");
  } else if (current) {
    klog_info("app", "central unreachable and the member is not in the member cache%s%s",
              msg[0] ? ": " : "", msg);
    notice(a, "net.error.unreachable");
    session_resolve_failed(a->ses, gen);
    a->scan_started_ms = 0;
  }
  json_decref(p);
  free(json);
  sodium_memzero(&c, sizeof c);
  if (current) forget_resolving(a);
  sync_screen(a);
}

int app_in_service(const app *a) {
  return a->txn && a->catalog && a->store_fault == STORAGE_OK;
}

void app_end_session(app *a) {
  session_end(a->ses);
  klog_info("app", "session ended");
  sync_screen(a);
}

void app_refresh_member(app *a) {
  const session_member *m = session_member_of(a->ses);
  if (!m) return;
  char path[96];
  snprintf(path, sizeof path, "/v1/members/%s", m->id);
  submit(a, TAG_REFRESH, session_generation(a->ses), "GET", path, NULL);
}

int app_request(app *a, int tag, const char *method, const char *path) {
  return submit(a, tag, session_generation(a->ses), method, path, NULL);
}

static void forget_resolving(app *a) {
  sodium_memzero(a->resolving, sizeof a->resolving);
  a->resolving_len = 0;
}

void app_scan_payload(app *a, const char *payload, size_t len) {
  if (engage_scan(a, payload, len)) return; /* a receipt on its screen */
  if (!app_in_service(a) && session_state_of(a->ses) == SESSION_IDLE) {
    /* A visit whose transactions could not be saved is not started. */
    klog_warn("app", "scan refused: out of service (state dir %s)",
              storage_fault_name(a->store_fault));
    notice(a, "storage.scan_refused");
    return;
  }
  if (!a->scan_started_ms) a->scan_started_ms = app_now_ms();
  if (a->config_state != APP_CONFIG_OK) {
    /* The public key arrives with the config; check the code then. */
    if (len > MCODE_MAX_LEN) len = MCODE_MAX_LEN;
    memcpy(a->pending_scan, payload, len);
    a->pending_scan[len] = '\0';
    a->has_pending_scan = 1;
    app_dirty(a);
    return;
  }
  if (session_state_of(a->ses) == SESSION_CHECKING) return; /* one at a time */
  /* Ours, genuine, fresh and not used here before: anything else is
   * answered on the attract screen and never reaches the central. Fresh by
   * the central's clock, which issued the code: a kiosk minutes off would
   * otherwise refuse every real code as expired or from the future, long
   * before the request signature's 300 s skew rule stops it. */
  int64_t now = (int64_t)time(NULL) + a->central_offset_s;
  scan_classify_verdict v;
  scan_classify_payload(payload, len, a->pubkey, now, &a->policy, a->replay, &v);
  if (v.kind != SCAN_CLASSIFY_MEMBER) {
    klog_info("app", "scan refused: %s",
              v.replayed ? "code already used at this kiosk"
                         : mcode_status_str(v.status));
    a->scan_started_ms = 0;
    notice(a, v.msgid);
    sodium_memzero(&v, sizeof v);
    return;
  }
  int64_t until = v.claims.issued + a->policy.max_age_s;
  sodium_memzero(&v, sizeof v);
  mcode_status st;
  mcode_claims claims;
  session_scan_result r =
      session_scan(a->ses, payload, len, a->pubkey, &a->policy, now, &st, &claims);
  if (r == SESSION_SCAN_BUSY) return;
  if (r == SESSION_SCAN_REFUSED) {
    klog_info("app", "scan refused: %s", mcode_status_str(st));
    a->scan_started_ms = 0;
    notice(a, mcode_status_msgid(st));
    return;
  }
  klog_info("app", "scan accepted for member %s", claims.member_id);
  a->notice[0] = '\0';
  sodium_memzero(&claims, sizeof claims);
  if (len < sizeof a->resolving) { /* always: a verified code is short */
    memcpy(a->resolving, payload, len);
    a->resolving[len] = '\0';
    a->resolving_len = len;
    a->resolving_until = until;
  }
  json_t *body = json_pack("{s:s%}", "code", payload, len);
  if (!body ||
      submit(a, TAG_RESOLVE, session_generation(a->ses), "POST",
             "/v1/members/resolve", body) != KERR_OK) {
    session_resolve_failed(a->ses, session_generation(a->ses));
    forget_resolving(a);
    notice(a, "net.error.unreachable");
  }
  sync_screen(a);
}

void app_demo_scan(app *a, int index) {
  if (index < 0 || index >= a->n_demo || a->demo_loading) return;
  if (!app_in_service(a)) return;
  if (session_state_of(a->ses) == SESSION_CHECKING) return;
  char path[96];
  snprintf(path, sizeof path, "/v1/demo/member-code/%s",
           a->demo_members[index].id);
  a->scan_started_ms = app_now_ms();
  a->notice[0] = '\0';
  if (submit(a, TAG_DEMO_CODE, (unsigned)index, "GET", path, NULL) == KERR_OK)
    a->demo_loading = index + 1;
  app_dirty(a);
}

/* Free parking hours a day by tier, and the points price of an hour. */
static void got_parking_prices(app *a, const json_t *b) {
  size_t i;
  const json_t *t;
  json_array_foreach(json_object_get(b, "tiers"), i, t) {
    const char *code = json_string_value(json_object_get(t, "code"));
    json_int_t h = json_integer_value(json_object_get(t, "parking_free_hours"));
    if (code && h >= 0 && h <= 24)
      a->park_free_hours[theme_tier_index(code)] = (int)h;
  }
  json_int_t pph =
      json_integer_value(json_object_get(b, "parking_points_per_hour"));
  a->park_points_per_hour = pph > 0 && pph < 1000000 ? (int)pph : 0;
}

static void got_config(app *a, const json_t *b) {
  const json_t *mall = json_object_get(b, "mall_name");
  const char *zh = json_string_value(json_object_get(mall, "zh"));
  const char *en = json_string_value(json_object_get(mall, "en"));
  const char *key = json_string_value(json_object_get(b, "member_code_public_key"));
  size_t klen = 0;
  if (!key || sodium_base642bin(a->pubkey, sizeof a->pubkey, key, strlen(key),
                                NULL, &klen, NULL,
                                sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      klen != sizeof a->pubkey) {
    klog_error("app", "central config: bad member_code_public_key");
    a->config_state = APP_CONFIG_FAILED;
    config_retry_at = app_now_ms() + CONFIG_RETRY_MS;
    return;
  }
  snprintf(a->mall[APP_ZH], sizeof a->mall[0], "%s", zh ? zh : "");
  snprintf(a->mall[APP_EN], sizeof a->mall[0], "%s", en ? en : (zh ? zh : ""));
  const json_t *age = json_object_get(b, "member_code_max_age_s");
  const json_t *fut = json_object_get(b, "member_code_max_future_s");
  mcode_policy def = MCODE_POLICY_DEFAULT;
  a->policy = def;
  if (json_is_integer(age) && json_integer_value(age) > 0)
    a->policy.max_age_s = json_integer_value(age);
  if (json_is_integer(fut) && json_integer_value(fut) >= 0)
    a->policy.max_future_s = json_integer_value(fut);
  const json_t *st = json_object_get(b, "server_time");
  if (json_is_integer(st)) {
    int64_t off = (int64_t)json_integer_value(st) - (int64_t)time(NULL);
    /* Within a couple of seconds is the request's own travel time. */
    a->central_offset_s = off > 2 || off < -2 ? off : 0;
    if (a->central_offset_s)
      klog_warn("app", "this kiosk's clock is %" PRId64 " s %s the central's; "
                "member codes are checked by the central's clock",
                off > 0 ? off : -off, off > 0 ? "behind" : "ahead of");
  }
  got_parking_prices(a, b);
  txn_kiosk_config(a, b); /* the mall's offline limits */
  a->config_state = APP_CONFIG_OK;
  klog_info("app", "central config loaded");
  if (a->opt.demo && !a->n_demo)
    submit(a, TAG_DEMO_MEMBERS, 0, "GET", "/v1/demo/members", NULL);
  if (a->has_pending_scan) {
    char code[sizeof a->pending_scan];
    memcpy(code, a->pending_scan, sizeof code);
    a->has_pending_scan = 0;
    sodium_memzero(a->pending_scan, sizeof a->pending_scan);
    app_scan_payload(a, code, strlen(code));
    sodium_memzero(code, sizeof code);
  }
}

static void got_demo_members(app *a, const json_t *b) {
  size_t i;
  const json_t *m;
  a->n_demo = 0;
  json_array_foreach(json_object_get(b, "members"), i, m) {
    if (a->n_demo == APP_MAX_DEMO) break;
    const char *id = json_string_value(json_object_get(m, "id"));
    const char *tier = json_string_value(json_object_get(m, "tier"));
    const char *name = json_string_value(json_object_get(m, "name_masked"));
    if (!id || !tier) continue;
    app_demo_member *d = &a->demo_members[a->n_demo++];
    snprintf(d->id, sizeof d->id, "%s", id);
    snprintf(d->tier, sizeof d->tier, "%s", tier);
    snprintf(d->name_masked, sizeof d->name_masked, "%s", name ? name : "");
  }
  klog_info("app", "%d demo members", a->n_demo);
}

/* The member-facing reason for a resolve the central refused. */
static const char *resolve_error_msgid(const apiw_result *r) {
  if (r->rc != KERR_OK) return "net.error.unreachable";
  if (r->resp.status == 404) return "attract.error.unknown_member";
  if (!strcmp(r->resp.error_code, "expired_code")) return "scan.error.expired";
  if (!strcmp(r->resp.error_code, "invalid_code")) return "scan.error.invalid";
  if (!strcmp(r->resp.error_code, "code_used")) return "scan.error.replayed";
  return "net.error.central";
}

static void handle_api(app *a, apiw_result *r) {
  a->api_inflight--;
  int ok = r->rc == KERR_OK && r->resp.status == 200 && r->resp.body;
  if (r->rc == KERR_OK && !ok && r->tag != ENGAGE_TAG_CLAIM) /* engage.c logs */
    klog_warn("app", "central answered %ld %s: %s", r->resp.status,
              r->resp.error_code, r->resp.error_message);
  switch (r->tag) {
  case TAG_CONFIG:
    if (ok) {
      got_config(a, r->resp.body);
    } else {
      a->config_state = APP_CONFIG_FAILED;
      config_retry_at = app_now_ms() + CONFIG_RETRY_MS;
      if (a->has_pending_scan) {
        a->has_pending_scan = 0;
        sodium_memzero(a->pending_scan, sizeof a->pending_scan);
        notice(a, "net.error.unreachable");
      }
    }
    screen_relayout(a);
    break;
  case TAG_DEMO_MEMBERS:
    if (ok) got_demo_members(a, r->resp.body);
    screen_relayout(a);
    break;
  case TAG_DEMO_CODE: {
    a->demo_loading = 0;
    const char *code =
        ok ? json_string_value(json_object_get(r->resp.body, "code")) : NULL;
    if (!code) {
      notice(a, r->rc == KERR_OK ? "net.error.central" : "net.error.unreachable");
      a->scan_started_ms = 0;
    } else if (scanw_submit_code(a->scan, code) == KERR_OK) {
      a->scan_inflight++;
    }
    app_dirty(a);
    break;
  }
  case TAG_RESOLVE: {
    unsigned gen = (unsigned)(uintptr_t)r->user;
    int current = gen == session_generation(a->ses);
    if (ok) {
      kerr_msg msg = "";
      if (session_resolved(a->ses, gen, r->resp.body, app_now_ms(), msg) != 0) {
        klog_error("app", "member profile: %s", msg);
        notice(a, "net.error.central");
      } else if (gen == session_generation(a->ses) && a->resolving_len &&
                 session_state_of(a->ses) == SESSION_ACTIVE) {
        engage_profile(r->resp.body);
        cache_profile(a, r->resp.body);
        /* The code opened a session: it opens no other here. */
        if (scan_replay_add(a->replay, a->resolving, a->resolving_len,
                            a->resolving_until, (int64_t)time(NULL)) == 1)
          klog_warn("app", "replay cache full: a still valid code was dropped");
      }
    } else if (current && r->rc != KERR_OK && cache_lookup(a, gen)) {
      break; /* still checking: cache_step answers (the code is kept) */
    } else {
      if (gen == session_generation(a->ses)) notice(a, resolve_error_msgid(r));
      session_resolve_failed(a->ses, gen);
      a->scan_started_ms = 0;
    }
    if (current) forget_resolving(a);
    sync_screen(a);
    break;
  }
  case APP_TAG_PARKING:
    scr_parking_answer(a, (unsigned)(uintptr_t)r->user, r->rc, r->resp.status,
                       r->rc == KERR_OK ? r->resp.body : NULL);
    break;
  case APP_TAG_ADMIN:
    scr_admin_answer(a, r->rc, r->resp.status,
                     r->rc == KERR_OK ? r->resp.body : NULL);
    break;
  case APP_TAG_BOARD:
    scr_attract_board(a, r->rc == KERR_OK ? r->resp.status : 0,
                      r->rc == KERR_OK ? r->resp.body : NULL);
    break;
  case ENGAGE_TAG_LOTTERY:
  case ENGAGE_TAG_CHARITIES:
  case ENGAGE_TAG_RECS:
  case ENGAGE_TAG_CAMPAIGNS:
  case ENGAGE_TAG_CLAIM:
    engage_answer(a, r);
    break;
  case TAG_REFRESH: {
    kerr_msg msg = "";
    if (ok && session_refresh(a->ses, (unsigned)(uintptr_t)r->user,
                              r->resp.body, msg) != 0)
      klog_warn("app", "member profile: %s", msg);
    else if (ok && (unsigned)(uintptr_t)r->user == session_generation(a->ses)) {
      engage_profile(r->resp.body);
      cache_profile(a, r->resp.body);
      a->mc_offline_gen = 0; /* the central's own answer now */
    }
    screen_relayout(a);
    break;
  }
  }
  apiw_result_free(r);
}

static void handle_scan(app *a, scanw_result *r) {
  if (r->source == SCANW_DEMO) a->scan_inflight--;
  switch (r->kind) {
  case SCAN_EVENT_PAYLOAD:
    if (r->found) app_scan_payload(a, r->payload, r->len);
    else notice(a, "attract.error.unreadable");
    break;
  case SCAN_EVENT_REJECT:
    klog_warn("app", "scanner: %s (%s)", kerr_str(r->rc), r->msg);
    notice(a, "attract.error.unreadable");
    break;
  case SCAN_EVENT_STATE:
    /* The admin screen's scanner line (scan_thread logged the change). */
    screen_relayout(a);
    break;
  }
  scanw_result_free(r);
}

/* systemd's STATUS line after each heartbeat: the queue and the printer,
 * never anything about a member. */
static void status_line(app *a) {
  hbw_snapshot hs;
  if (!a->hb || hbw_get(a->hb, &hs) == a->hb_gen) return;
  a->hb_gen = hs.gen;
  if (hs.have_queue)
    sdnotify_status("queue %lld pending (oldest %lld s), %lld rejected; "
                    "printer %s, paper %s; central %s",
                    (long long)hs.queue.depth,
                    (long long)(hs.queue.oldest_pending_age_ms / 1000),
                    (long long)hs.queue.rejected, hs.printer, hs.paper,
                    hs.status == 200 ? "ok" : "unreachable");
  else
    sdnotify_status("queue unknown; printer %s, paper %s; central %s",
                    hs.printer, hs.paper, hs.status == 200 ? "ok" : "unreachable");
}

static int swallow_up; /* the release of a touch that only woke the session */

int app_handle_event(app *a, const SDL_Event *ev) {
  switch (events_kind_of(ev)) {
  case EVENTS_API:
    handle_api(a, ev->user.data1);
    return 1;
  case EVENTS_SCAN:
    handle_scan(a, ev->user.data1);
    return 1;
  case EVENTS_WAKE:
    return 1;
  case EVENTS_TXN:
  case EVENTS_PRN:
    txn_handle_event(a, ev);
    return 1;
  case EVENTS_CAT:
    catalog_handle(a, ev->user.data1);
    return 1;
  default:
    break;
  }
  switch (ev->type) {
  case SDL_QUIT:
    a->quit = 1;
    return 0;
  case SDL_WINDOWEVENT:
    if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
      SDL_GetRendererOutputSize(a->ren, &a->w, &a->h);
      a->s = (float)(a->w < a->h ? a->w : a->h) / 1080.0f;
      screen_relayout(a);
    }
    return ev->window.event == SDL_WINDOWEVENT_EXPOSED ||
           ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED;
  case SDL_MOUSEBUTTONDOWN:
    if (session_state_of(a->ses) == SESSION_ENDING) {
      /* Any touch keeps the session; it must not also press what lies
       * under the countdown. */
      session_touch(a->ses, app_now_ms());
      swallow_up = 1;
      sync_screen(a);
      return 1;
    }
    session_touch(a->ses, app_now_ms());
    break;
  case SDL_MOUSEBUTTONUP:
    if (swallow_up) {
      swallow_up = 0;
      return 0;
    }
    break;
  case SDL_KEYDOWN:
  case SDL_TEXTINPUT:
    session_touch(a->ses, app_now_ms());
    break;
  default:
    break;
  }
  const screen_ops *s = screen_top(a);
  if (s && s->event && s->event(a, ev)) return 1;
  const char *clicked = NULL;
  int r = wset_event(&a->ws, ev, &clicked);
  if (r == WSET_CLICKED) {
    char id[WIDGET_ID_MAX];
    snprintf(id, sizeof id, "%s", clicked);
    klog_debug("app", "click %s on %s", id, screen_name(a));
    if (s && s->click) s->click(a, id);
  }
  return r != WSET_NONE;
}

uint64_t app_tick(app *a, uint64_t now) {
  uint64_t next = UINT64_MAX;
  if (session_tick(a->ses, now)) {
    klog_info("app", "session %s", session_state_of(a->ses) == SESSION_ENDING
                                         ? "idle: countdown"
                                         : "ended after idle time");
    sync_screen(a);
  }
  /* Redraw when the countdown's whole seconds change, not on every pass:
   * a frame that is always dirty never lets a script's expect settle. */
  int left = session_countdown_left(a->ses, now);
  if (left != a->countdown_shown) {
    a->countdown_shown = left;
    app_dirty(a);
  }
  uint64_t d = session_deadline(a->ses, now);
  if (d < next) next = d;
  if (a->notice[0]) {
    if (now >= a->notice_until) {
      a->notice[0] = '\0';
      app_dirty(a);
    } else if (a->notice_until < next) {
      next = a->notice_until;
    }
  }
  if (a->toast[0]) {
    if (now >= a->toast_until) {
      a->toast[0] = '\0';
      app_dirty(a);
    } else if (a->toast_until < next) {
      next = a->toast_until;
    }
  }
  status_line(a);
  cache_step(a);
  uint64_t jt = storage_step(a, now);
  if (jt < next) next = jt;
  jt = txn_tick(a, now);
  if (jt < next) next = jt;
  jt = screen_tick(a, now);
  if (jt < next) next = jt;
  if (a->config_state == APP_CONFIG_FAILED && a->api_inflight == 0) {
    if (now >= config_retry_at) {
      a->config_state = APP_CONFIG_LOADING;
      submit(a, TAG_CONFIG, 0, "GET", "/v1/kiosk/config", NULL);
    } else if (config_retry_at < next) {
      next = config_retry_at;
    }
  }
  return next;
}

int app_settled(const app *a) {
  return a->api_inflight == 0 && a->scan_inflight == 0 && !a->has_pending_scan &&
         !a->mc_looking &&
         !txn_busy(a) && catalog_settled(a);
}

static void draw_toast(app *a) {
  if (!a->toast[0]) return;
  const theme *th = &a->th;
  const char *t = app_t(a, a->toast);
  int px = app_px(a, th->type_body), w = 0, h = 0;
  text_measure(a->tx, px, 1, t, &w, &h);
  SDL_Rect r = {(a->w - w) / 2 - px, a->h - app_px(a, 360), w + 2 * px,
                h + px};
  draw_shadow(a->dr, r, r.h / 2, app_px(a, 16), 120);
  draw_rrect(a->dr, r, r.h / 2, (SDL_Color){20, 24, 44, 240});
  text_draw(a->tx, px, 1, th->text, t, a->w / 2, r.y + px / 2, TEXT_CENTER);
}

void app_draw(app *a) {
  const screen_ops *s = screen_top(a);
  /* No clear: every screen starts with screen_background(), which covers
   * the window opaquely (a clear was a full-screen fill for nothing). */
  if (s && s->draw) s->draw(a);
  screen_transition_draw(a);
  screen_countdown_draw(a);
  draw_toast(a);
}

static int resolve_assets(app *a, char *msg) {
  const char *env = getenv("KIOSK_ASSETS");
  struct stat st;
  const char *dir = env && *env                                 ? env
                    : stat(KIOSK_SOURCE_ASSETS, &st) == 0 ? KIOSK_SOURCE_ASSETS
                                                                : KIOSK_INSTALL_ASSETS;
  snprintf(a->assets, sizeof a->assets, "%s", dir);
  if (stat(a->assets, &st) != 0 || !S_ISDIR(st.st_mode))
    return kerr_set(msg, KERR_CONFIG, "assets folder %s: %s", a->assets,
                    strerror(errno ? errno : ENOTDIR));
  return KERR_OK;
}

static int make_state_dir(app *a, char *msg) {
  if (a->opt.state_dir) {
    snprintf(a->state_dir, sizeof a->state_dir, "%s", a->opt.state_dir);
  } else {
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
      snprintf(a->state_dir, sizeof a->state_dir, "%s/kiosk", xdg);
    else
      snprintf(a->state_dir, sizeof a->state_dir, "%s/.local/state/kiosk",
               home && *home ? home : "/tmp");
  }
  char buf[sizeof a->state_dir];
  snprintf(buf, sizeof buf, "%s", a->state_dir);
  for (char *p = buf + 1;; p++) {
    if (*p != '/' && *p) continue;
    char c = *p;
    *p = '\0';
    /* Only the last folder is ours and private; parents get usual modes. */
    if (mkdir(buf, c ? 0755 : 0700) != 0 && errno != EEXIST)
      return kerr_set(msg, KERR_IO, "state dir %s: %s", buf, strerror(errno));
    if (!c) break;
    *p = c;
  }
  return KERR_OK;
}

int app_open(app *a, const app_options *opt, char *msg) {
  a->opt = *opt;
  a->depth = 0;
  wset_clear(&a->ws);
  int rc = resolve_assets(a, msg);
  if (!rc) rc = make_state_dir(a, msg);
  if (rc) return rc;
  char path[1024];
  static const char *langs[2] = {"zh_CN", "en"};
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/i18n/%s", a->assets, langs[i]);
    rc = i18n_load_dir(path, &a->cat[i], msg);
    if (rc) return rc;
  }
  a->lang = !strcmp(opt->lang ? opt->lang : a->cfg.language, "en") ? APP_EN
                                                                    : APP_ZH;
  snprintf(path, sizeof path, "%s/theme/theme.ini", a->assets);
  rc = theme_load(path, &a->th, msg);
  if (rc) return rc;

  if (opt->central_url) {
    snprintf(a->central_url, sizeof a->central_url, "%s", opt->central_url);
  } else if (opt->demo) {
    rc = demo_central_start(a->state_dir, &a->central, a->central_url,
                            sizeof a->central_url, msg);
    if (rc) return rc;
  } else {
    snprintf(a->central_url, sizeof a->central_url, "%s", a->cfg.central_url);
  }

  rc = ui_open(a, msg);
  if (rc) return rc;
  rc = text_new(a->ren, a->cfg.font_regular, a->cfg.font_bold,
                a->cfg.font_face, &a->tx, msg);
  if (!rc) rc = draw_new(a->ren, &a->dr, msg);
  if (!rc) rc = events_init(msg);
  if (rc) return rc;
  a->ses = session_new((uint64_t)a->cfg.idle_timeout_s * 1000,
                       (uint64_t)a->cfg.countdown_s * 1000);
  if (!a->ses) return kerr_set(msg, KERR_NOMEM, "out of memory");

  api_config ac = app_api_config(a);
  rc = apiw_start(&ac, on_api_done, a, &a->api, msg);
  if (!rc) rc = scan_replay_new(&a->replay, 256, msg);
  if (!rc)
    rc = scanw_start(a->cfg.scanner_sources, a->cfg.scanner_preview_files,
                     on_scan_done, a, &a->scan, msg);
  if (!rc) rc = open_storage(a, msg);
  if (rc) return rc;
  a->config_state = APP_CONFIG_LOADING;
  submit(a, TAG_CONFIG, 0, "GET", "/v1/kiosk/config", NULL);
  screen_replace(a, app_in_service(a) ? &scr_attract : &scr_storage);
  klog_info("app", "kiosk %s against %s, language %s", a->cfg.kiosk_id,
            a->central_url, langs[a->lang]);
  return KERR_OK;
}

/* Everything that needs a writable state dir: the queue, the catalog cache
 * and the heartbeat (which reads the queue). What is open stays open. */
static int open_stateful(app *a, char *msg) {
  int rc = a->txn ? KERR_OK : txn_open(a, msg);
  if (!rc && !a->catalog) rc = catalog_open(a, msg);
  if (rc || a->hb) return rc;
  api_config ac = app_api_config(a);
  hbw_config hc = {ac, txn_outbox(a), a->cfg.heartbeat_s, KIOSK_VERSION};
  kerr_msg hmsg = "";
  if (hbw_start(&hc, &a->hb, hmsg) != KERR_OK)
    klog_error("app", "heartbeat: %s", hmsg); /* the kiosk still serves */
  return KERR_OK;
}

static void on_storage_changed(void *ctx) {
  (void)ctx;
  events_push(EVENTS_WAKE, NULL); /* app_tick reads the new verdict */
}

static uint64_t storage_period_ms(void) {
  const char *e = getenv("KIOSK_STORAGE_PROBE_MS");
  long v = e && *e ? strtol(e, NULL, 10) : 0;
  return v >= 50 && v <= 600000 ? (uint64_t)v : STORAGE_PROBE_MS;
}

/* A full or read-only state dir at start: the kiosk still starts, out of
 * service with the reason on screen, and opens the queue itself once the
 * watcher sees the fault clear. Any other failure stops the start as
 * before. The one probe here is start-up I/O, like the queue's own open. */
static int open_storage(app *a, char *msg) {
  int rc = open_stateful(a, msg);
  if (rc != KERR_OK) {
    int err = 0;
    kerr_msg detail = "";
    storage_fault f = storage_probe(a->state_dir, &err, detail);
    if (f == STORAGE_OK) return rc;
    a->store_fault = (int)f;
    klog_error("app", "state dir %s unusable: %s (%s): %s; the queue: %s; out of "
               "service until it clears",
               a->state_dir, storage_fault_name(f), storage_errno_name(err), detail,
               msg);
    msg[0] = '\0';
  }
  rc = storage_start(a->state_dir, storage_period_ms(), on_storage_changed, a,
                     &a->store, msg);
  /* The member cache opens on its own thread; without it the kiosk serves. */
  kerr_msg cmsg = "";
  if (!rc && mcw_start(a->state_dir, on_storage_changed, a, &a->mcw, cmsg) != KERR_OK)
    klog_error("app", "member cache: %s", cmsg);
  return rc;
}

/* The watcher's verdict on the UI thread: log a change once, switch to or
 * from the out-of-service screen, open what start-up could not. A failed
 * save asks the watcher to look now, so the result screen can say why. */
static uint64_t storage_step(app *a, uint64_t now) {
  static uint64_t reopen_at;
  if (!a->store) return UINT64_MAX;
  int err = 0;
  kerr_msg detail = "";
  unsigned gen = 0;
  storage_fault f = storage_get(a->store, &err, detail, sizeof detail, &gen);
  if (gen == 0) return UINT64_MAX; /* no verdict yet: start-up's stands */
  const txn_view *v = txn_current(a);
  if (v && v->phase == TXN_FAILED && v->why && !strcmp(v->why, "result.error.save") &&
      v->started_ms != a->store_kicked) {
    a->store_kicked = v->started_ms;
    storage_kick(a->store);
  }
  int changed = gen != a->store_gen;
  a->store_gen = gen;
  if (changed && (int)f != a->store_fault) {
    if (f != STORAGE_OK)
      klog_error("app", "state dir %s: %s (%s): %s; %s", a->state_dir,
                 storage_fault_name(f), storage_errno_name(err), detail,
                 "new transactions cannot be saved: out of service until it clears");
    else if (a->txn)
      klog_info("app", "state dir %s usable again: back in service", a->state_dir);
    a->store_fault = (int)f;
  }
  int closed = !a->txn || !a->catalog;
  if (f == STORAGE_OK && closed && now >= reopen_at) {
    kerr_msg msg = "";
    if (open_stateful(a, msg) == KERR_OK) {
      klog_info("app", "state dir %s usable again: queue open, back in service",
                a->state_dir);
      changed = 1;
    } else {
      klog_error("app", "state dir %s: the queue still does not open: %s",
                 a->state_dir, msg);
      reopen_at = now + storage_period_ms();
    }
  }
  /* Without a member the base follows the verdict; staff on the admin
   * screen keep it (its storage line changes) and see the base on leaving. */
  int idle = session_state_of(a->ses) == SESSION_IDLE;
  if (idle && screen_top(a) != &scr_admin &&
      screen_base_is(a, &scr_storage) == app_in_service(a))
    sync_screen(a);
  else if (changed)
    screen_relayout(a);
  return f == STORAGE_OK && (!a->txn || !a->catalog) ? reopen_at : UINT64_MAX;
}

/* SDL_PeepEvents, not SDL_PollEvent: SDL 2.26 (Debian 12) stops a poll at
 * its internal poll sentinel with events still queued behind it
 * (libsdl-org/SDL#7392), and a worker's answer left there leaked. */
static void drain_events(app *a) {
  SDL_Event ev;
  SDL_PumpEvents();
  while (SDL_PeepEvents(&ev, 1, SDL_GETEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) > 0) {
    int k = events_kind_of(&ev);
    if (k == EVENTS_API) apiw_result_free(ev.user.data1);
    if (k == EVENTS_SCAN) scanw_result_free(ev.user.data1);
    if (k == EVENTS_TXN || k == EVENTS_PRN) txn_drop_event(&ev);
    if (k == EVENTS_CAT) catalog_result_free(ev.user.data1);
  }
  (void)a;
}

void app_close(app *a) {
  /* Workers answer what they still hold while stopping; those answers are
   * events that must be freed, not handled. */
  storage_stop(a->store);
  a->store = NULL;
  mcw_stop(a->mcw);
  a->mcw = NULL;
  if (a->api) apiw_stop(a->api);
  if (a->scan) scanw_stop(a->scan);
  hbw_stop(a->hb); /* reads the queue: before txn_close */
  a->hb = NULL;
  scr_admin_close(); /* its worker reads the queue and the journal */
  engage_forget();
  /* Before TTF_Quit: the printer worker renders with SDL_ttf. */
  txn_close(a);
  catalog_close(a);
  if (a->win) drain_events(a);
  a->api = NULL;
  a->scan = NULL;
  if (a->script) script_run_free(a->script);
  a->script = NULL;
  session_free(a->ses);
  a->ses = NULL;
  pin_free(a->pin);
  a->pin = NULL;
  scr_attract_close();
  text_free(a->tx);
  draw_free(a->dr);
  a->tx = NULL;
  a->dr = NULL;
  if (TTF_WasInit()) TTF_Quit();
  if (a->win) ui_close(a);
  for (int i = 0; i < 2; i++) i18n_free(a->cat[i]);
  demo_central_stop(a->central);
  a->central = NULL;
  sodium_memzero(a->pending_scan, sizeof a->pending_scan);
  forget_resolving(a);
  scan_replay_free(a->replay);
  a->replay = NULL;
}
