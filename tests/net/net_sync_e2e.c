/* End to end: the sync worker drains a real outbox into the real
 * kiosk-central (--demo), which is killed with SIGKILL midway and restarted
 * on the same port and database. Every transaction must end acked or
 * rejected exactly once, and each member's balance at the central must equal
 * the balance before minus what the acked redemptions charged plus what the
 * acked check-ins awarded: a doubled or lost transaction shows up there.
 * Exits 77 when kiosk-central is not built or has no POST /v1/checkins and
 * /v1/redemptions yet. Waits are bounded for liveness only. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "klog.h"
#include "net_testdir.h"
#include "sync.h"

#define N_REDEEM 24
#define N_TXN (N_REDEEM + 4)

static const char *members[] = {"M100001", "M100002", "M100003", "M100004"};

static char g_central[PATH_MAX], g_db[PATH_MAX + 16], g_url[128];
static pid_t g_pid;

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int queued, acked, rejected, other;
  int final_of[N_TXN + 8]; /* final events per txn id */
  long long charged[4], awarded[4];
  char redemption_ids[N_TXN][64];
  int nredemption_ids;
} tally;

static int member_index(const char *id) {
  for (int i = 0; i < 4; i++)
    if (strcmp(id, members[i]) == 0)
      return i;
  return -1;
}

static void on_event(void *ctx, sync_event *ev) {
  tally *t = ctx;
  pthread_mutex_lock(&t->mu);
  int m = member_index(ev->member_id);
  switch (ev->type) {
  case SYNC_QUEUED: t->queued += ev->rc == KERR_OK; break;
  case SYNC_ACKED:
    t->acked++;
    if (ev->txn_id > 0 && ev->txn_id < N_TXN + 8)
      t->final_of[ev->txn_id]++;
    if (m >= 0 && ev->kind == OUTBOX_REDEMPTION) {
      t->charged[m] += json_integer_value(json_object_get(ev->body, "points_charged"));
      const char *rid = json_string_value(json_object_get(ev->body, "redemption_id"));
      if (rid && t->nredemption_ids < N_TXN)
        snprintf(t->redemption_ids[t->nredemption_ids++], 64, "%s", rid);
    } else if (m >= 0 && ev->kind == OUTBOX_CHECKIN) {
      t->awarded[m] += json_integer_value(json_object_get(ev->body, "points_awarded"));
    }
    break;
  case SYNC_REJECTED:
    t->rejected++;
    if (ev->txn_id > 0 && ev->txn_id < N_TXN + 8)
      t->final_of[ev->txn_id]++;
    fprintf(stderr, "rejected txn %lld: %ld %s %s\n", (long long)ev->txn_id,
            ev->status, ev->error_code, ev->msg);
    break;
  case SYNC_RETRYING: break;
  default: t->other++; break;
  }
  pthread_cond_broadcast(&t->cv);
  pthread_mutex_unlock(&t->mu);
  sync_event_free(ev);
}

/* Starts kiosk-central on listen ("127.0.0.1:0" or a fixed port) and reads
 * its URL; returns 0 on success. */
static int central_start(const char *listen) {
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  g_pid = fork();
  if (g_pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execl(g_central, "kiosk-central", "--demo", "--listen", listen, "--db",
          g_db, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  char buf[512];
  size_t len = 0;
  int ok = -1;
  struct pollfd p = {.fd = fds[0], .events = POLLIN};
  while (len < sizeof buf - 1 && poll(&p, 1, 15000) == 1) {
    ssize_t n = read(fds[0], buf + len, sizeof buf - 1 - len);
    if (n <= 0)
      break;
    len += (size_t)n;
    buf[len] = '\0';
    char *at = strstr(buf, "listening on ");
    if (at && strchr(at, '\n')) {
      *strchr(at, '\n') = '\0';
      snprintf(g_url, sizeof g_url, "%s", at + 13);
      ok = 0;
      break;
    }
  }
  close(fds[0]); /* the central's later prints go nowhere; it prints once */
  return ok;
}

static int url_port(const char *url) {
  const char *colon = strrchr(url, ':');
  return colon ? (int)strtol(colon + 1, NULL, 10) : 0;
}

static void central_kill(void) {
  kill(g_pid, SIGKILL);
  waitpid(g_pid, NULL, 0);
  g_pid = 0;
}

static long request(api *a, const char *method, const char *path,
                    const char *body, const char *key, json_t **out) {
  kerr_msg msg;
  api_response r;
  json_t *b = body ? json_loads(body, 0, NULL) : NULL;
  int rc = api_request(a, method, path, b, key, &r, msg);
  json_decref(b);
  if (rc) {
    fprintf(stderr, "%s %s: %s\n", method, path, msg);
    return -1;
  }
  long st = r.status;
  if (out) {
    *out = r.body;
    r.body = NULL;
  }
  api_response_clear(&r);
  return st;
}

static int balances(api *a, long long out[4]) {
  for (int i = 0; i < 4; i++) {
    char path[64];
    json_t *b = NULL;
    snprintf(path, sizeof path, "/v1/members/%s", members[i]);
    if (request(a, "GET", path, NULL, NULL, &b) != 200)
      return -1;
    out[i] = json_integer_value(json_object_get(b, "points"));
    json_decref(b);
  }
  return 0;
}

static int wait_until(tally *t, int acked_at_least, int final_total, int secs) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += secs;
  pthread_mutex_lock(&t->mu);
  while (t->acked < acked_at_least || t->acked + t->rejected < final_total)
    if (pthread_cond_timedwait(&t->cv, &t->mu, &until) != 0)
      break;
  int ok = t->acked >= acked_at_least && t->acked + t->rejected >= final_total;
  pthread_mutex_unlock(&t->mu);
  return ok;
}

static int run(const char *dir) {
  kerr_msg msg;
  api_config ac = {.base_url = g_url, .kiosk_id = "demo-kiosk",
                   .secret = "demo-secret", .timeout_ms = 3000};
  api *a;
  if (api_open(&ac, &a, msg) != KERR_OK)
    return 1;
  /* Probe with bodies the routes refuse (400), so the probe changes nothing. */
  long s1 = request(a, "POST", "/v1/checkins", "{}", "probe-checkin", NULL);
  long s2 = request(a, "POST", "/v1/redemptions", "{}", "probe-redeem", NULL);
  if (s1 == 404 || s2 == 404) {
    printf("skipped: kiosk-central has no POST /v1/checkins or /v1/redemptions "
           "yet (%ld, %ld)\n", s1, s2);
    api_close(a);
    return 77;
  }
  long long before[4], after[4];
  if (balances(a, before) != 0) {
    api_close(a);
    return 1;
  }

  outbox *ob;
  if (outbox_open(dir, &ob, msg) != KERR_OK) {
    fprintf(stderr, "%s\n", msg);
    return 1;
  }
  tally t = {.queued = 0};
  pthread_mutex_init(&t.mu, NULL);
  pthread_cond_init(&t.cv, NULL);
  sync_config cfg = {.api = ac, .backoff_base_ms = 20, .backoff_cap_ms = 300};
  sync_worker *sw;
  if (sync_start(&cfg, ob, on_event, &t, &sw, msg) != KERR_OK) {
    fprintf(stderr, "%s\n", msg);
    return 1;
  }
  for (int i = 0; i < N_TXN; i++) {
    char body[128];
    const char *m = members[i < N_REDEEM ? 2 + i % 2 : i - N_REDEEM];
    if (i < N_REDEEM) {
      snprintf(body, sizeof body,
               "{\"member_id\":\"%s\",\"item_id\":\"G002\",\"quantity\":1}", m);
      while (sync_enqueue(sw, OUTBOX_REDEMPTION, m, body, 1200, i, NULL) == KERR_BUSY)
        usleep(1000);
    } else {
      snprintf(body, sizeof body, "{\"member_id\":\"%s\"}", m);
      while (sync_enqueue(sw, OUTBOX_CHECKIN, m, body, 0, i, NULL) == KERR_BUSY)
        usleep(1000);
    }
  }
  /* Kill the central midway, maybe in the middle of a request, and bring it
   * back on the same port and database. */
  int mid = wait_until(&t, N_TXN / 3, 0, 60);
  int port = url_port(g_url);
  central_kill();
  char listen[64];
  snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
  usleep(200 * 1000);
  int restarted = central_start(listen) == 0;
  if (restarted)
    sync_kick(sw);
  int done = restarted && wait_until(&t, 0, N_TXN, 60);
  sync_stop(sw);
  outbox_stats_t st;
  outbox_stats(ob, outbox_now_ms(), &st, msg);
  outbox_close(ob);

  int bad = 0;
  if (!mid || !restarted || !done) {
    fprintf(stderr, "did not finish: mid %d restarted %d done %d (acked %d rejected %d)\n",
            mid, restarted, done, t.acked, t.rejected);
    bad = 1;
  }
  if (t.queued != N_TXN || st.depth != 0 || t.other != 0) {
    fprintf(stderr, "queued %d, depth %lld, dead %d\n", t.queued, (long long)st.depth, t.other);
    bad = 1;
  }
  for (int id = 1; id <= N_TXN; id++)
    if (t.final_of[id] != 1) {
      fprintf(stderr, "txn %d ended %d times\n", id, t.final_of[id]);
      bad = 1;
    }
  for (int i = 0; i < t.nredemption_ids; i++)
    for (int k = 0; k < i; k++)
      if (strcmp(t.redemption_ids[i], t.redemption_ids[k]) == 0) {
        fprintf(stderr, "redemption %s answered twice\n", t.redemption_ids[i]);
        bad = 1;
      }
  if (balances(a, after) != 0) {
    bad = 1;
  } else {
    for (int i = 0; i < 4; i++) {
      long long want = before[i] - t.charged[i] + t.awarded[i];
      printf("%s: before %lld, charged %lld, awarded %lld, after %lld (want %lld)\n",
             members[i], before[i], t.charged[i], t.awarded[i], after[i], want);
      if (after[i] != want)
        bad = 1;
    }
  }
  printf("%d transactions: %d acked, %d rejected, central killed once midway\n",
         N_TXN, t.acked, t.rejected);
  api_close(a);
  pthread_cond_destroy(&t.cv);
  pthread_mutex_destroy(&t.mu);
  return bad;
}

int main(void) {
  const char *build = getenv("KIOSK_BUILD_DIR");
  snprintf(g_central, sizeof g_central, "%s/kiosk-central", build ? build : ".");
  if (access(g_central, X_OK) != 0) {
    printf("skipped: %s not built\n", g_central);
    return 77;
  }
  klog_set_level(KLOG_ERROR);
  char dir[PATH_MAX];
  if (testdir_make(dir, sizeof dir) != 0)
    return 1;
  snprintf(g_db, sizeof g_db, "%s/central.db", dir);
  int rc = 1;
  if (central_start("127.0.0.1:0") != 0) {
    fprintf(stderr, "kiosk-central did not start\n");
  } else {
    char kdir[PATH_MAX + 16];
    snprintf(kdir, sizeof kdir, "%s/kiosk", dir);
    rc = run(kdir);
    testdir_remove(kdir);
  }
  if (g_pid > 0)
    central_kill();
  testdir_remove(dir);
  return rc;
}
