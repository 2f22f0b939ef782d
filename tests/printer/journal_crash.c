/* Crash test of the print journal: a child process owes vouchers and prints
 * them through the journal to file: printers (one file per attempt,
 * out/CODE.ATTEMPT.bin, text mode), and an admin reprint now and then, while
 * the parent kills it with SIGKILL at random moments, many times. After
 * every kill the journal passes PRAGMA integrity_check and holds every
 * voucher whose owe returned; at the end a last run prints what is owed and
 * every voucher is printed, and for each voucher every attempt that may have
 * put paper out (a non-empty file) after the first one carries REPRINT and
 * 重印. The journal's stored job equals the last slip byte for byte.
 *
 *   journal_crash [KILLS]   default 100, or $PRN_JOURNAL_KILLS
 *   $PRN_JOURNAL_SEED       replays one run
 */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <time.h>

#include "../reliability/report_row.h"
#include "journal_util.h"

#define VOUCHERS 40

static const char reprint_gbk[] = "\xd6\xd8\xd3\xa1";

static void say(int fd, const char *line) {
  /* Under PIPE_BUF: the parent never sees half a line, whenever the kill. */
  ssize_t n = write(fd, line, strlen(line));
  (void)n;
}

static void die(const char *what, const char *msg) {
  fprintf(stderr, "child: %s: %s\n", what, msg);
  _exit(4);
}

typedef struct {
  char codes[VOUCHERS][PRN_JOURNAL_CODE_MAX];
  int n;
} codes;

static int collect(void *ctx, const prn_journal_entry *e) {
  codes *c = ctx;
  if (c->n < VOUCHERS)
    snprintf(c->codes[c->n++], sizeof c->codes[0], "%s", e->code);
  return 0;
}

static void print_one(prn_journal *j, const char *dir, const char *code,
                      const prn_journal_layout *lo, int fd) {
  kerr_msg msg;
  prn_journal_entry e;
  if (prn_journal_get(j, code, &e, msg))
    die("get", msg);
  int attempt = e.attempts + 1;
  prn_journal_entry_free(&e);
  /* Named by the attempt begin is about to commit: a kill before that
   * commit leaves an empty file that the next run truncates again. */
  char uri[PATH_MAX + 64], line[64];
  snprintf(uri, sizeof uri, "file:%s/out/%s.%d.bin", dir, code, attempt);
  prn_transport *t = NULL;
  if (prn_transport_open(uri, NULL, &t, msg))
    die("open printer", msg);
  prn_journal_outcome out;
  if (prn_journal_print(j, t, code, lo, &out, msg))
    die("print", msg);
  prn_transport_close(t);
  if (out.attempt != attempt)
    die("print", "attempt number moved");
  snprintf(line, sizeof line, "P %s %d\n", code, attempt);
  say(fd, line);
}

static void child(const char *dir, int fd, int final, unsigned seed) {
  kerr_msg msg;
  jt_catalogs cat;
  prn_journal *j;
  if (jt_catalogs_load(&cat))
    _exit(3);
  if (prn_journal_open(dir, &j, msg))
    die("open", msg);
  prn_journal_layout lo = {576, 0, NULL, cat.zh, cat.en};
  say(fd, "R\n");
  for (;;) {
    codes due = {0}, all = {0};
    if (prn_journal_list(j, PRN_JOURNAL_DUE, collect, &due, msg) ||
        prn_journal_list(j, PRN_JOURNAL_ANY, collect, &all, msg))
      die("list", msg);
    for (int i = 0; i < due.n; i++)
      print_one(j, dir, due.codes[i], &lo, fd);
    if (all.n < VOUCHERS) {
      char code[16], json[1024], txn[32], line[64];
      snprintf(code, sizeof code, "V%03d", all.n);
      snprintf(txn, sizeof txn, "txn-%d", all.n);
      jt_voucher(json, sizeof json, code, all.n % 3 == 0);
      if (prn_journal_owe(j, code, txn, all.n % 2 ? "M1" : "M2", json, msg))
        die("owe", msg);
      snprintf(line, sizeof line, "O %s\n", code);
      say(fd, line);
    } else if (final) {
      break;
    } else {
      /* Everything printed: the admin reprints one, so the kills keep
       * landing in prints. */
      const char *code = all.codes[rand_r(&seed) % VOUCHERS];
      if (prn_journal_reprint(j, code, "admin reprint", msg))
        die("reprint", msg);
    }
  }
  prn_journal_close(j);
  jt_catalogs_free(&cat);
  _exit(0);
}

static int g_owed[VOUCHERS];

/* Reads the child's lines until EOF (after the kill) or until "R". */
static int read_lines(FILE *in, int until_ready, int *printed) {
  char line[128];
  while (fgets(line, sizeof line, in)) {
    if (line[0] == 'R' && until_ready)
      return 1;
    int idx;
    if (sscanf(line, "O V%d", &idx) == 1 && idx >= 0 && idx < VOUCHERS)
      g_owed[idx] = 1;
    else if (line[0] == 'P')
      (*printed)++;
  }
  return 0;
}

/* Straight through sqlite, not prn_journal_open: opening the journal would
 * recover it, and the next child must find the rows as the kill left them. */
static int check_db(const char *dir, int *printing) {
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/" PRN_JOURNAL_FILE, dir);
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  int ok = 1;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) != SQLITE_OK ||
      sqlite3_step(q) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(q, 0), "ok")) {
    fprintf(stderr, "integrity_check failed: %s\n", sqlite3_errmsg(db));
    ok = 0;
  }
  sqlite3_finalize(q);
  q = NULL;
  for (int i = 0; ok && i < VOUCHERS; i++) {
    if (!g_owed[i])
      continue;
    char code[16];
    snprintf(code, sizeof code, "V%03d", i);
    if (sqlite3_prepare_v2(db, "SELECT state FROM voucher WHERE code=?1", -1, &q, NULL) ||
        sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC) || sqlite3_step(q) != SQLITE_ROW) {
      fprintf(stderr, "voucher %s was owed and is gone\n", code);
      ok = 0;
    } else if (sqlite3_column_int(q, 0) == PRN_JOURNAL_PRINTING) {
      (*printing)++;
    }
    sqlite3_finalize(q);
    q = NULL;
  }
  sqlite3_close(db);
  return ok;
}

typedef struct {
  int attempts_on_paper, reprint_slips, empty_attempts, crashed_mid_print;
} figures;

/* The end: every voucher printed, and only its first slip may lack 重印. */
static int check_paper(const char *dir, figures *fg) {
  kerr_msg msg;
  prn_journal *j;
  if (prn_journal_open(dir, &j, msg)) {
    fprintf(stderr, "open: %s\n", msg);
    return 0;
  }
  int ok = prn_journal_check(j, msg) == KERR_OK;
  if (!ok)
    fprintf(stderr, "%s\n", msg);
  for (int i = 0; ok && i < VOUCHERS; i++) {
    char code[16], path[PATH_MAX + 64];
    snprintf(code, sizeof code, "V%03d", i);
    prn_journal_entry e;
    if (prn_journal_get(j, code, &e, msg) || e.state != PRN_JOURNAL_PRINTED) {
      fprintf(stderr, "%s: not printed at the end (%s)\n", code, msg);
      ok = 0;
      break;
    }
    int on_paper = 0;
    uint8_t *last = NULL;
    size_t last_len = 0;
    for (int a = 1; ok && a <= e.attempts; a++) {
      size_t n;
      snprintf(path, sizeof path, "%s/out/%s.%d.bin", dir, code, a);
      uint8_t *b = jt_slurp(path, &n);
      if (!b || n == 0) {
        fg->empty_attempts++;
        free(b);
        continue;
      }
      int banner = jt_contains(b, n, "REPRINT") && jt_contains(b, n, reprint_gbk);
      if (on_paper > 0 && !banner) {
        fprintf(stderr, "%s: attempt %d printed again without 重印 / REPRINT\n", code, a);
        ok = 0;
      }
      if (!jt_contains(b, n, "\x1dV")) /* no cut: the slip was cut short */
        fg->crashed_mid_print++;
      fg->reprint_slips += banner;
      on_paper++;
      free(last);
      last = b;
      last_len = n;
    }
    fg->attempts_on_paper += on_paper;
    if (ok && (!last || last_len != e.job_len || memcmp(last, e.job, e.job_len) != 0)) {
      fprintf(stderr, "%s: the last slip is not the journal's job bytes\n", code);
      ok = 0;
    }
    free(last);
    prn_journal_entry_free(&e);
  }
  prn_journal_close(j);
  return ok;
}

static pid_t spawn(const char *dir, int final, unsigned seed, FILE **in) {
  int p[2];
  if (pipe(p))
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    child(dir, p[1], final, seed);
  }
  close(p[1]);
  *in = fdopen(p[0], "r");
  return pid;
}

int main(int argc, char **argv) {
  const char *env = getenv("PRN_JOURNAL_KILLS");
  long kills = argc > 1 ? strtol(argv[1], NULL, 10) : env ? strtol(env, NULL, 10) : 100;
  env = getenv("PRN_JOURNAL_SEED");
  unsigned seed = env ? (unsigned)strtoul(env, NULL, 10)
                      : (unsigned)time(NULL) ^ (unsigned)getpid();
  if (kills < 1)
    kills = 1;
  char dir[PATH_MAX], out[PATH_MAX + 8];
  if (jt_dir_make(dir, sizeof dir))
    return 1;
  snprintf(out, sizeof out, "%s/out", dir);
  mkdir(out, 0700);
  printf("journal_crash: %ld kills, seed %u (PRN_JOURNAL_SEED to replay), %s\n", kills, seed,
         dir);
  fflush(stdout);

  int ok = 1, printed = 0, printing = 0;
  for (long k = 0; ok && k < kills; k++) {
    FILE *in = NULL;
    pid_t pid = spawn(dir, 0, seed + (unsigned)k, &in);
    if (pid < 0 || !in)
      return 1;
    read_lines(in, 1, &printed);
    /* Up to 20 ms: a few prints' worth, so kills land in owe, begin, the
     * write, finish and recovery alike. */
    useconds_t us = (useconds_t)(rand_r(&seed) % 20000);
    usleep(us);
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    read_lines(in, 0, &printed);
    fclose(in);
    if (!WIFSIGNALED(st)) {
      fprintf(stderr, "child ended by itself (status %d) before kill %ld\n",
              WIFEXITED(st) ? WEXITSTATUS(st) : -1, k);
      ok = 0;
      break;
    }
    ok = check_db(dir, &printing);
  }

  figures fg = {0};
  if (ok) {
    FILE *in = NULL;
    pid_t pid = spawn(dir, 1, seed, &in);
    if (pid < 0 || !in)
      return 1;
    read_lines(in, 0, &printed);
    fclose(in);
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      fprintf(stderr, "final run failed (status %d)\n", st);
      ok = 0;
    }
  }
  if (ok)
    ok = check_paper(dir, &fg);
  printf("journal_crash: %d kills left a voucher printing; %d slips reported printed, %d attempts put paper out, %d of them "
         "with 重印, %d cut short by a kill, %d attempts began but sent nothing\n",
         printing, printed, fg.attempts_on_paper, fg.reprint_slips, fg.crashed_mid_print,
         fg.empty_attempts);
  printf("journal_crash: %s\n", ok ? "ok" : "FAILED");
  report_rowf("journal_crash", "print journal SIGKILLed mid-print, then restarted", kills, !ok,
              "%d slips reported printed, %d with 重印, %d cut short by a kill", printed,
              fg.reprint_slips, fg.crashed_mid_print);
  if (ok)
    jt_dir_remove(dir);
  else
    printf("journal_crash: kept %s for a look\n", dir);
  return ok ? 0 : 1;
}
