/* Crash test of the queue: a child process enqueues, claims and acks as fast
 * as it can and is killed with SIGKILL at a random moment, many times. After
 * every restart, each enqueue that returned success is there exactly once
 * (same id, same key), each ack that returned success is still acked, nothing
 * is left sending, and PRAGMA integrity_check passes.
 *
 *   net_outbox_crash [KILLS]   (default 200, or $KIOSK_CRASH_KILLS)
 */
#include <errno.h>
#include <signal.h>
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
#include "net_testdir.h"
#include "outbox.h"

typedef struct {
  int64_t id;
  char key[OUTBOX_KEY_LEN + 1];
  int acked;
} seen;

static seen *g_seen;
static size_t g_nseen, g_capseen;

static void say(int fd, const char *line) {
  /* One write of less than PIPE_BUF is atomic: the parent never sees half a
   * line, whenever the kill comes. */
  ssize_t n = write(fd, line, strlen(line));
  (void)n;
}

static void child(const char *dir, int fd) {
  kerr_msg msg;
  outbox *ob;
  if (outbox_open(dir, &ob, msg) != KERR_OK) {
    fprintf(stderr, "child: %s\n", msg);
    _exit(3);
  }
  say(fd, "R\n");
  for (unsigned i = 0;; i++) {
    char body[96], line[96], key[OUTBOX_KEY_LEN + 1];
    int64_t id;
    snprintf(body, sizeof body, "{\"seq\":%u,\"pid\":%d}", i, (int)getpid());
    char member[16];
    snprintf(member, sizeof member, "M%u", i % 7);
    int rc = outbox_enqueue(ob, (outbox_kind)(i % 5), i % 5 == 4 ? NULL : member,
                            body, i % 3 == 0 ? 100 : 0, &id, key, msg);
    if (rc) {
      fprintf(stderr, "child: enqueue: %s\n", msg);
      _exit(4);
    }
    snprintf(line, sizeof line, "E %lld %s\n", (long long)id, key);
    say(fd, line);
    if (i % 2)
      continue;
    outbox_txn t;
    if (outbox_claim_next(ob, outbox_now_ms(), &t, msg) != KERR_OK)
      continue;
    switch (randombytes_uniform(4)) {
    case 0:
      if (outbox_mark_acked(ob, t.id, 201, "{\"ok\":true}", msg) == KERR_OK) {
        snprintf(line, sizeof line, "A %lld\n", (long long)t.id);
        say(fd, line);
      }
      break;
    case 1: outbox_mark_retry(ob, t.id, outbox_now_ms(), "HTTP 503", msg); break;
    case 2: outbox_mark_rejected(ob, t.id, 422, NULL, "out_of_stock", msg); break;
    default: break; /* left sending, as if the HTTP request were under way */
    }
    outbox_txn_free(&t);
  }
}

static int record(char *line) {
  if (line[0] == 'E') {
    if (g_nseen == g_capseen) {
      g_capseen = g_capseen ? g_capseen * 2 : 1024;
      g_seen = realloc(g_seen, g_capseen * sizeof *g_seen);
      if (!g_seen)
        return -1;
    }
    seen *s = &g_seen[g_nseen++];
    char *end;
    s->id = strtoll(line + 2, &end, 10);
    s->acked = 0;
    if (*end != ' ' || strlen(end + 1) != OUTBOX_KEY_LEN)
      return -1;
    memcpy(s->key, end + 1, OUTBOX_KEY_LEN + 1);
  } else if (line[0] == 'A') {
    int64_t id = strtoll(line + 2, NULL, 10);
    for (size_t i = g_nseen; i-- > 0;)
      if (g_seen[i].id == id) {
        g_seen[i].acked = 1;
        return 0;
      }
    /* Its enqueue committed but the child died before saying so. */
    return 0;
  }
  return 0;
}

/* Reads everything the dead child wrote; returns 1 when it said ready. */
static int drain(FILE *in) {
  char line[128];
  int ready = 0;
  while (fgets(line, sizeof line, in)) {
    line[strcspn(line, "\n")] = '\0';
    if (strcmp(line, "R") == 0)
      ready = 1;
    else if (record(line) != 0) {
      fprintf(stderr, "bad line from child: %s (after %zu)\n", line, g_nseen);
      exit(1);
    }
  }
  return ready;
}

static int verify(const char *dir, int round) {
  kerr_msg msg;
  outbox *ob;
  if (outbox_open(dir, &ob, msg) != KERR_OK || outbox_check(ob, msg) != KERR_OK) {
    fprintf(stderr, "round %d: %s\n", round, msg);
    return -1;
  }
  outbox_close(ob);

  char p[PATH_MAX + 32];
  snprintf(p, sizeof p, "%s/%s", dir, OUTBOX_FILE);
  sqlite3 *db;
  sqlite3_stmt *st;
  if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    return -1;
  int bad = 0;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM txn WHERE idem_key=?1 AND id=?2",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_stmt *ack;
  sqlite3_prepare_v2(db, "SELECT state FROM txn WHERE id=?1", -1, &ack, NULL);
  for (size_t i = 0; i < g_nseen && !bad; i++) {
    sqlite3_bind_text(st, 1, g_seen[i].key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, g_seen[i].id);
    if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1) {
      fprintf(stderr, "round %d: txn %lld (%s) lost\n", round,
              (long long)g_seen[i].id, g_seen[i].key);
      bad = 1;
    }
    sqlite3_reset(st);
    if (g_seen[i].acked) {
      sqlite3_bind_int64(ack, 1, g_seen[i].id);
      if (sqlite3_step(ack) != SQLITE_ROW || sqlite3_column_int(ack, 0) != OUTBOX_ACKED) {
        fprintf(stderr, "round %d: ack of %lld lost\n", round, (long long)g_seen[i].id);
        bad = 1;
      }
      sqlite3_reset(ack);
    }
  }
  sqlite3_finalize(st);
  sqlite3_finalize(ack);
  /* Keys are unique, and nothing is sending once the queue was reopened. */
  const char *q = "SELECT (SELECT count(*) - count(DISTINCT idem_key) FROM txn)"
                  " + (SELECT count(*) FROM txn WHERE state=1)";
  if (!bad && (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK ||
               sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 0)) {
    fprintf(stderr, "round %d: doubled keys or rows left sending\n", round);
    bad = 1;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return bad ? -1 : 0;
}

int main(int argc, char **argv) {
  const char *env = getenv("KIOSK_CRASH_KILLS");
  long kills = strtol(argc > 1 ? argv[1] : env ? env : "200", NULL, 10);
  if (kills <= 0 || sodium_init() < 0)
    return 2;
  klog_set_level(KLOG_WARN);
  char dir[PATH_MAX];
  if (testdir_make(dir, sizeof dir) != 0)
    return 2;
  for (long k = 0; k < kills; k++) {
    int fds[2];
    if (pipe(fds) != 0)
      return 2;
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      child(dir, fds[1]);
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    /* Wait for "ready" so the kill lands in the work, not in start-up, most
     * of the time; a kill at 0 us still hits the open now and then. */
    char c = 0;
    ssize_t n = read(fds[0], &c, 1);
    if (n == 1) {
      char rest = 0;
      n = read(fds[0], &rest, 1);
    }
    if (n != 1) {
      fprintf(stderr, "round %ld: child died on its own\n", k);
      return 1;
    }
    struct timespec ts = {0, (long)randombytes_uniform(20000) * 1000};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status)) {
      fprintf(stderr, "round %ld: child exited with %d\n", k, WEXITSTATUS(status));
      return 1;
    }
    drain(in);
    fclose(in);
    if (verify(dir, (int)k) != 0) {
      fprintf(stderr, "queue kept for inspection in %s\n", dir);
      return 1;
    }
  }
  size_t acked = 0;
  for (size_t i = 0; i < g_nseen; i++)
    acked += (size_t)g_seen[i].acked;
  printf("%ld kills: %zu enqueues and %zu acks confirmed, all present once, "
         "integrity ok\n", kills, g_nseen, acked);
  report_rowf("net_outbox_crash", "outbox SIGKILLed mid-enqueue and mid-ack", kills, 0,
              "%zu enqueues and %zu acks confirmed, all present once", g_nseen, acked);
  int none = g_nseen == 0; /* a test that checked nothing must not pass */
  free(g_seen);
  testdir_remove(dir);
  return none;
}
