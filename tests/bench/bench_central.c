/*
 * bench_central: load on the real kiosk-central with wrk (64 connections,
 * 2 threads): GET /v1/health (the HTTP layer's ceiling), POST
 * /v1/members/resolve (signature check + ledger read) and POST
 * /v1/redemptions (durable write, fsync per commit), plus the disk's raw
 * 4 kB write + fdatasync latency beside them. Prints figures; never asserts
 * on time. After the redemption run it checks that every 201 left exactly
 * one redemption, one ledger row and one unit of stock (exit 1 if not).
 *
 * Requests are signed once per run: the signature covers method, path,
 * timestamp and body, and runs are far shorter than the 300 s skew window;
 * the Idempotency-Key header is not signed, so each redemption gets its own.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "central_client.h"
#include "ctl_db.h"
#include "ctl_ledger.h"
#include "reqsig.h"

#define DURATION "5s"

static int cmp64(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void fsync_latency(const char *dir) {
  enum { N = 500 };
  static double ms[N];
  char path[400], buf[4096];
  struct timespec a, b;
  int fd, i;
  snprintf(path, sizeof path, "%s/fsync.bin", dir);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return;
  memset(buf, 'x', sizeof buf);
  for (i = 0; i < N; i++) {
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf || fdatasync(fd) != 0)
      break;
    clock_gettime(CLOCK_MONOTONIC, &b);
    ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
  }
  close(fd);
  unlink(path);
  qsort(ms, (size_t)i, sizeof ms[0], cmp64);
  if (i > 0)
    printf("raw 4 kB write+fdatasync: p50 %.3f ms  p99 %.3f ms  (%d samples)\n",
           ms[i / 2], ms[i * 99 / 100], i);
}

/* Writes a wrk Lua script for one signed request and runs wrk. */
static void run_wrk(const central_server *s, const char *label,
                    const char *method, const char *path, const char *body,
                    int unique_keys) {
  char sig[REQSIG_HEX_LEN + 1], script[400], url[128], cmd[1024], line[512];
  long long ts = (long long)time(NULL);
  FILE *f, *p;
  snprintf(script, sizeof script, "%s/bench.lua", s->dir);
  f = fopen(script, "w");
  if (!f) return;
  reqsig_sign("demo-secret", method, path, ts, body, body ? strlen(body) : 0,
              sig);
  fprintf(f,
          "wrk.method = \"%s\"\n"
          "wrk.headers[\"X-Kiosk-Id\"] = \"demo-kiosk\"\n"
          "wrk.headers[\"X-Kiosk-Timestamp\"] = \"%lld\"\n"
          "wrk.headers[\"X-Kiosk-Signature\"] = \"%s\"\n",
          method, ts, sig);
  if (body)
    fprintf(f,
            "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
            "wrk.body = '%s'\n",
            body);
  if (unique_keys)
    fputs("local n = 0\n"
          "threads = 0\n"
          "function setup(thread) threads = threads + 1; "
          "thread:set(\"tid\", threads) end\n"
          "function request()\n  n = n + 1\n"
          "  wrk.headers[\"Idempotency-Key\"] = string.format(\"b%d-%d\", tid, n)\n"
          "  return wrk.format()\nend\n",
          f);
  fclose(f);
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
  snprintf(cmd, sizeof cmd,
           "wrk -t2 -c64 -d" DURATION " --latency -s %s %s 2>&1", script, url);
  p = popen(cmd, "r");
  if (!p) return;
  printf("== %s (wrk -t2 -c64 -d%s)\n", label, DURATION);
  while (fgets(line, sizeof line, p)) {
    if (strstr(line, "Requests/sec") || strstr(line, " 50%") ||
        strstr(line, " 99%") || strstr(line, "Non-2xx") ||
        strstr(line, "requests in") || strstr(line, "Socket errors"))
      fputs(line, stdout);
  }
  pclose(p);
}

/* A rich member and an item with plenty of stock, for the redemption run. */
static int prepare(const char *db_path) {
  kerr_msg msg;
  ctl_db *db;
  sqlite3 *c;
  int rc;
  int64_t now = (int64_t)time(NULL);
  if (ctl_db_open(db_path, 1, &db, msg) != 0) {
    fprintf(stderr, "%s\n", msg);
    return -1;
  }
  c = ctl_db_acquire(db);
  rc = ctl_db_write_begin(db, c, msg);
  if (rc == 0)
    rc = ctl_db_exec(c,
                     "INSERT INTO items SELECT 'BENCH', 99, kind, name_zh, "
                     "name_en, desc_zh, desc_en, image, 1, NULL, NULL, NULL, "
                     "'standard', 100000000, NULL, NULL, valid_from, valid_to, "
                     "0, 7, pickup_zh, pickup_en FROM items WHERE id='G002'",
                     msg);
  if (rc == 0)
    rc = ctl_ledger_earn(c, "M100004", 100000000, "earn", "bench", NULL, now,
                         now + 86400, NULL, msg);
  ctl_db_write_end(db, c, rc == 0, msg);
  ctl_db_release(db, c);
  ctl_db_close(db);
  if (rc) fprintf(stderr, "prepare: %s\n", msg);
  return rc;
}

static int check_redemptions(const char *db_path) {
  kerr_msg msg;
  ctl_db *db;
  sqlite3 *c;
  int64_t n = 0, rows = 0, stock = 0, vouchers = 0;
  if (ctl_db_open(db_path, 1, &db, msg) != 0) return -1;
  c = ctl_db_acquire(db);
  ctl_db_int(c, "SELECT COALESCE(SUM(quantity),0) FROM redemptions WHERE item_id='BENCH'",
             NULL, NULL, 0, &n, msg);
  ctl_db_int(c, "SELECT COUNT(*) FROM ledger l JOIN redemptions r ON "
             "l.reference=r.id WHERE r.item_id='BENCH'",
             NULL, NULL, 0, &rows, msg);
  ctl_db_int(c, "SELECT stock FROM items WHERE id='BENCH'", NULL, NULL, 0,
             &stock, msg);
  ctl_db_int(c, "SELECT COUNT(*) FROM vouchers WHERE item_id='BENCH'", NULL,
             NULL, 0, &vouchers, msg);
  ctl_db_release(db, c);
  ctl_db_close(db);
  printf("redemptions stored: %lld, ledger rows: %lld, vouchers: %lld, "
         "stock taken: %lld\n",
         (long long)n, (long long)rows, (long long)vouchers,
         (long long)(100000000 - stock));
  return n == rows && n == vouchers && n == 100000000 - stock ? 0 : -1;
}

int main(void) {
  static const char *const threads[] = {"--threads", "8", NULL};
  central_server s;
  central_resp r;
  char body[400], dir[256];
  int rc;

  if (system("command -v wrk >/dev/null 2>&1") != 0) {
    fputs("wrk is not installed\n", stderr);
    return 77;
  }
  if (central_client_start(&s, threads, NULL, 0) != 0) return 1;
  snprintf(dir, sizeof dir, "%s", s.dir);
  central_client_stop(&s);
  if (prepare(s.db) != 0) return 1;
  if (central_client_start(&s, threads, dir, 0) != 0) return 1;
  fsync_latency(s.dir);
  run_wrk(&s, "GET /v1/health", "GET", "/v1/health", NULL, 0);
  if (central_client_request(&s, "GET", "/v1/demo/member-code/M100003", NULL,
                             0, NULL, &r) != 0 || r.status != 200)
    return 1;
  snprintf(body, sizeof body, "{\"code\":\"%s\"}",
           json_string_value(json_object_get(r.json, "code")));
  central_client_resp_free(&r);
  run_wrk(&s, "POST /v1/members/resolve", "POST", "/v1/members/resolve", body,
          0);
  run_wrk(&s, "POST /v1/redemptions (durable)", "POST", "/v1/redemptions",
          "{\"member_id\":\"M100004\",\"item_id\":\"BENCH\"}", 1);
  rc = central_client_stop(&s);
  if (check_redemptions(s.db) != 0) {
    fputs("MISMATCH between redemptions, ledger, vouchers and stock\n", stderr);
    rc = 1;
  }
  central_client_cleanup(&s);
  return rc ? 1 : 0;
}
