/*
 * bench_central: load on the real kiosk-central with wrk (64 connections,
 * 2 threads): GET /v1/health (the HTTP layer's ceiling), POST
 * /v1/members/resolve (request signature + Ed25519 member code + a ledger
 * read) and POST /v1/redemptions (durable writes, group commit), with the
 * disk's raw 4 kB write + fdatasync latency beside them and the server's CPU
 * time per request (from /proc, steadier than rates on a shared machine).
 * Prints figures; never asserts on time. After the redemption run it checks
 * that every acknowledged 201 left exactly one redemption, one ledger row,
 * one voucher, one stored answer and one unit of stock (exit 1 if not).
 *
 *   bench_central [-d SECONDS] [--compare DIR] [--rounds N] [--threads N]
 *
 * --compare DIR runs the same load on DIR/kiosk-central first (another
 * build, e.g. the previous commit) and then on this build, N rounds
 * alternating, so before and after share the machine's state.
 *
 * Resolve runs twice: saturated (throughput), and paced (each connection
 * waits 10 ms between requests, about 5,500 requests/s offered: the latency
 * at the target rate; a closed loop at saturation only ever shows
 * 64 / throughput). Each resolve request carries one of 64 member codes
 * (4 members, different issue times), signed once: the request signature covers method, path,
 * timestamp and body, and runs are far shorter than the 300 s skew window.
 * The Idempotency-Key header is not signed, so each redemption gets its own.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "central_client.h"
#include "mcode.h"
#include "reqsig.h"

#define STOCK 100000000LL

static int seconds = 5;

static int cmp_double(const void *a, const void *b) {
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
    ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 +
            (double)(b.tv_nsec - a.tv_nsec) / 1e6;
  }
  close(fd);
  unlink(path);
  qsort(ms, (size_t)i, sizeof ms[0], cmp_double);
  if (i > 0)
    printf("  raw 4 kB write+fdatasync: p50 %.3f ms  p99 %.3f ms  (%d samples)\n",
           ms[i / 2], ms[i * 99 / 100], i);
}

/* utime + stime of the server, in seconds. */
static double cpu_seconds(pid_t pid) {
  char path[64], buf[1024], *p;
  unsigned long ut = 0, st = 0;
  FILE *f;
  size_t n;
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  if (!(f = fopen(path, "r"))) return 0;
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  /* Fields after the command name, which may hold spaces: state is 3rd. */
  if (!(p = strrchr(buf, ')')) ||
      sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
             &st) != 2)
    return 0;
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Lua that counts 201 answers (for the lost/doubled check). */
static const char count_created[] =
    "created = 0\n"
    "function response(status) if status == 201 then created = created + 1 "
    "end end\n"
    "all = {}\n"
    "function setup(thread) table.insert(all, thread); thread:set(\"tid\", "
    "#all) end\n"
    "function done()\n  local n = 0\n"
    "  for _, t in ipairs(all) do n = n + t:get(\"created\") end\n"
    "  print(\"created201 \" .. n)\nend\n";

/* Runs wrk with the script; prints the figures; returns 201s counted. */
static long run_wrk(const central_server *s, const char *label,
                    const char *path, const char *script) {
  char url[128], cmd[1024], line[512];
  double cpu0 = cpu_seconds(s->pid), cpu;
  long requests = 0, created = -1;
  FILE *p;
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
  snprintf(cmd, sizeof cmd, "wrk -t2 -c64 -d%ds --latency -s %s %s 2>&1",
           seconds, script, url);
  if (!(p = popen(cmd, "r"))) return -1;
  printf("  == %s (wrk -t2 -c64 -d%ds)\n", label, seconds);
  while (fgets(line, sizeof line, p)) {
    if (strstr(line, "Requests/sec") || strstr(line, " 50%") ||
        strstr(line, " 99%") || strstr(line, "Non-2xx") ||
        strstr(line, "Socket errors"))
      printf("  %s", line);
    if (strstr(line, "requests in")) requests = strtol(line, NULL, 10);
    if (strncmp(line, "created201 ", 11) == 0)
      created = strtol(line + 11, NULL, 10);
  }
  pclose(p);
  cpu = cpu_seconds(s->pid) - cpu0;
  if (requests > 0)
    printf("     server CPU per request: %.1f us\n", cpu * 1e6 / (double)requests);
  return created;
}

static FILE *script_head(const central_server *s, const char *name,
                         char *path, size_t cap) {
  FILE *f;
  snprintf(path, cap, "%s/%s.lua", s->dir, name);
  if (!(f = fopen(path, "w"))) return NULL;
  fputs("wrk.headers[\"X-Kiosk-Id\"] = \"demo-kiosk\"\n"
        "wrk.headers[\"Content-Type\"] = \"application/json\"\n",
        f);
  return f;
}

static void sign_into(FILE *f, const char *method, const char *path,
                      long long ts, const char *body) {
  char sig[REQSIG_HEX_LEN + 1];
  reqsig_sign("demo-secret", method, path, ts, body, body ? strlen(body) : 0,
              sig);
  fprintf(f,
          "wrk.method = \"%s\"\n"
          "wrk.headers[\"X-Kiosk-Timestamp\"] = \"%lld\"\n"
          "wrk.headers[\"X-Kiosk-Signature\"] = \"%s\"\n",
          method, ts, sig);
  if (body) fprintf(f, "wrk.body = '%s'\n", body);
}

static void bench_health(const central_server *s) {
  char script[400];
  FILE *f = script_head(s, "health", script, sizeof script);
  if (!f) return;
  fputs("wrk.method = \"GET\"\n", f);
  fclose(f);
  run_wrk(s, "GET /v1/health", "/v1/health", script);
}

/* pace_ms > 0: each connection waits that long between requests, which
 * offers about 64 * 1000 / (pace_ms + latency) requests a second: the
 * latency at a given rate, not at saturation. */
static void bench_resolve(const central_server *s, int pace_ms) {
  static const char *const who[4][2] = {{"M100001", "standard"},
                                        {"M100002", "silver"},
                                        {"M100003", "gold"},
                                        {"M100004", "diamond"}};
  char script[400], code[MCODE_MAX_LEN + 1], body[400],
      sig[REQSIG_HEX_LEN + 1];
  long long ts = (long long)time(NULL);
  FILE *f = script_head(s, "resolve", script, sizeof script);
  int i;
  if (!f) return;
  fprintf(f, "wrk.method = \"POST\"\nwrk.headers[\"X-Kiosk-Timestamp\"] = "
             "\"%lld\"\nlocal reqs = {}\n",
          ts);
  for (i = 0; i < 64; i++) {
    if (central_client_code(who[i % 4][0], who[i % 4][1], 1000, ts - i / 4,
                            code) != 0)
      break;
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
    reqsig_sign("demo-secret", "POST", "/v1/members/resolve", ts, body,
                strlen(body), sig);
    fprintf(f, "reqs[%d] = {'%s', '%s'}\n", i + 1, body, sig);
  }
  fputs("local n = 0\n"
        "function request()\n  n = n % #reqs + 1\n"
        "  wrk.headers[\"X-Kiosk-Signature\"] = reqs[n][2]\n"
        "  return wrk.format(nil, nil, nil, reqs[n][1])\nend\n",
        f);
  if (pace_ms > 0) fprintf(f, "function delay() return %d end\n", pace_ms);
  fclose(f);
  run_wrk(s,
          pace_ms > 0
              ? "POST /v1/members/resolve, paced to about 5,500/s (64 codes)"
              : "POST /v1/members/resolve, saturated (64 codes, 4 members)",
          "/v1/members/resolve", script);
}

static long bench_redeem(const central_server *s) {
  char script[400];
  FILE *f = script_head(s, "redeem", script, sizeof script);
  if (!f) return -1;
  sign_into(f, "POST", "/v1/redemptions", (long long)time(NULL),
            "{\"member_id\":\"M100004\",\"item_id\":\"BENCH\"}");
  fputs(count_created, f);
  fputs("local k = 0\n"
        "function request()\n  k = k + 1\n"
        "  wrk.headers[\"Idempotency-Key\"] = string.format(\"b%d-%d\", tid, k)\n"
        "  return wrk.format()\nend\n",
        f);
  fclose(f);
  return run_wrk(s, "POST /v1/redemptions (durable)", "/v1/redemptions",
                 script);
}

/* Plain SQLite, not ctl_db: opening through ctl_db would upgrade the
 * schema, and --compare runs an older server on the same kind of file. */
static int64_t sql_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* A rich member and an item with plenty of stock, for the redemption run. */
static int prepare(const char *db_path) {
  char sql[1024];
  long long now = (long long)time(NULL);
  char *err = NULL;
  sqlite3 *db;
  int rc;
  if (sqlite3_open(db_path, &db) != SQLITE_OK) return -1;
  snprintf(sql, sizeof sql,
           "BEGIN;"
           "INSERT INTO items SELECT 'BENCH', 99, kind, name_zh, name_en, "
           "desc_zh, desc_en, image, 1, NULL, NULL, NULL, 'standard', %lld, "
           "NULL, NULL, valid_from, valid_to, 0, 7, pickup_zh, pickup_en "
           "FROM items WHERE id='G002';"
           "INSERT INTO ledger(member_id, delta, reason, reference, "
           "created_at) VALUES('M100004', %lld, 'earn', 'bench', %lld);"
           "INSERT INTO lots(member_id, ledger_id, amount, remaining, "
           "expires_at) VALUES('M100004', last_insert_rowid(), %lld, %lld, "
           "%lld);"
           "COMMIT;",
           STOCK, STOCK, now, STOCK, STOCK, now + 86400);
  rc = sqlite3_exec(db, sql, NULL, NULL, &err);
  if (rc != SQLITE_OK) fprintf(stderr, "prepare: %s\n", err ? err : "?");
  sqlite3_free(err);
  sqlite3_close(db);
  return rc == SQLITE_OK ? 0 : -1;
}

/* Every acknowledged 201 is stored once; at most the 64 requests in flight
 * when wrk stopped may be stored without wrk having counted them. */
static int check_redemptions(const char *db_path, long acked) {
  static const char *const q[] = {
      "SELECT COALESCE(SUM(quantity), 0) FROM redemptions WHERE "
      "item_id='BENCH'",
      "SELECT COUNT(*) FROM ledger l JOIN redemptions r ON l.reference=r.id "
      "WHERE r.item_id='BENCH'",
      "SELECT COUNT(*) FROM vouchers WHERE item_id='BENCH'",
      "SELECT COUNT(*) FROM idem WHERE status=201 AND key LIKE 'b%'",
      "SELECT 100000000 - stock FROM items WHERE id='BENCH'"};
  sqlite3 *db;
  int64_t v[5];
  size_t i;
  int ok = 1;
  if (sqlite3_open(db_path, &db) != SQLITE_OK) return -1;
  for (i = 0; i < 5; i++) v[i] = sql_int(db, q[i]);
  sqlite3_close(db);
  printf("  acknowledged 201: %ld; stored: redemptions %lld, ledger rows %lld, "
         "vouchers %lld, idempotent answers %lld, stock taken %lld\n",
         acked, (long long)v[0], (long long)v[1], (long long)v[2],
         (long long)v[3], (long long)v[4]);
  for (i = 1; i < 5; i++) ok = ok && v[i] == v[0];
  if (acked >= 0) ok = ok && v[0] >= acked && v[0] <= acked + 64;
  return ok ? 0 : -1;
}

/* One full run against build_dir/kiosk-central. */
static int suite(const char *build_dir, const char *label, int threads) {
  char nthreads[16], dir[256];
  const char *flags[] = {"--threads", nthreads, NULL};
  central_server s;
  long acked;
  int rc;
  snprintf(nthreads, sizeof nthreads, "%d", threads);
  setenv("KIOSK_BUILD_DIR", build_dir, 1);
  printf("# %s: %s/kiosk-central --threads %d\n", label, build_dir, threads);
  fflush(stdout);
  if (central_client_start(&s, flags, NULL, 0) != 0) return -1;
  snprintf(dir, sizeof dir, "%s", s.dir);
  central_client_stop(&s);
  if (prepare(s.db) != 0 || central_client_start(&s, flags, dir, 0) != 0) {
    central_client_cleanup(&s);
    return -1;
  }
  fsync_latency(s.dir);
  bench_health(&s);
  bench_resolve(&s, 0);
  bench_resolve(&s, 10);
  acked = bench_redeem(&s);
  rc = central_client_stop(&s);
  if (check_redemptions(s.db, acked) != 0) {
    fputs("MISMATCH between acknowledged answers, redemptions, ledger, "
          "vouchers and stock\n",
          stderr);
    rc = -1;
  }
  central_client_cleanup(&s);
  fflush(stdout);
  return rc;
}

int main(int argc, char **argv) {
  const char *self = getenv("KIOSK_BUILD_DIR"), *before = NULL;
  char here[512];
  int rounds = 1, threads = 8, i, rc = 0;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--compare") == 0 && i + 1 < argc) {
      before = argv[++i];
    } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
      rounds = (int)strtol(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = (int)strtol(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
      seconds = (int)strtol(argv[++i], NULL, 10);
    } else {
      fprintf(stderr,
              "usage: bench_central [-d SECONDS] [--compare DIR] "
              "[--rounds N] [--threads N]\n");
      return 2;
    }
  }
  if (system("command -v wrk >/dev/null 2>&1") != 0) {
    fputs("wrk is not installed\n", stderr);
    return 77;
  }
  snprintf(here, sizeof here, "%s", self ? self : ".");
  for (i = 0; i < rounds && rc == 0; i++) {
    if (before && suite(before, "before", threads) != 0) rc = 1;
    if (suite(here, before ? "after" : "this build", threads) != 0) rc = 1;
  }
  return rc;
}
