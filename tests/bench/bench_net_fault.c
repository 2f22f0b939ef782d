/*
 * bench_net_fault: what a failing central costs the kiosk, through
 * kiosk-faultproxy in front of a real kiosk-central --demo.
 *
 *   bench_net_fault [N]     (N transactions per figure, default 1000)
 *
 * 1. sync_enqueue() latency (the UI thread's cost) with the link passing,
 *    then with every answer held back 5 s (sync timeout 1 s): p50/p99/max
 *    and how often the 64-deep hand-off queue said KERR_BUSY;
 * 2. recovery: N check-ins queued while the central is down, then the link
 *    comes back (proxy to pass, sync_kick): time to drain and the rate (the
 *    proxy opens an upstream connection per request, so this is below the
 *    direct drain rate bench_outbox measures).
 * Needs $KIOSK_BUILD_DIR (kiosk-central and tests/net/kiosk-faultproxy);
 * exits 77 without them. Prints figures; asserts nothing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faultproxy.h"
#include "klog.h"
#include "net_spawn.h"
#include "net_testdir.h"
#include "sync.h"

static const char *members[] = {"M100001", "M100002", "M100003", "M100004"};

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int queued, final;
} tally;

static void on_event(void *ctx, sync_event *ev) {
  tally *t = ctx;
  pthread_mutex_lock(&t->mu);
  t->queued += ev->type == SYNC_QUEUED;
  t->final += ev->type == SYNC_ACKED || ev->type == SYNC_REJECTED ||
              ev->type == SYNC_DEAD;
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
  sync_event_free(ev);
}

static int wait_for(tally *t, const int *counter, int n, int secs) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += secs;
  pthread_mutex_lock(&t->mu);
  while (*counter < n)
    if (pthread_cond_timedwait(&t->cv, &t->mu, &until) != 0)
      break;
  int ok = *counter >= n;
  pthread_mutex_unlock(&t->mu);
  return ok;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* N check-ins, one every 200 us like a busy UI; every call is timed. */
static void enqueue_run(const char *what, sync_worker *sw, int n,
                        double *v) {
  int busy = 0;
  for (int i = 0; i < n; i++) {
    char body[64];
    const char *m = members[i % 4];
    snprintf(body, sizeof body, "{\"member_id\":\"%s\"}", m);
    int rc;
    do {
      double t0 = now_s();
      rc = sync_enqueue(sw, OUTBOX_CHECKIN, m, body, 0, i, NULL);
      v[i] = now_s() - t0;
      if (rc == KERR_BUSY) {
        busy++;
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
      }
    } while (rc == KERR_BUSY);
    struct timespec gap = {0, 200 * 1000};
    nanosleep(&gap, NULL);
  }
  qsort(v, (size_t)n, sizeof *v, cmp_d);
  printf("sync_enqueue, %-22s p50 %7.1f us  p99 %7.1f us  max %7.1f us  "
         "(n=%d, busy %d)\n", what, v[n / 2] * 1e6, v[(int)(n * 0.99)] * 1e6,
         v[n - 1] * 1e6, n, busy);
}

typedef struct {
  tally t;
  outbox *ob;
  sync_worker *sw;
  char dir[PATH_MAX + 16];
} phase;

/* Puts the proxy in mode, starts a worker on a fresh outbox (dir/name) and
 * times n enqueues; 0 on success. */
static int phase_begin(phase *ph, const char *dir, const char *name,
                       faultproxy *fp, const char *mode, long timeout_ms,
                       const char *label, int n, double *v) {
  kerr_msg msg;
  char line[32];
  sync_config cfg = {.api = {.base_url = fp->url, .kiosk_id = "demo-kiosk",
                             .secret = "demo-secret", .timeout_ms = timeout_ms},
                     .backoff_base_ms = 50, .backoff_cap_ms = 400};
  ph->t.queued = ph->t.final = 0;
  snprintf(line, sizeof line, "mode %s", mode);
  snprintf(ph->dir, sizeof ph->dir, "%s/%s", dir, name);
  if (faultproxy_cmd(fp, line, NULL, 0) != 0 ||
      outbox_open(ph->dir, &ph->ob, msg) != KERR_OK ||
      sync_start(&cfg, ph->ob, on_event, &ph->t, &ph->sw, msg) != KERR_OK) {
    fprintf(stderr, "%s: %s\n", name, msg);
    return -1;
  }
  enqueue_run(label, ph->sw, n, v);
  return 0;
}

/* Stops the worker (it waits out a request under way) and drops the queue. */
static void phase_end(phase *ph) {
  sync_stop(ph->sw);
  outbox_close(ph->ob);
  testdir_remove(ph->dir);
  ph->sw = NULL;
  ph->ob = NULL;
}

static int run(const char *dir, faultproxy *fp, int n) {
  double *v = calloc((size_t)n, sizeof *v);
  phase ph = {.ob = NULL};
  int rc = 1;
  pthread_mutex_init(&ph.t.mu, NULL);
  pthread_cond_init(&ph.t.cv, NULL);
  if (!v || faultproxy_cmd(fp, "delay 5000", NULL, 0) != 0)
    goto out;
  if (phase_begin(&ph, dir, "pass", fp, "pass", 1000, "central answering:", n, v))
    goto out;
  wait_for(&ph.t, &ph.t.final, n, 120);
  phase_end(&ph);
  if (phase_begin(&ph, dir, "slow", fp, "slow", 1000, "central 5 s late:", n, v))
    goto out;
  wait_for(&ph.t, &ph.t.queued, n, 60);
  phase_end(&ph);
  if (phase_begin(&ph, dir, "down", fp, "down", 3000, "central down:", n, v))
    goto out;
  wait_for(&ph.t, &ph.t.queued, n, 60);
  faultproxy_cmd(fp, "mode pass", NULL, 0);
  double t0 = now_s();
  sync_kick(ph.sw);
  int drained = wait_for(&ph.t, &ph.t.final, n, 120);
  double dt = now_s() - t0;
  printf("recovery: %d queued during an outage drained in %.3f s after the "
         "kick (%.0f transactions/s)%s\n", ph.t.final, dt, ph.t.final / dt,
         drained ? "" : ", NOT ALL");
  printf("proxy: %ld requests, %ld forwarded\n", faultproxy_stat(fp, "requests"),
         faultproxy_stat(fp, "forwarded"));
  rc = drained ? 0 : 1;
out:
  if (ph.ob)
    phase_end(&ph);
  pthread_cond_destroy(&ph.t.cv);
  pthread_mutex_destroy(&ph.t.mu);
  free(v);
  return rc;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1000;
  const char *build = getenv("KIOSK_BUILD_DIR");
  char central[PATH_MAX], proxy[PATH_MAX], dir[PATH_MAX], db[PATH_MAX + 16];
  snprintf(central, sizeof central, "%s/kiosk-central", build ? build : ".");
  snprintf(proxy, sizeof proxy, "%s/tests/net/kiosk-faultproxy", build ? build : ".");
  if (n < 10 || access(central, X_OK) != 0 || access(proxy, X_OK) != 0) {
    printf("skipped: needs N >= 10, %s and %s\n", central, proxy);
    return 77;
  }
  klog_set_level(KLOG_ERROR);
  if (testdir_make(dir, sizeof dir) != 0)
    return 1;
  snprintf(db, sizeof db, "%s/central.db", dir);
  spawn_child c;
  faultproxy fp;
  char lines[1][128] = {""}, log[PATH_MAX + 16];
  snprintf(log, sizeof log, "%s/servers.log", dir);
  const char *args[] = {central, "--demo", "--listen", "127.0.0.1:0", "--db",
                        db, NULL};
  int rc = 1;
  const char *colon = NULL;
  if (spawn_start(&c, args, log, lines, 1) != 0 ||
      !(colon = strrchr(lines[0], ':'))) {
    fprintf(stderr, "kiosk-central did not start\n");
  } else if (faultproxy_start(&fp, proxy, (int)strtol(colon + 1, NULL, 10),
                              log) != 0) {
    fprintf(stderr, "kiosk-faultproxy did not start\n");
  } else {
    rc = run(dir, &fp, n);
    faultproxy_stop(&fp);
  }
  spawn_stop(&c);
  testdir_remove(dir);
  return rc;
}
