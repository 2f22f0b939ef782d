/*
 * bench_outbox: the durable queue and its sync worker, in one run.
 *
 *   bench_outbox [N]        (N enqueues per figure, default 2000)
 *
 * 1. raw disk: 4 kB pwrite + fdatasync in the state folder, p50/p99;
 * 2. outbox_enqueue latency (durable commit, WAL + synchronous=FULL), p50/p99,
 *    next to 1 on the same disk;
 * 3. recovery: a child queues 10,000 transactions (100 of them claimed, i.e.
 *    sending), is killed with SIGKILL; time of outbox_open (which recovers)
 *    and of the first claim after it;
 * 4. drain rate: N check-ins sent by the sync worker over one kept-alive
 *    connection, to $KIOSK_CENTRAL_URL (kiosk-central --demo) if set, else to
 *    a local libmicrohttpd server answering 201 at once (the ceiling of the
 *    kiosk side).
 * The state folder is under $TMPDIR or /tmp (same disk as /work here).
 * Prints figures; asserts nothing.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "klog.h"
#include "net_fakecentral.h"
#include "net_testdir.h"
#include "sync.h"

#define RECOVERY_ROWS 10000

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_d);
  printf("%-34s p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms   (n=%d)\n", what,
         v[n / 2] * 1e3, v[(int)(n * 0.99)] * 1e3, v[n - 1] * 1e3, n);
}

static void raw_fsync(const char *dir, double *v, int n) {
  char p[PATH_MAX + 16];
  snprintf(p, sizeof p, "%s/raw.bin", dir);
  int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    perror("open");
    exit(1);
  }
  char block[4096];
  memset(block, 'r', sizeof block);
  for (int i = 0; i < n; i++) {
    double t = now_s();
    if (pwrite(fd, block, sizeof block, (off_t)(i % 256) * 4096) != 4096 ||
        fdatasync(fd) != 0) {
      perror("pwrite/fdatasync");
      exit(1);
    }
    v[i] = now_s() - t;
  }
  close(fd);
  unlink(p);
}

static void enqueue_latency(const char *dir, double *v, int n) {
  kerr_msg msg;
  outbox *ob;
  if (outbox_open(dir, &ob, msg) != KERR_OK) {
    fprintf(stderr, "%s\n", msg);
    exit(1);
  }
  for (int i = 0; i < n; i++) {
    char body[160];
    snprintf(body, sizeof body,
             "{\"member_id\":\"M100003\",\"item_id\":\"G%02d\",\"quantity\":1,"
             "\"voucher\":\"KV1.offline.%d\"}", i % 16, i);
    double t = now_s();
    if (outbox_enqueue(ob, OUTBOX_REDEMPTION, "M100003", body, 800, NULL, NULL,
                       msg) != KERR_OK) {
      fprintf(stderr, "%s\n", msg);
      exit(1);
    }
    v[i] = now_s() - t;
  }
  outbox_close(ob);
}

static void recovery(const char *dir) {
  int fds[2];
  if (pipe(fds) != 0)
    exit(1);
  pid_t pid = fork();
  if (pid == 0) {
    kerr_msg msg;
    outbox *ob;
    if (outbox_open(dir, &ob, msg) != KERR_OK)
      _exit(1);
    for (int i = 0; i < RECOVERY_ROWS; i++) {
      char member[16];
      snprintf(member, sizeof member, "M%d", i % 500);
      if (outbox_enqueue(ob, OUTBOX_CHECKIN, member, "{\"member_id\":\"x\"}",
                         0, NULL, NULL, msg) != KERR_OK)
        _exit(1);
    }
    for (int i = 0; i < 100; i++) {
      outbox_txn t;
      if (outbox_claim_next(ob, outbox_now_ms(), &t, msg) == KERR_OK)
        outbox_txn_free(&t);
    }
    ssize_t w = write(fds[1], "k", 1);
    (void)w;
    pause();
    _exit(0);
  }
  close(fds[1]);
  char c;
  if (read(fds[0], &c, 1) != 1) {
    fprintf(stderr, "recovery child failed\n");
    exit(1);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  close(fds[0]);

  kerr_msg msg;
  outbox *ob;
  double t0 = now_s();
  if (outbox_open(dir, &ob, msg) != KERR_OK) {
    fprintf(stderr, "%s\n", msg);
    exit(1);
  }
  double t1 = now_s();
  outbox_txn t;
  int rc = outbox_claim_next(ob, outbox_now_ms(), &t, msg);
  double t2 = now_s();
  if (rc == KERR_OK)
    outbox_txn_free(&t);
  outbox_stats_t st;
  outbox_stats(ob, outbox_now_ms(), &st, msg);
  double t3 = now_s();
  int ic = outbox_check(ob, msg);
  double t4 = now_s();
  printf("recovery after SIGKILL, %d pending:  open+recover %.1f ms, first "
         "claim %.2f ms, stats %.2f ms (depth %lld), integrity_check %.1f ms "
         "(%s)\n", RECOVERY_ROWS, (t1 - t0) * 1e3, (t2 - t1) * 1e3,
         (t3 - t2) * 1e3, (long long)st.depth, (t4 - t3) * 1e3,
         ic == KERR_OK ? "ok" : msg);
  outbox_close(ob);
}

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int acked, other;
} drain_ctx;

static void on_event(void *ctx, sync_event *ev) {
  drain_ctx *d = ctx;
  pthread_mutex_lock(&d->mu);
  if (ev->type == SYNC_ACKED)
    d->acked++;
  else if (ev->type != SYNC_QUEUED)
    d->other++;
  pthread_cond_signal(&d->cv);
  pthread_mutex_unlock(&d->mu);
  sync_event_free(ev);
}

static void drain(const char *dir, int n) {
  fake_central fc = {.dflt = 201};
  pthread_mutex_init(&fc.mu, NULL);
  const char *url_env = getenv("KIOSK_CENTRAL_URL");
  char url[128];
  if (url_env && *url_env) {
    snprintf(url, sizeof url, "%s", url_env);
  } else {
    if (fake_start(&fc, 0) != 0) {
      fprintf(stderr, "cannot start the local server\n");
      exit(1);
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%u", fc.port);
  }
  kerr_msg msg;
  outbox *ob;
  if (outbox_open(dir, &ob, msg) != KERR_OK) {
    fprintf(stderr, "%s\n", msg);
    exit(1);
  }
  static const char *members[] = {"M100001", "M100002", "M100003", "M100004"};
  for (int i = 0; i < n; i++) {
    char body[64];
    snprintf(body, sizeof body, "{\"member_id\":\"%s\"}", members[i % 4]);
    /* No member ordering here: the figure is the link's, not one member's. */
    if (outbox_enqueue(ob, OUTBOX_CHECKIN, NULL, body, 0, NULL, NULL, msg)) {
      fprintf(stderr, "%s\n", msg);
      exit(1);
    }
  }
  drain_ctx d = {.acked = 0};
  pthread_mutex_init(&d.mu, NULL);
  pthread_cond_init(&d.cv, NULL);
  sync_config cfg = {.api = {.base_url = url, .kiosk_id = "demo-kiosk",
                             .secret = "demo-secret", .timeout_ms = 5000}};
  sync_worker *sw;
  double t0 = now_s();
  if (sync_start(&cfg, ob, on_event, &d, &sw, msg) != KERR_OK) {
    fprintf(stderr, "%s\n", msg);
    exit(1);
  }
  pthread_mutex_lock(&d.mu);
  while (d.acked + d.other < n) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    if (pthread_cond_timedwait(&d.cv, &d.mu, &until) != 0)
      break;
  }
  int acked = d.acked, other = d.other;
  pthread_mutex_unlock(&d.mu);
  double t1 = now_s();
  sync_stop(sw);
  printf("drain to %s (%s): %d acked, %d other in %.2f s = %.0f txn/s\n", url,
         url_env ? "kiosk-central" : "local 201 server", acked, other, t1 - t0,
         acked / (t1 - t0));
  outbox_close(ob);
  fake_stop(&fc);
  pthread_mutex_destroy(&fc.mu);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 2000;
  if (n < 100)
    n = 100;
  klog_set_level(KLOG_ERROR);
  char dir[PATH_MAX];
  if (testdir_make(dir, sizeof dir) != 0)
    return 1;
  double *raw = calloc((size_t)n, sizeof *raw), *enq = calloc((size_t)n, sizeof *enq);
  if (!raw || !enq)
    return 1;
  printf("state folder %s\n", dir);
  raw_fsync(dir, raw, n);
  enqueue_latency(dir, enq, n);
  report("raw 4 kB pwrite+fdatasync", raw, n);
  report("outbox_enqueue (durable)", enq, n);
  printf("enqueue p99 / raw p99 = %.2f\n", enq[(int)(n * 0.99)] / raw[(int)(n * 0.99)]);
  testdir_remove(dir);
  free(raw);
  free(enq);

  if (testdir_make(dir, sizeof dir) != 0)
    return 1;
  recovery(dir);
  testdir_remove(dir);

  if (testdir_make(dir, sizeof dir) != 0)
    return 1;
  drain(dir, n);
  testdir_remove(dir);
  return 0;
}
