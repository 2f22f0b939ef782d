/* Crash test of the kiosk's delivery path against the real central: a child
 * process opens the outbox, starts the sync worker against kiosk-central
 * --demo and enqueues redemptions and check-ins; the parent kills it with
 * SIGKILL at random moments (in start-up, enqueue, send and ack) and starts
 * it again on the same state folder, many times. A last child runs until
 * the queue is empty. Then, from the central's own database:
 * - every transaction the kiosk holds has exactly one stored answer at the
 *   central, equal to the answer the kiosk recorded, and the central holds
 *   no answer for a key the kiosk never enqueued;
 * - each accepted redemption is one ledger row and one redemption row, a
 *   refused one none, a check-in credits what it answered, once;
 * - nothing is left pending, sending or dead at the kiosk;
 * - each member's balance moved by exactly what the kiosk's answers say.
 *
 *   net_kiosk_crash [KILLS]   (default 200, or $KIOSK_KIOSK_KILLS)
 *
 * Exits 77 when kiosk-central is not built. Waits are bounded for liveness
 * only; nothing asserts on time. */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../reliability/report_row.h"
#include "klog.h"
#include "net_spawn.h"
#include "net_testdir.h"
#include "sync.h"

#define NMEMBERS 4
#define IN_FLIGHT 4           /* queued but not final, per child life */
#define BOOST 100000000LL     /* points given to each member before the run */

static const char *members[NMEMBERS] = {"M100001", "M100002", "M100003",
                                        "M100004"};

/* ---- the child: a kiosk that dies at any moment ------------------------ */

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int fd;
  int open; /* transactions enqueued in this life and not final yet */
} kiosk;

static void say(int fd, const char *line) {
  /* One write under PIPE_BUF is atomic: the parent never gets half a line,
   * whenever the kill comes. */
  ssize_t n = write(fd, line, strlen(line));
  (void)n;
}

static void on_event(void *ctx, sync_event *ev) {
  kiosk *k = ctx;
  char line[128];
  line[0] = '\0';
  if (ev->type == SYNC_QUEUED && ev->rc == KERR_OK)
    snprintf(line, sizeof line, "E %lld %s\n", (long long)ev->txn_id, ev->key);
  else if (ev->type == SYNC_ACKED || ev->type == SYNC_REJECTED)
    snprintf(line, sizeof line, "%c %lld %s %ld\n",
             ev->type == SYNC_ACKED ? 'A' : 'J', (long long)ev->txn_id,
             ev->key, ev->status);
  else if (ev->type == SYNC_DEAD)
    snprintf(line, sizeof line, "D %lld %s\n", (long long)ev->txn_id, ev->key);
  if (line[0])
    say(k->fd, line);
  pthread_mutex_lock(&k->mu);
  if ((ev->type == SYNC_QUEUED && ev->rc != KERR_OK) ||
      ev->type == SYNC_ACKED || ev->type == SYNC_REJECTED ||
      ev->type == SYNC_DEAD)
    if (k->open > 0)
      k->open--;
  pthread_cond_broadcast(&k->cv);
  pthread_mutex_unlock(&k->mu);
  sync_event_free(ev);
}

/* Runs until killed, or with final set until the queue is empty. */
static int child(const char *dir, const char *url, int fd, int final) {
  kerr_msg msg;
  klog_set_level(KLOG_ERROR);
  outbox *ob;
  if (outbox_open(dir, &ob, msg) != KERR_OK) {
    fprintf(stderr, "child: %s\n", msg);
    return 3;
  }
  kiosk k = {.fd = fd, .open = 0};
  pthread_mutex_init(&k.mu, NULL);
  pthread_cond_init(&k.cv, NULL);
  sync_config cfg = {.api = {.base_url = url, .kiosk_id = "demo-kiosk",
                             .secret = "demo-secret", .timeout_ms = 5000},
                     .backoff_base_ms = 20, .backoff_cap_ms = 200};
  sync_worker *sw;
  if (sync_start(&cfg, ob, on_event, &k, &sw, msg) != KERR_OK) {
    fprintf(stderr, "child: %s\n", msg);
    return 3;
  }
  say(fd, "R\n");
  int rc = 0;
  if (final) {
    /* Bounded for liveness only: the parent reports a queue not drained. */
    for (int i = 0; i < 12000; i++) {
      outbox_stats_t st;
      if (outbox_stats(ob, outbox_now_ms(), &st, msg) != KERR_OK) {
        rc = 4;
        break;
      }
      if (st.depth == 0)
        break;
      usleep(5000);
    }
  } else {
    for (unsigned seq = 0;; seq++) {
      pthread_mutex_lock(&k.mu);
      while (k.open >= IN_FLIGHT)
        pthread_cond_wait(&k.cv, &k.mu);
      k.open++;
      pthread_mutex_unlock(&k.mu);
      const char *m = members[randombytes_uniform(NMEMBERS)];
      uint32_t r = randombytes_uniform(100);
      char body[128];
      outbox_kind kind = r < 20 ? OUTBOX_CHECKIN : OUTBOX_REDEMPTION;
      if (kind == OUTBOX_CHECKIN)
        snprintf(body, sizeof body, "{\"member_id\":\"%s\"}", m);
      else /* G005 has no stock: a refusal now and then, stored too */
        snprintf(body, sizeof body,
                 "{\"member_id\":\"%s\",\"item_id\":\"%s\",\"quantity\":1}", m,
                 r < 25 ? "G005" : "G002");
      while (sync_enqueue(sw, kind, m, body, kind == OUTBOX_CHECKIN ? 0 : 1500,
                          (int)seq, NULL) == KERR_BUSY)
        usleep(1000);
      usleep(randombytes_uniform(1500));
    }
  }
  sync_stop(sw);
  outbox_close(ob);
  pthread_cond_destroy(&k.cv);
  pthread_mutex_destroy(&k.mu);
  return rc;
}

/* ---- the parent: what the child said ------------------------------------ */

typedef struct {
  int64_t id;
  char key[OUTBOX_KEY_LEN + 1];
  char what; /* 'E' enqueued, 'A' acked, 'J' rejected, 'D' dead */
  long status;
} said;

static said *g_said;
static size_t g_nsaid, g_capsaid;
static char g_central[PATH_MAX], g_db[PATH_MAX + 16], g_kdir[PATH_MAX + 16];
static char g_url[128];

static int record(const char *line) {
  said s = {.what = line[0]};
  char *end;
  if (!strchr("EAJD", s.what) || line[1] != ' ')
    return -1;
  s.id = strtoll(line + 2, &end, 10);
  if (*end != ' ' || strlen(end + 1) < OUTBOX_KEY_LEN)
    return -1;
  memcpy(s.key, end + 1, OUTBOX_KEY_LEN);
  s.key[OUTBOX_KEY_LEN] = '\0';
  if (s.what == 'A' || s.what == 'J')
    s.status = strtol(end + 1 + OUTBOX_KEY_LEN, NULL, 10);
  if (g_nsaid == g_capsaid) {
    g_capsaid = g_capsaid ? g_capsaid * 2 : 4096;
    said *n = realloc(g_said, g_capsaid * sizeof *n);
    if (!n)
      return -1;
    g_said = n;
  }
  g_said[g_nsaid++] = s;
  return 0;
}

/* Reads what the child wrote until EOF (all its writers gone) or timeout_ms
 * without a byte; *ready tells whether it said "R". */
static int drain(int fd, int timeout_ms, int *ready) {
  char buf[8192], line[256];
  size_t len = 0;
  struct pollfd p = {.fd = fd, .events = POLLIN};
  for (;;) {
    if (poll(&p, 1, timeout_ms) != 1)
      return -1;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return 0;
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] != '\n') {
        if (len < sizeof line - 1)
          line[len++] = buf[i];
        continue;
      }
      line[len] = '\0';
      len = 0;
      if (strcmp(line, "R") == 0)
        *ready = 1;
      else if (record(line) != 0) {
        fprintf(stderr, "bad line from child: %s\n", line);
        return -1;
      }
    }
  }
}

static pid_t start_child(int *rfd, int final) {
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    exit(child(g_kdir, g_url, fds[1], final));
  }
  close(fds[1]);
  *rfd = fds[0];
  return pid;
}

/* ---- the central --------------------------------------------------------- */

static int central_start(spawn_child *c, const char *log) {
  const char *argv[] = {g_central, "--demo", "--listen", "127.0.0.1:0",
                        "--db", g_db, NULL};
  char lines[4][128];
  memset(lines, 0, sizeof lines);
  if (spawn_start(c, argv, log, lines, 4) != 0)
    return -1;
  for (int i = 0; i < 4; i++) {
    const char *at = strstr(lines[i], "listening on ");
    if (at) {
      snprintf(g_url, sizeof g_url, "%s", at + 13);
      return 0;
    }
  }
  return -1;
}

static int exec_sql(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    return -1;
  }
  return 0;
}

/* The demo members get enough points and G002 enough stock that thousands
 * of redemptions are accepted; done while the central is stopped. */
static int boost(void) {
  sqlite3 *db;
  if (sqlite3_open(g_db, &db) != SQLITE_OK)
    return -1;
  char sql[512];
  long long now = (long long)time(NULL);
  int rc = exec_sql(db, "BEGIN; UPDATE items SET stock=100000000 WHERE id='G002'");
  for (int i = 0; rc == 0 && i < NMEMBERS; i++) {
    snprintf(sql, sizeof sql,
             "INSERT INTO ledger(member_id, delta, reason, reference, "
             "created_at) VALUES('%s', %lld, 'earn', 'crash-test', %lld);"
             "INSERT INTO lots(member_id, ledger_id, amount, remaining, "
             "expires_at) VALUES('%s', last_insert_rowid(), %lld, %lld, %lld)",
             members[i], BOOST, now, members[i], BOOST, BOOST,
             now + 200 * 86400LL);
    rc = exec_sql(db, sql);
  }
  if (rc == 0)
    rc = exec_sql(db, "COMMIT");
  sqlite3_close(db);
  return rc;
}

/* The live balance, as the central computes it (ctl_ledger_balance). */
static int balances(sqlite3 *db, long long out[NMEMBERS]) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT ledger_sum - (SELECT COALESCE(SUM(remaining), 0)"
                         " FROM lots WHERE member_id=?1 AND expires_at<=?2 AND "
                         "remaining>0) FROM members WHERE id=?1",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  int rc = 0;
  for (int i = 0; i < NMEMBERS && rc == 0; i++) {
    sqlite3_bind_text(st, 1, members[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
    if (sqlite3_step(st) == SQLITE_ROW)
      out[i] = sqlite3_column_int64(st, 0);
    else
      rc = -1;
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return rc;
}

static long long count(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  long long n = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

/* After a kill: does the central hold an answer for a transaction the kiosk
 * still has open, i.e. did the kill fall between the central applying it and
 * the kiosk recording the ack? */
static int kill_in_ack_window(void) {
  char p[PATH_MAX + 64];
  snprintf(p, sizeof p, "%s/%s", g_kdir, OUTBOX_FILE);
  sqlite3 *k = NULL, *c = NULL;
  sqlite3_stmt *ks = NULL, *cs = NULL;
  int hit = 0;
  if (access(p, F_OK) == 0 &&
      sqlite3_open_v2(p, &k, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
      sqlite3_open_v2(g_db, &c, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(k, "SELECT idem_key FROM txn WHERE state IN (0,1)", -1,
                         &ks, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(c, "SELECT 1 FROM idem WHERE kiosk_id='demo-kiosk' "
                         "AND key=?1", -1, &cs, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(c, 2000);
    while (!hit && sqlite3_step(ks) == SQLITE_ROW) {
      sqlite3_bind_text(cs, 1, (const char *)sqlite3_column_text(ks, 0), -1,
                        SQLITE_TRANSIENT);
      hit = sqlite3_step(cs) == SQLITE_ROW;
      sqlite3_reset(cs);
    }
  }
  sqlite3_finalize(ks);
  sqlite3_finalize(cs);
  sqlite3_close(k);
  sqlite3_close(c);
  return hit;
}

/* Says what went wrong; returns 1 to count it. */
__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  return 1;
}

/* ---- the verdict ----------------------------------------------------------- */

typedef struct {
  int64_t id;
  int kind, state;
  char member[OUTBOX_MEMBER_MAX];
  char key[OUTBOX_KEY_LEN + 1];
  long status;
  json_t *answer;
  int central; /* answers found at the central */
} row;

static int by_key(const void *a, const void *b) {
  return strcmp(((const row *)a)->key, ((const row *)b)->key);
}

static row *find(row *rows, size_t n, const char *key) {
  row probe;
  snprintf(probe.key, sizeof probe.key, "%s", key);
  return bsearch(&probe, rows, n, sizeof *rows, by_key);
}

static row *load_kiosk(size_t *n) {
  char p[PATH_MAX + 64];
  snprintf(p, sizeof p, "%s/%s", g_kdir, OUTBOX_FILE);
  sqlite3 *db;
  sqlite3_stmt *st;
  *n = 0;
  if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    return NULL;
  long long total = count(db, "SELECT count(*) FROM txn");
  row *rows = calloc(total > 0 ? (size_t)total : 1, sizeof *rows);
  if (rows && sqlite3_prepare_v2(db, "SELECT id, kind, state, coalesce(member_id,''),"
                                 " idem_key, coalesce(answer_status,0),"
                                 " answer_body FROM txn", -1, &st, NULL) == SQLITE_OK) {
    while (*n < (size_t)total && sqlite3_step(st) == SQLITE_ROW) {
      row *r = &rows[(*n)++];
      r->id = sqlite3_column_int64(st, 0);
      r->kind = sqlite3_column_int(st, 1);
      r->state = sqlite3_column_int(st, 2);
      snprintf(r->member, sizeof r->member, "%s", sqlite3_column_text(st, 3));
      snprintf(r->key, sizeof r->key, "%s", sqlite3_column_text(st, 4));
      r->status = sqlite3_column_int(st, 5);
      const char *b = (const char *)sqlite3_column_text(st, 6);
      r->answer = b ? json_loads(b, 0, NULL) : NULL;
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  if (rows)
    qsort(rows, *n, sizeof *rows, by_key);
  return rows;
}

static int member_index(const char *id) {
  for (int i = 0; i < NMEMBERS; i++)
    if (strcmp(id, members[i]) == 0)
      return i;
  return -1;
}


static int verify(row *rows, size_t n, const long long before[NMEMBERS],
                  long long redemptions_before) {
  int bad = 0;
  long long charged[NMEMBERS] = {0}, awarded[NMEMBERS] = {0};
  size_t acked = 0, rejected = 0, redeemed = 0, checkins = 0;
  /* The kiosk: everything final, everything it confirmed is there. */
  for (size_t i = 0; i < n; i++) {
    row *r = &rows[i];
    if (r->state != OUTBOX_ACKED && r->state != OUTBOX_REJECTED)
      bad += fail("kiosk txn %lld left %s\n", (long long)r->id,
           outbox_state_name((outbox_state)r->state));
    acked += r->state == OUTBOX_ACKED;
    rejected += r->state == OUTBOX_REJECTED;
  }
  for (size_t i = 0; i < g_nsaid; i++) {
    said *s = &g_said[i];
    row *r = find(rows, n, s->key);
    if (!r || r->id != s->id)
      bad += fail("confirmed txn %lld (%s) lost at the kiosk\n", (long long)s->id, s->key);
    else if ((s->what == 'A' && (r->state != OUTBOX_ACKED || r->status != s->status)) ||
             (s->what == 'J' && (r->state != OUTBOX_REJECTED || r->status != s->status)))
      bad += fail("txn %lld: answer %c %ld, kiosk keeps %s %ld\n", (long long)s->id,
           s->what, s->status, outbox_state_name((outbox_state)r->state), r->status);
    else if (s->what == 'D')
      bad += fail("txn %lld went dead\n", (long long)s->id);
  }

  sqlite3 *db;
  sqlite3_stmt *st;
  if (sqlite3_open_v2(g_db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    return fail("cannot open the central's db\n");
  /* One stored answer per key, the one the kiosk recorded, and none for a
   * key the kiosk never had. */
  sqlite3_prepare_v2(db, "SELECT key, status, body FROM idem WHERE kiosk_id="
                     "'demo-kiosk'", -1, &st, NULL);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(st, 0);
    row *r = find(rows, n, key);
    if (!r) {
      bad += fail("the central answered key %s the kiosk never enqueued\n", key);
      continue;
    }
    r->central++;
    json_t *body = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
    if (sqlite3_column_int(st, 1) != r->status ||
        (r->state == OUTBOX_ACKED && !json_equal(body, r->answer)))
      bad += fail("txn %lld: central stored %d, kiosk recorded %ld\n", (long long)r->id,
           sqlite3_column_int(st, 1), r->status);
    json_decref(body);
  }
  sqlite3_finalize(st);

  /* What each key did to the ledger; the kiosk's answers say what it should. */
  long long *rows_of = calloc(n ? n : 1, sizeof *rows_of);
  long long *delta_of = calloc(n ? n : 1, sizeof *delta_of);
  sqlite3_prepare_v2(db, "SELECT idem_key, count(*), sum(delta) FROM ledger "
                     "WHERE idem_key IS NOT NULL GROUP BY idem_key", -1, &st, NULL);
  while (rows_of && delta_of && sqlite3_step(st) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(st, 0);
    row *r = find(rows, n, key);
    if (!r) {
      bad += fail("ledger rows for key %s the kiosk never enqueued\n", key);
      continue;
    }
    rows_of[r - rows] = sqlite3_column_int64(st, 1);
    delta_of[r - rows] = sqlite3_column_int64(st, 2);
  }
  sqlite3_finalize(st);
  sqlite3_prepare_v2(db, "SELECT count(*) FROM redemptions WHERE id=?1 AND "
                     "kiosk_id='demo-kiosk' AND member_id=?2", -1, &st, NULL);
  for (size_t i = 0; i < n && rows_of && delta_of; i++) {
    row *r = &rows[i];
    int m = member_index(r->member);
    if (r->central != 1)
      bad += fail("txn %lld (%s) has %d answers at the central\n", (long long)r->id,
           r->key, r->central);
    long long want = 0;
    if (r->state == OUTBOX_ACKED && r->kind == OUTBOX_REDEMPTION) {
      want = -json_integer_value(json_object_get(r->answer, "points_charged"));
      const char *rid = json_string_value(json_object_get(r->answer, "redemption_id"));
      sqlite3_bind_text(st, 1, rid ? rid : "", -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 2, r->member, -1, SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1)
        bad += fail("txn %lld: redemption %s not recorded once\n", (long long)r->id,
             rid ? rid : "(none)");
      sqlite3_reset(st);
      if (want != 0 && rows_of[i] != 1)
        bad += fail("txn %lld: %lld ledger rows\n", (long long)r->id, rows_of[i]);
      redeemed++;
      if (m >= 0)
        charged[m] += -want;
    } else if (r->state == OUTBOX_ACKED && r->kind == OUTBOX_CHECKIN) {
      want = json_integer_value(json_object_get(r->answer, "points_awarded"));
      checkins++;
      if (m >= 0)
        awarded[m] += want;
    }
    if (delta_of[i] != want)
      bad += fail("txn %lld (%s): ledger moved %lld, answer says %lld\n",
           (long long)r->id, r->key, delta_of[i], want);
  }
  sqlite3_finalize(st);
  free(rows_of);
  free(delta_of);
  long long redemptions_after = count(db, "SELECT count(*) FROM redemptions");
  if (redemptions_after - redemptions_before != (long long)redeemed)
    bad += fail("%lld redemptions at the central, the kiosk holds %zu accepted\n",
         redemptions_after - redemptions_before, redeemed);
  long long after[NMEMBERS];
  if (balances(db, after) != 0)
    bad += fail("cannot read balances\n");
  else
    for (int i = 0; i < NMEMBERS; i++) {
      long long want = before[i] - charged[i] + awarded[i];
      if (after[i] != want)
        bad += fail("%s: balance %lld, want %lld (before %lld, charged %lld, awarded %lld)\n",
             members[i], after[i], want, before[i], charged[i], awarded[i]);
    }
  sqlite3_close(db);
  printf("%zu transactions: %zu acked (%zu redemptions, %zu check-ins), %zu "
         "rejected\n", n, acked, redeemed, checkins, rejected);
  if (redeemed == 0 || rejected == 0) /* a run that checked nothing fails */
    bad += fail("no accepted or no refused redemption: nothing was exercised\n");
  return bad;
}

static int run(long kills) {
  spawn_child central;
  char log[PATH_MAX + 32];
  snprintf(log, sizeof log, "%s.log", g_db);
  /* First start seeds the demo data; the boost needs the central stopped. */
  if (central_start(&central, log) != 0)
    return fail("kiosk-central did not start (log %s)\n", log);
  spawn_stop(&central);
  long long before[NMEMBERS], redemptions_before;
  sqlite3 *db;
  if (boost() != 0 || sqlite3_open_v2(g_db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    return fail("cannot prepare the central's db\n");
  int brc = balances(db, before);
  redemptions_before = count(db, "SELECT count(*) FROM redemptions");
  sqlite3_close(db);
  if (brc != 0 || central_start(&central, log) != 0)
    return fail("kiosk-central did not start again\n");

  int bad = 0;
  long in_window = 0, in_startup = 0;
  for (long k = 0; k < kills && !bad; k++) {
    int fd, ready = 0;
    pid_t pid = start_child(&fd, 0);
    if (pid < 0)
      { bad += fail("fork failed\n"); break; }
    /* One kill in eight comes during start-up (outbox_open, recovery);
     * the others 0-50 ms into the work. */
    if (randombytes_uniform(8) == 0) {
      usleep(randombytes_uniform(5000));
    } else {
      /* The first line (ready, or an event about a recovered transaction
       * that beat it) says start-up is over; drain() reads it later. */
      struct pollfd p = {.fd = fd, .events = POLLIN};
      ready = poll(&p, 1, 15000) == 1;
      usleep(randombytes_uniform(50000));
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status)) {
      bad += fail("round %ld: child exited with %d before the kill\n", k,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
      break;
    }
    int said_ready = 0;
    if (drain(fd, 5000, &said_ready) != 0)
      bad += fail("round %ld: cannot read the child's lines\n", k);
    close(fd);
    in_startup += !ready && !said_ready;
    in_window += kill_in_ack_window();
  }

  /* The last life: no kill, run until the queue is empty. */
  int fd, ready = 0;
  pid_t pid = bad ? -1 : start_child(&fd, 1);
  if (pid > 0) {
    if (drain(fd, 65000, &ready) != 0)
      bad += fail("last child: no end of its lines\n");
    close(fd);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      bad += fail("last child ended with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  spawn_stop(&central);
  if (bad)
    return bad;

  size_t n;
  row *rows = load_kiosk(&n);
  if (!rows)
    return fail("cannot read the kiosk's outbox\n");
  size_t confirmed = 0;
  for (size_t i = 0; i < g_nsaid; i++)
    confirmed += g_said[i].what == 'E';
  bad = verify(rows, n, before, redemptions_before);
  printf("%ld kills (%ld during start-up, %ld between the central applying and "
         "the kiosk recording the ack), %zu enqueues confirmed\n",
         kills, in_startup, in_window, confirmed);
  report_rowf("net_kiosk_crash",
              "kiosk queue and sync worker SIGKILLed at random moments against a real central",
              kills, bad,
              "%ld kills in start-up, %ld between the central applying and the kiosk "
              "recording the ack, %zu enqueues confirmed",
              in_startup, in_window, confirmed);
  for (size_t i = 0; i < n; i++)
    json_decref(rows[i].answer);
  free(rows);
  return bad;
}

int main(int argc, char **argv) {
  const char *env = getenv("KIOSK_KIOSK_KILLS");
  long kills = strtol(argc > 1 ? argv[1] : env ? env : "200", NULL, 10);
  if (kills <= 0 || sodium_init() < 0)
    return 2;
  const char *build = getenv("KIOSK_BUILD_DIR");
  snprintf(g_central, sizeof g_central, "%s/kiosk-central", build ? build : ".");
  if (access(g_central, X_OK) != 0) {
    printf("skipped: %s not built\n", g_central);
    return 77;
  }
  char dir[PATH_MAX];
  if (testdir_make(dir, sizeof dir) != 0)
    return 2;
  snprintf(g_db, sizeof g_db, "%s/central.db", dir);
  snprintf(g_kdir, sizeof g_kdir, "%s/kiosk", dir);
  int bad = run(kills);
  free(g_said);
  if (bad) {
    fprintf(stderr, "kept for inspection: %s\n", dir);
    return 1;
  }
  testdir_remove(g_kdir);
  testdir_remove(dir);
  return 0;
}
