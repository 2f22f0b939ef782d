/* bench_print_journal: what the print journal adds to one voucher, next to
 * the disk's raw fdatasync measured in the same run and the same folder:
 *   1. raw 4 kB pwrite + fdatasync, p50/p99;
 *   2. prn_journal_owe (one durable commit), p50/p99;
 *   3. prn_journal_begin with a raster-sized job (70 kB stored before the
 *      printer gets a byte; the layout itself is bench_print's figure);
 *   4. prn_journal_finish(DONE);
 *   5. the three together per voucher.
 * Prints figures only; never fails on time.
 * usage: bench_print_journal [N] [DIR]   (DIR default $TMPDIR or /tmp) */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "prn_journal.h"

#define JOB_BYTES 70000

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp);
  printf("%-36s p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms   (n=%d)\n", what, v[n / 2],
         v[(int)(n * 0.99)], v[n - 1], n);
}

static int fixed_job(void *ctx, const prn_voucher *v, prn_escpos *e, char *msg) {
  (void)v;
  (void)msg;
  return prn_escpos_raw(e, ctx, JOB_BYTES);
}

static void voucher(char *out, size_t cap, const char *code) {
  snprintf(out, cap,
           "{\"kind\":\"gift\",\"mall_name_zh\":\"星河购物中心\",\"item_name_zh\":\"拿铁\","
           "\"points_charged\":1200,\"points_balance\":34560,\"voucher_code\":\"%s\","
           "\"kiosk_id\":\"K-0007\",\"time\":\"2026-11-24 14:05\"}",
           code);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 200;
  if (n < 10)
    n = 10;
  const char *base = argc > 2 ? argv[2] : getenv("TMPDIR");
  char dir[PATH_MAX], path[PATH_MAX + 32];
  snprintf(dir, sizeof dir, "%s/bench-journal.XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(dir)) {
    perror("bench_print_journal: mkdtemp");
    return 1;
  }
  double *raw = calloc((size_t)n, sizeof *raw), *owe = calloc((size_t)n, sizeof *owe);
  double *beg = calloc((size_t)n, sizeof *beg), *fin = calloc((size_t)n, sizeof *fin);
  double *all = calloc((size_t)n, sizeof *all);
  uint8_t *job = malloc(JOB_BYTES);
  if (!raw || !owe || !beg || !fin || !all || !job)
    return 1;
  memset(job, 0x55, JOB_BYTES);

  snprintf(path, sizeof path, "%s/raw", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  char block[4096];
  memset(block, 'r', sizeof block);
  for (int i = 0; fd >= 0 && i < n; i++) {
    double t0 = now_ms();
    if (pwrite(fd, block, sizeof block, (off_t)(i % 64) * 4096) < 0 || fdatasync(fd) != 0) {
      perror("bench_print_journal: pwrite/fdatasync");
      return 1;
    }
    raw[i] = now_ms() - t0;
  }
  if (fd >= 0)
    close(fd);
  unlink(path);

  kerr_msg msg;
  prn_journal *j;
  if (prn_journal_open(dir, &j, msg)) {
    fprintf(stderr, "bench_print_journal: %s\n", msg);
    return 1;
  }
  for (int i = 0; i < n; i++) {
    char code[16], json[512];
    snprintf(code, sizeof code, "B%05d", i);
    voucher(json, sizeof json, code);
    prn_journal_job jb;
    double t0 = now_ms();
    int rc = prn_journal_owe(j, code, "txn", "M1", json, msg);
    double t1 = now_ms();
    if (!rc)
      rc = prn_journal_begin(j, code, fixed_job, job, &jb, msg);
    double t2 = now_ms();
    if (!rc)
      rc = prn_journal_finish(j, code, PRN_JOB_DONE, NULL, NULL, msg);
    double t3 = now_ms();
    if (rc) {
      fprintf(stderr, "bench_print_journal: %s\n", msg);
      return 1;
    }
    prn_journal_job_free(&jb);
    owe[i] = t1 - t0;
    beg[i] = t2 - t1;
    fin[i] = t3 - t2;
    all[i] = t3 - t0;
  }
  printf("bench_print_journal: %d vouchers in %s, job %d bytes\n", n, dir, JOB_BYTES);
  report("raw 4 kB pwrite+fdatasync", raw, n);
  report("prn_journal_owe", owe, n);
  report("prn_journal_begin (70 kB job)", beg, n);
  report("prn_journal_finish", fin, n);
  report("owe+begin+finish per voucher", all, n);
  printf("per voucher p99 / raw fdatasync p99 = %.2f\n", all[(int)(n * 0.99)] /
         (raw[(int)(n * 0.99)] > 0 ? raw[(int)(n * 0.99)] : 1e-9));
  prn_journal_close(j);
  const char *files[] = {PRN_JOURNAL_FILE, PRN_JOURNAL_FILE "-wal", PRN_JOURNAL_FILE "-shm",
                         "print-journal.lock"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
  free(raw);
  free(owe);
  free(beg);
  free(fin);
  free(all);
  free(job);
  return 0;
}
