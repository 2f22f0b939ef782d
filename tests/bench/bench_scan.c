/*
 * bench_scan: the scanner's decode paths on the generated corpus, in one run.
 *
 *   bench_scan MANIFEST [REPEAT]
 *
 * MANIFEST comes from tests/scanner/make_corpus.sh. For each decoder: the
 * detection rate per category (a read counts only when the payload is the
 * expected one; on "nocode" frames any read is a false positive), and the
 * median and p95 decode time per frame for frames with a code and for empty
 * frames. Decode only: images are loaded and converted to grey first, on one
 * thread. Prints figures; asserts nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zbar.h>

#include "kerr.h"
#include "scan_img.h"
#include "scan_zbar.h"

#define MAX_FRAMES 4096
#define MAX_CATS 32

typedef struct {
  char cat[32];
  char *file, *expect;
  uint8_t *grey;
  int w, h;
} frame;

typedef struct {
  const char *name;
  int npasses; /* 0: plain zbar (own scanner), -1: ours (default cascade) */
  scan_zbar_pass passes[SCAN_ZBAR_MAX_PASSES];
} decoder;

static frame frames[MAX_FRAMES];
static int nframes;
static char cats[MAX_CATS][32];
static int ncats;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double pct(double *v, int n, double p) {
  int rank;
  if (n == 0) return 0;
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  rank = (int)(p / 100.0 * n + 0.999999);
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return v[rank - 1];
}

static int cat_index(const char *c) {
  int i;
  for (i = 0; i < ncats; i++)
    if (strcmp(cats[i], c) == 0) return i;
  if (ncats == MAX_CATS) return -1;
  snprintf(cats[ncats], sizeof cats[ncats], "%.31s", c);
  return ncats++;
}

static int load_manifest(const char *path) {
  FILE *f = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  kerr_msg msg;
  if (!f) {
    perror(path);
    return -1;
  }
  while (getline(&line, &cap, f) > 0 && nframes < MAX_FRAMES) {
    char *t1 = strchr(line, '\t'), *t2, *nl;
    frame *fr = &frames[nframes];
    if (!t1 || !(t2 = strchr(t1 + 1, '\t'))) continue;
    *t1 = *t2 = '\0';
    if ((nl = strchr(t2 + 1, '\n'))) *nl = '\0';
    snprintf(fr->cat, sizeof fr->cat, "%.31s", line);
    fr->file = strdup(t1 + 1);
    fr->expect = strdup(t2 + 1);
    if (!fr->file || !fr->expect) break;
    if (scan_img_load_grey(fr->file, &fr->grey, &fr->w, &fr->h, msg)) {
      fprintf(stderr, "bench_scan: %s\n", msg);
      free(fr->file);
      free(fr->expect);
      continue;
    }
    if (cat_index(fr->cat) < 0) break;
    nframes++;
  }
  free(line);
  fclose(f);
  return 0;
}

/* Plain zbar as a caller would set it up: QR only, default density. */
static int plain_zbar(zbar_image_scanner_t *sc, const frame *fr, char *out,
                      size_t cap) {
  zbar_image_t *img = zbar_image_create();
  const zbar_symbol_t *sym;
  int found = 0;
  zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(img, (unsigned)fr->w, (unsigned)fr->h);
  zbar_image_set_data(img, fr->grey, (unsigned long)fr->w * (unsigned long)fr->h,
                      NULL);
  zbar_scan_image(sc, img);
  for (sym = zbar_image_first_symbol(img); sym; sym = zbar_symbol_next(sym)) {
    if (zbar_symbol_get_type(sym) != ZBAR_QRCODE) continue;
    snprintf(out, cap, "%s", zbar_symbol_get_data(sym));
    found = 1;
    break;
  }
  zbar_image_destroy(img);
  return found;
}

static void run(const decoder *d, int repeat) {
  int ok[MAX_CATS] = {0}, tot[MAX_CATS] = {0}, i, r, c;
  int good = 0, coded = 0, fp = 0, empties = 0;
  double *tc = malloc(sizeof(double) * (size_t)nframes * (size_t)repeat);
  double *te = malloc(sizeof(double) * (size_t)nframes * (size_t)repeat);
  int ntc = 0, nte = 0;
  scan_zbar *dec = NULL;
  zbar_image_scanner_t *sc = NULL;
  kerr_msg msg;
  char got[1024];

  if (!tc || !te) exit(1);
  if (d->npasses == 0) {
    sc = zbar_image_scanner_create();
    zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  } else {
    if (scan_zbar_new(&dec, msg)) {
      fprintf(stderr, "%s\n", msg);
      exit(1);
    }
    if (d->npasses > 0) scan_zbar_set_passes(dec, d->passes, d->npasses, msg);
  }
  for (i = 0; i < nframes; i++) {
    const frame *fr = &frames[i];
    int empty = strcmp(fr->expect, "-") == 0, found = 0;
    size_t len;
    for (r = 0; r < repeat; r++) {
      double t0 = now_ms();
      got[0] = '\0';
      if (sc) found = plain_zbar(sc, fr, got, sizeof got);
      else found = scan_zbar_decode(dec, fr->grey, fr->w, fr->h, fr->w, got,
                                    sizeof got, &len, msg) > 0;
      t0 = now_ms() - t0;
      if (empty) te[nte++] = t0;
      else tc[ntc++] = t0;
    }
    c = cat_index(fr->cat);
    tot[c]++;
    if (empty) {
      empties++;
      if (found) fp++;
      else ok[c]++;
    } else {
      coded++;
      if (found && strcmp(got, fr->expect) == 0) {
        ok[c]++;
        good++;
      }
    }
  }
  printf("%-22s", d->name);
  for (c = 0; c < ncats; c++)
    printf(" %5.0f", tot[c] ? 100.0 * ok[c] / tot[c] : 0.0);
  printf(" | %5.1f%% | %6.2f %6.2f | %6.2f %6.2f | fp %d/%d\n",
         coded ? 100.0 * good / coded : 0.0, pct(tc, ntc, 50), pct(tc, ntc, 95),
         pct(te, nte, 50), pct(te, nte, 95), fp, empties);
  fflush(stdout);
  free(tc);
  free(te);
  scan_zbar_free(dec);
  if (sc) zbar_image_scanner_destroy(sc);
}

#define P(h, op, d) {h, op, d}

int main(int argc, char **argv) {
  static const decoder decoders[] = {
      {"zbar plain (QR only)", 0, {P(0, 0, 0)}},
      {"ours (default)", -1, {P(0, 0, 0)}},
      {"full plain d2", 1, {P(SCAN_ZBAR_FRAME, SCAN_ZBAR_PLAIN, 2)}},
      {"half plain", 1, {P(SCAN_ZBAR_HALF, SCAN_ZBAR_PLAIN, 1)}},
      {"half invert", 1, {P(SCAN_ZBAR_HALF, SCAN_ZBAR_INVERT, 1)}},
      {"half stretch", 1, {P(SCAN_ZBAR_HALF, SCAN_ZBAR_STRETCH, 1)}},
      {"roi plain", 1, {P(SCAN_ZBAR_ROI, SCAN_ZBAR_PLAIN, 1)}},
      {"roi stretch", 1, {P(SCAN_ZBAR_ROI, SCAN_ZBAR_STRETCH, 1)}},
      {"roi invert", 1, {P(SCAN_ZBAR_ROI, SCAN_ZBAR_INVERT, 1)}},
      {"roi stretch-invert", 1, {P(SCAN_ZBAR_ROI, SCAN_ZBAR_STRETCH_INVERT, 1)}},
      {"roi sharpen", 1, {P(SCAN_ZBAR_ROI, SCAN_ZBAR_SHARPEN, 1)}},
      {"half plain+roi all", 4, {P(SCAN_ZBAR_HALF, SCAN_ZBAR_PLAIN, 1),
                                 P(SCAN_ZBAR_ROI, SCAN_ZBAR_STRETCH, 1),
                                 P(SCAN_ZBAR_ROI, SCAN_ZBAR_STRETCH_INVERT, 1),
                                 P(SCAN_ZBAR_ROI, SCAN_ZBAR_SHARPEN, 1)}},
  };
  int repeat = 3, c, all = argc > 3 && strcmp(argv[3], "--all") == 0;
  size_t i;

  if (argc < 2) {
    fputs("usage: bench_scan MANIFEST [REPEAT] [--all]\n", stderr);
    return 2;
  }
  if (argc > 2) {
    char *end;
    long v = strtol(argv[2], &end, 10);
    if (*end || v < 1 || v > 1000) {
      fputs("bench_scan: REPEAT is 1..1000\n", stderr);
      return 2;
    }
    repeat = (int)v;
  }
  if (load_manifest(argv[1]) || nframes == 0) {
    fputs("bench_scan: no frames\n", stderr);
    return 1;
  }
  printf("bench_scan: %d frames, %d decodes each, one thread, decode only\n",
         nframes, repeat);
  printf("detection %% per category; then overall on frames with a code;\n"
         "median/p95 ms per frame with a code | per empty frame; false "
         "positives\n");
  printf("%-22s", "decoder");
  for (c = 0; c < ncats; c++) printf(" %5.5s", cats[c]);
  printf(" | overall |  med    p95  | empty  p95   |\n");
  for (i = 0; i < sizeof decoders / sizeof decoders[0]; i++)
    if (all || i < 2) run(&decoders[i], repeat);
  for (c = 0; c < nframes; c++) {
    free(frames[c].grey);
    free(frames[c].file);
    free(frames[c].expect);
  }
  return 0;
}
