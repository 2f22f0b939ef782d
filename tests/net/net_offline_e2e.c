/* End to end: offline redemption against the real kiosk-central (--demo).
 *
 * The central runs, the kiosk reads two members' signed codes, and the
 * central stops. The kiosk (real outbox, real sync worker, the demo voucher
 * key) issues two provisional vouchers through net/offline and queues them;
 * the sync worker reports the central unreachable. The central starts again
 * on the same port and database, and a second kiosk spends the second
 * member's points first. Then the queue drains:
 *   - the first redemption is accepted under the kiosk's own code: GET
 *     /v1/vouchers/{code} says issued (offline, issued_by demo-kiosk) and the
 *     member's balance went down by the price exactly once;
 *   - the second is refused 409 insufficient_points: the sync worker reports
 *     it rejected with that reason, the central shows the voucher void with
 *     it, nothing was charged, and the kiosk's store says void.
 * Exits 77 when kiosk-central is not built. Waits are bounded for liveness
 * only, never asserted on. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "klog.h"
#include "mcode.h"
#include "net_spawn.h"
#include "net_testdir.h"
#include "offline.h"

#define FAIL(...)                                                           \
  do {                                                                      \
    fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                   \
    fprintf(stderr, __VA_ARGS__);                                           \
    fputc('\n', stderr);                                                    \
    failures++;                                                             \
  } while (0)

static int failures;
static char g_central[PATH_MAX], g_db[PATH_MAX + 32], g_url[128], g_log[PATH_MAX + 32];
static spawn_child g_child;

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int retrying;
  int nfinal;
  sync_event *final[8]; /* kept for the checks, freed at the end */
} tally;

static void on_event(void *ctx, sync_event *ev) {
  tally *t = ctx;
  pthread_mutex_lock(&t->mu);
  if (ev->type == SYNC_RETRYING) t->retrying++;
  int keep = (ev->type == SYNC_ACKED || ev->type == SYNC_REJECTED ||
              ev->type == SYNC_DEAD) && t->nfinal < 8;
  if (keep) t->final[t->nfinal++] = ev;
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
  if (!keep) sync_event_free(ev);
}

/* Liveness bound only: 30 s for the condition. */
static int wait_for(tally *t, int *field, int at_least) {
  struct timespec dl;
  clock_gettime(CLOCK_REALTIME, &dl);
  dl.tv_sec += 30;
  pthread_mutex_lock(&t->mu);
  while (*field < at_least)
    if (pthread_cond_timedwait(&t->cv, &t->mu, &dl) != 0) break;
  int ok = *field >= at_least;
  pthread_mutex_unlock(&t->mu);
  return ok;
}

static int central_start(const char *listen) {
  const char *argv[] = {g_central, "--demo", "--listen", listen, "--db", g_db,
                        "--kiosk", "kiosk-b:secret-b", NULL};
  char lines[4][128];
  if (spawn_start(&g_child, argv, g_log, lines, 4) != 0) return -1;
  for (int i = 0; i < 4; i++) {
    char *at = strstr(lines[i], "listening on ");
    if (at) {
      snprintf(g_url, sizeof g_url, "%s", at + 13);
      return 0;
    }
  }
  return -1;
}

static api *client(const char *kiosk, const char *secret) {
  api_config c = {.base_url = g_url, .kiosk_id = kiosk, .secret = secret,
                  .timeout_ms = 5000};
  api *a = NULL;
  kerr_msg msg;
  if (api_open(&c, &a, msg) != KERR_OK) FAIL("api_open: %s", msg);
  return a;
}

/* GET path; the body (owned by the caller) or NULL. */
static json_t *get(api *a, const char *path, long *status) {
  api_response r;
  kerr_msg msg;
  memset(&r, 0, sizeof r);
  if (api_request(a, "GET", path, NULL, NULL, &r, msg) != KERR_OK) {
    FAIL("GET %s: %s", path, msg);
    return NULL;
  }
  *status = r.status;
  json_t *b = r.body;
  r.body = NULL;
  api_response_clear(&r);
  return b;
}

static int64_t balance(api *a, const char *member) {
  char path[64];
  long st = 0;
  snprintf(path, sizeof path, "/v1/members/%s", member);
  json_t *b = get(a, path, &st);
  int64_t p = json_integer_value(json_object_get(b, "points"));
  if (st != 200) FAIL("GET %s: %ld", path, st);
  json_decref(b);
  return p;
}

static void member_code(api *a, const char *member, mcode_claims *c) {
  char path[64];
  long st = 0;
  snprintf(path, sizeof path, "/v1/demo/member-code/%s", member);
  json_t *b = get(a, path, &st);
  const char *code = json_string_value(json_object_get(b, "code"));
  if (st != 200 || !code || mcode_parse(code, strlen(code), c) != MCODE_OK)
    FAIL("member code of %s: %ld", member, st);
  json_decref(b);
}

/* An offline-redeemable item for every tier, in stock, without an offer
 * (an offer would change the price under the test's feet); its id into
 * item, its prices into price[] (standard, silver, gold, diamond). */
static int pick_item(api *a, char *item, size_t cap, int64_t price[4]) {
  static const char *tiers[] = {"standard", "silver", "gold", "diamond"};
  long st = 0;
  json_t *cat = get(a, "/v1/catalog", &st), *it;
  size_t i;
  int found = 0;
  json_array_foreach(json_object_get(cat, "items"), i, it) {
    if (!json_is_true(json_object_get(it, "offline_redeemable")) ||
        json_object_get(it, "offer_kind") ||
        strcmp(json_string_value(json_object_get(it, "min_tier")), "standard") ||
        json_integer_value(json_object_get(it, "stock")) < 2)
      continue;
    for (int t = 0; t < 4; t++)
      price[t] = json_integer_value(
          json_object_get(json_object_get(it, "tier_prices"), tiers[t]));
    snprintf(item, cap, "%s", json_string_value(json_object_get(it, "id")));
    found = 1;
    break;
  }
  json_decref(cat);
  return found ? 0 : -1;
}

static json_t *voucher_at_central(api *a, const char *code) {
  char path[320];
  long st = 0;
  snprintf(path, sizeof path, "/v1/vouchers/%s", code);
  json_t *b = get(a, path, &st);
  if (st != 200) FAIL("GET voucher: %ld", st);
  return b;
}

static const char *str(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

int main(void) {
  char dir[PATH_MAX];
  kerr_msg msg;
  const char *bd = getenv("KIOSK_BUILD_DIR");
  snprintf(g_central, sizeof g_central, "%s/kiosk-central", bd ? bd : ".");
  if (access(g_central, X_OK) != 0) {
    printf("SKIP: %s not built\n", g_central);
    return 77;
  }
  if (testdir_make(dir, sizeof dir) != 0) return 1;
  snprintf(g_db, sizeof g_db, "%s/central.db", dir);
  snprintf(g_log, sizeof g_log, "%s/central.log", dir);
  char kiosk_dir[PATH_MAX + 16];
  snprintf(kiosk_dir, sizeof kiosk_dir, "%s/kiosk", dir);

  /* 1. The central runs: codes and balances as the kiosk would see them. */
  if (central_start("127.0.0.1:0") != 0) {
    fprintf(stderr, "kiosk-central did not start (log %s)\n", g_log);
    return 1;
  }
  char listen[sizeof g_url];
  snprintf(listen, sizeof listen, "%s", g_url + strlen("http://"));
  api *desk = client("demo-kiosk", "demo-secret");
  mcode_claims rich, poor;
  member_code(desk, "M100004", &rich);
  member_code(desk, "M100001", &poor);
  int64_t rich_before = balance(desk, "M100004");
  char item[40];
  int64_t prices[4];
  if (pick_item(desk, item, sizeof item, prices) != 0) {
    fprintf(stderr, "no offline-redeemable item without an offer in the demo catalog\n");
    return 1;
  }
  api_close(desk);

  /* 2. The central stops; the kiosk redeems offline. */
  spawn_stop(&g_child);
  kvkey key;
  kvkey_demo(&key);
  outbox *ob = NULL;
  offline *off = NULL;
  if (outbox_open(kiosk_dir, &ob, msg) != KERR_OK ||
      offline_open(kiosk_dir, &key, ob, &off, msg) != KERR_OK) {
    fprintf(stderr, "open: %s\n", msg);
    return 1;
  }
  tally t = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
  sync_config sc = {.api = {.base_url = g_url, .kiosk_id = "demo-kiosk",
                            .secret = "demo-secret", .timeout_ms = 3000},
                    .backoff_base_ms = 200, .backoff_cap_ms = 1000};
  sync_worker *sw = NULL;
  if (sync_start(&sc, ob, on_event, &t, &sw, msg) != KERR_OK) {
    fprintf(stderr, "sync_start: %s\n", msg);
    return 1;
  }
  offline_policy pol = {.enabled = 1, .max_points = 2000, .max_per_day = 2};
  /* M100004 is diamond, M100001 standard. */
  const int64_t price_rich = prices[3], price_poor = prices[0];
  offline_request r1 = {.member = &rich, .item_id = item, .item_offline = 1,
                        .quantity = 1, .points = price_rich};
  offline_request r2 = {.member = &poor, .item_id = item, .item_offline = 1,
                        .quantity = 1, .points = price_poor};
  offline_voucher v1, v2;
  offline_verdict verdict;
  int64_t now = (int64_t)time(NULL);
  if (offline_issue(off, &pol, &r1, now, &verdict, &v1, msg) != KERR_OK ||
      verdict != OFFLINE_ALLOWED ||
      offline_issue(off, &pol, &r2, now, &verdict, &v2, msg) != KERR_OK ||
      verdict != OFFLINE_ALLOWED) {
    fprintf(stderr, "offline_issue: %s (%s)\n", msg, offline_verdict_str(verdict));
    return 1;
  }
  if (sync_enqueue(sw, OUTBOX_REDEMPTION, rich.member_id, v1.body, price_rich, 1,
                   NULL) != KERR_OK ||
      sync_enqueue(sw, OUTBOX_REDEMPTION, poor.member_id, v2.body, price_poor, 2,
                   NULL) != KERR_OK) {
    fprintf(stderr, "sync_enqueue failed\n");
    return 1;
  }
  if (!wait_for(&t, &t.retrying, 1)) FAIL("no SYNC_RETRYING while the central is down");
  /* The vouchers went on paper as 待确认 while the central was away. */
  if (offline_mark_provisional(off, v1.code, msg) != KERR_OK ||
      offline_mark_provisional(off, v2.code, msg) != KERR_OK)
    FAIL("mark provisional: %s", msg);
  pthread_mutex_lock(&t.mu);
  if (t.nfinal != 0) FAIL("%d redemptions final while the central was down", t.nfinal);
  pthread_mutex_unlock(&t.mu);

  /* 3. The central is back; a second kiosk spends the poor member's points
   * before this kiosk's queue arrives. */
  if (central_start(listen) != 0) {
    fprintf(stderr, "kiosk-central did not restart on %s\n", listen);
    return 1;
  }
  api *b = client("kiosk-b", "secret-b");
  int64_t poor_now = balance(b, "M100001");
  /* G002 costs 1500 at the standard tier: leave less than the price. */
  int64_t q = (poor_now - price_poor) / 1500 + 1;
  if (poor_now < price_poor || q > 10) {
    FAIL("demo member M100001 has %lld points; the test needs %lld..15000",
         (long long)poor_now, (long long)price_poor);
  } else {
    char body[128];
    snprintf(body, sizeof body,
             "{\"member_id\":\"M100001\",\"item_id\":\"G002\",\"quantity\":%lld}",
             (long long)q);
    json_t *jb = json_loads(body, 0, NULL);
    api_response r;
    memset(&r, 0, sizeof r);
    if (api_request(b, "POST", "/v1/redemptions", jb, "kiosk-b-first", &r, msg) !=
            KERR_OK || r.status != 201)
      FAIL("second kiosk's redemption: %ld %s %s", r.status, r.error_code, msg);
    api_response_clear(&r);
    json_decref(jb);
  }
  int64_t poor_before = balance(b, "M100001");

  /* 4. The queue drains. */
  sync_kick(sw);
  if (!wait_for(&t, &t.nfinal, 2)) FAIL("the queue did not drain: %d final", t.nfinal);
  sync_event *acked = NULL, *rejected = NULL;
  for (int i = 0; i < t.nfinal; i++) {
    if (t.final[i]->type == SYNC_ACKED && !strcmp(t.final[i]->member_id, "M100004"))
      acked = t.final[i];
    if (t.final[i]->type == SYNC_REJECTED && !strcmp(t.final[i]->member_id, "M100001"))
      rejected = t.final[i];
  }
  if (!acked) FAIL("the first offline redemption was not accepted");
  if (!rejected) FAIL("the second offline redemption was not rejected");

  offline_entry e;
  if (acked) {
    const json_t *vo = json_object_get(acked->body, "voucher");
    if (strcmp(str(vo, "code"), v1.code) != 0)
      FAIL("accepted under another code: %s", str(vo, "code"));
    if (json_integer_value(json_object_get(acked->body, "points_charged")) != price_rich)
      FAIL("charged %lld, not %lld",
           (long long)json_integer_value(json_object_get(acked->body, "points_charged")),
           (long long)price_rich);
    if (offline_settle(off, acked, &e, msg) != KERR_OK || e.state != OFFLINE_CONFIRMED)
      FAIL("kiosk store after accept: %s %s", msg, offline_state_name(e.state));
  }
  if (rejected) {
    if (rejected->status != 409 || strcmp(rejected->error_code, "insufficient_points"))
      FAIL("rejected with %ld %s", rejected->status, rejected->error_code);
    const json_t *vo = json_object_get(rejected->body, "voucher");
    if (strcmp(str(vo, "status"), "void") || strcmp(str(vo, "void_reason"), "insufficient_points"))
      FAIL("the refusal does not name the void voucher");
    if (offline_settle(off, rejected, &e, msg) != KERR_OK || e.state != OFFLINE_VOID ||
        strcmp(e.reason, "insufficient_points"))
      FAIL("kiosk store after refusal: %s %s %s", msg, offline_state_name(e.state), e.reason);
  }

  /* 5. What the service desk sees, and the ledger. */
  json_t *g1 = voucher_at_central(b, v1.code);
  if (strcmp(str(g1, "status"), "issued") || !json_is_true(json_object_get(g1, "offline")) ||
      strcmp(str(g1, "issued_by"), "demo-kiosk") || strcmp(str(g1, "voucher_id"), v1.voucher_id))
    FAIL("offline voucher at the central: %s", json_dumps(g1, JSON_COMPACT));
  json_decref(g1);
  json_t *g2 = voucher_at_central(b, v2.code);
  if (strcmp(str(g2, "status"), "void") || strcmp(str(g2, "void_reason"), "insufficient_points"))
    FAIL("refused offline voucher at the central: %s", json_dumps(g2, JSON_COMPACT));
  json_decref(g2);
  int64_t rich_after = balance(b, "M100004"), poor_after = balance(b, "M100001");
  if (rich_after != rich_before - price_rich)
    FAIL("M100004: %lld before, %lld after, price %lld: not charged exactly once",
         (long long)rich_before, (long long)rich_after, (long long)price_rich);
  if (poor_after != poor_before)
    FAIL("M100001 charged for a refused redemption: %lld -> %lld",
         (long long)poor_before, (long long)poor_after);

  /* The same code again, under another key: never registered twice. */
  json_t *dup = json_loads(v1.body, 0, NULL);
  api *k = client("demo-kiosk", "demo-secret");
  api_response r;
  memset(&r, 0, sizeof r);
  if (api_request(k, "POST", "/v1/redemptions", dup, "another-key", &r, msg) != KERR_OK ||
      r.status != 409 || strcmp(r.error_code, "voucher_exists"))
    FAIL("second use of an offline code: %ld %s %s", r.status, r.error_code, msg);
  api_response_clear(&r);
  json_decref(dup);
  if (balance(k, "M100004") != rich_after) FAIL("the duplicate charged again");
  api_close(k);

  offline_stats_t st;
  if (offline_stats(off, &st, msg) != KERR_OK || st.voided != 1 || st.confirmed != 1 ||
      st.voided_provisional != 1)
    FAIL("kiosk stats: voided %lld confirmed %lld", (long long)st.voided,
         (long long)st.confirmed);

  api_close(b);
  sync_stop(sw);
  for (int i = 0; i < t.nfinal; i++) sync_event_free(t.final[i]);
  offline_voucher_free(&v1);
  offline_voucher_free(&v2);
  offline_close(off);
  outbox_close(ob);
  spawn_stop(&g_child);
  if (failures) {
    fprintf(stderr, "%d failure(s); central log in %s\n", failures, g_log);
    return 1;
  }
  testdir_remove(kiosk_dir);
  testdir_remove(dir);
  printf("offline redemption end to end: accepted once, refusal recorded void\n");
  return 0;
}
