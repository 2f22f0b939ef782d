/* libFuzzer: one HTTP request to kiosk-central, as the route handlers see
 * it, against a demo database. The input is a small request text:
 *
 *   METHOD SP TARGET LF (NAME ": " VALUE LF)* LF BODY
 *
 * TARGET goes through the route table as the HTTP layer would route it.
 * Without X-Kiosk-Id the request counts as signed by demo-kiosk, so the
 * handlers' body and path parsing is reached; with it ctl_auth_check runs on
 * the headers as given, and "X-Kiosk-Signature: sign" makes the harness sign
 * with demo-secret so the timestamp rules past the HMAC are reached too.
 * Staff routes run as an admin unless a Cookie is given. The staff login
 * is left out: each call is an Argon2id hash (a second of CPU).
 *
 * Checked: every request gets exactly one answer; no 500 (the server's
 * "this should not happen"); error bodies are {"error", "message"}; and no
 * kiosk-facing answer carries a demo member's full name or phone number
 * unless the request itself did. */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_auth.h"
#include "ctl_console.h"
#include "ctl_demo.h"
#include "ctl_env.h"
#include "ctl_keys.h"
#include "ctl_http.h"
#include "ctl_req.h"
#include "ctl_routes.h"
#include "ctl_staff.h"
#include "fuzz_util.h"
#include "reqsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1795512000
/* Tests' fixed signing key (kiosk-central --signing-seed), so seeds can carry
 * member codes that verify. */
#define SEED "0101010101010101010101010101010101010101010101010101010101010101"

static ctl_env env;
static char db_path[64];

static void drop_db(void) {
  char p[80];
  if (env.db) ctl_db_close(env.db);
  unlink(db_path);
  snprintf(p, sizeof p, "%s-wal", db_path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", db_path);
  unlink(p);
}

static void setup(void) {
  kerr_msg msg;
  int fd;
  /* tmpfs when there is one: the central syncs every commit. */
  snprintf(db_path, sizeof db_path, "%s/kiosk-fuzz-central-XXXXXX",
           access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
  if (sodium_init() < 0 || (fd = mkstemp(db_path)) < 0) abort();
  close(fd);
  unlink(db_path);
  env.demo = 1;
  env.assets_dir = FUZZ_CENTRAL_DIR "/assets";
  env.parking_fee_per_hour = 10;
  env.parking_points_per_hour = 300;
  ctl_console_set_dir(FUZZ_CENTRAL_DIR "/console");
  if (ctl_env_add_kiosk(&env, "demo-kiosk:demo-secret", msg) != 0 ||
      ctl_db_open(db_path, 2, &env.db, msg) != 0) {
    fprintf(stderr, "fuzz_central_req: %s\n", msg);
    abort();
  }
  atexit(drop_db);
  sqlite3 *conn = ctl_db_acquire(env.db);
  int rc = ctl_keys_load(conn, SEED, &env.keys, msg);
  ctl_db_release(env.db, conn);
  if (rc || ctl_demo_seed(env.db, NOW, msg) != 0) {
    fprintf(stderr, "fuzz_central_req: %s\n", msg);
    abort();
  }
}

typedef struct {
  char *method, *target, *body;
  size_t body_len;
  const char *kiosk_id, *timestamp, *signature;
  const char *idem, *inm, *cookie, *csrf, *ctype;
} request;

/* Splits the request text in place; 0 when it has a request line. */
static int parse(char *text, size_t size, request *q) {
  char *end = text + size, *line = text, *nl;
  memset(q, 0, sizeof *q);
  if (!(nl = memchr(line, '\n', (size_t)(end - line)))) return -1;
  *nl = '\0';
  q->method = line;
  if (!(q->target = strchr(line, ' '))) return -1;
  *q->target++ = '\0';
  for (line = nl + 1; line < end; line = nl + 1) {
    char *colon;
    if (!(nl = memchr(line, '\n', (size_t)(end - line)))) nl = end;
    *nl = '\0';
    if (!*line) {
      line = nl + 1;
      break;
    }
    if (!(colon = strstr(line, ": "))) continue;
    *colon = '\0';
    const char *v = colon + 2;
    if (!strcmp(line, "X-Kiosk-Id")) q->kiosk_id = v;
    else if (!strcmp(line, "X-Kiosk-Timestamp")) q->timestamp = v;
    else if (!strcmp(line, "X-Kiosk-Signature")) q->signature = v;
    else if (!strcmp(line, "Idempotency-Key")) q->idem = v;
    else if (!strcmp(line, "If-None-Match")) q->inm = v;
    else if (!strcmp(line, "Cookie")) q->cookie = v;
    else if (!strcmp(line, "X-CSRF-Token")) q->csrf = v;
    else if (!strcmp(line, "Content-Type")) q->ctype = v;
  }
  if (line < end) {
    q->body = line;
    q->body_len = (size_t)(end - line);
  }
  return 0;
}

static int mentions(const char *s, size_t n, const char *what) {
  size_t w = strlen(what);
  for (size_t i = 0; i + w <= n; i++)
    if (!memcmp(s + i, what, w)) return 1;
  return 0;
}

static void check_reply(const request *q, const ctl_route *route, ctl_req *r,
                        const char *raw, size_t raw_len) {
  static const char *const secret[] = {"李婷", "王建国", "张晓明", "陈思远",
                                       "13800001001", "13800001002",
                                       "13800001003", "13800001004"};
  if (r->status < 200 || r->status > 599) abort();
  if (r->status == 500) {
    char *dump = ctl_req_dump(r);
    fprintf(stderr, "500 for %s %s: %s\n", q->method, q->target,
            dump ? dump : "?");
    free(dump);
    abort();
  }
  if (r->status >= 400 && r->json &&
      (!json_is_string(json_object_get(r->json, "error")) ||
       !json_is_string(json_object_get(r->json, "message"))))
    abort();
  if (route->auth != CTL_ROUTE_KIOSK || r->status >= 300 || !r->json) return;
  char *dump = json_dumps(r->json, JSON_COMPACT);
  if (!dump) abort();
  for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
    if (strstr(dump, secret[i]) && !mentions(raw, raw_len, secret[i])) {
      fprintf(stderr, "%s %s answered %s\n", q->method, q->target, dump);
      abort();
    }
  free(dump);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static unsigned long counter;
  char *text, segbuf[2048 + 2], idem[32], sig[REQSIG_HEX_LEN + 1];
  const char *seg[CTL_REQ_MAX_SEGS];
  const ctl_route *route;
  request q;
  ctl_req r;
  int nseg;

  if (!env.db) setup();
  if (size > CTL_REQ_MAX_BODY + 4096) return 0; /* ctl_http answers 413 */
  text = fuzz_copy(data, size);
  if (parse(text, size, &q) != 0 || strlen(q.target) > 2048 ||
      (nseg = ctl_http_split_path(q.target, segbuf, sizeof segbuf, seg)) < 0 ||
      !(route = ctl_routes_find(&env, q.method, seg, nseg)) ||
      route->handler == ctl_staff_route_login) {
    free(text);
    return 0;
  }
  memset(&r, 0, sizeof r);
  r.method = q.method;
  r.path_query = q.target;
  memcpy(r.seg, seg, sizeof(seg[0]) * (size_t)nseg);
  r.nseg = nseg;
  r.body = q.body;
  r.body_len = q.body_len;
  r.kiosk_id = "";
  r.now = NOW;
  snprintf(idem, sizeof idem, "fuzz-%lu", ++counter);
  r.idem_key = q.idem ? q.idem : idem;
  r.if_none_match = q.inm;
  r.cookie = q.cookie;
  r.csrf_token = q.csrf;
  r.content_type_in = q.ctype;

  if (route->auth >= CTL_ROUTE_STAFF) {
    if (!q.cookie) {
      snprintf(r.staff_user, sizeof r.staff_user, "admin");
      snprintf(r.staff_role, sizeof r.staff_role, "admin");
      r.staff = 1;
      route->handler(&env, &r);
    } else if (ctl_staff_check(&env, &r, route->auth == CTL_ROUTE_ADMIN) == 0) {
      route->handler(&env, &r);
    }
  } else if (route->auth == CTL_ROUTE_OPEN) {
    route->handler(&env, &r);
  } else if (!q.kiosk_id) {
    r.kiosk_id = "demo-kiosk";
    route->handler(&env, &r);
  } else {
    const char *signature = q.signature;
    if (signature && !strcmp(signature, "sign") && q.timestamp) {
      char *end;
      long long ts = strtoll(q.timestamp, &end, 10);
      reqsig_sign("demo-secret", q.method, q.target, (int64_t)ts, q.body,
                  q.body_len, sig);
      signature = sig;
    }
    if (ctl_auth_check(&env, &r, q.kiosk_id, q.timestamp, signature) == 0)
      route->handler(&env, &r);
  }
  if (!r.status) abort(); /* ctl_http would answer 500 "no answer" */
  if (getenv("FUZZ_CENTRAL_VERBOSE")) { /* to see what a seed reaches */
    char *dump = ctl_req_dump(&r);
    fprintf(stderr, "%s %s -> %d %.300s\n", q.method, q.target, r.status,
            dump ? dump : "");
    free(dump);
  }
  check_reply(&q, route, &r, (const char *)data, size);
  ctl_req_clear(&r);
  free(text);
  return 0;
}
