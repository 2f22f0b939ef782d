/*
 * kiosk-scan: decode image files with exactly the kiosk's scanner code.
 *
 * Output, one line per IMAGE in argument order: `FILE<TAB>PAYLOAD`, or
 * `FILE<TAB>-` when no QR code is found. Control bytes and backslashes in a
 * payload are written as C escapes (\t, \n, \\, \xNN) so one image is always
 * one line; everything else is written as decoded. --json writes one JSON
 * object per line instead. Exit 0 when every file was read, 1 when some file
 * could not be read (the others are still decoded), 2 on a usage error.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kerr.h"
#include "scan_img.h"
#include "scan_zbar.h"

#define PAYLOAD_CAP 4096

static void usage(FILE *f) {
  fputs("usage: kiosk-scan [--bench] [--repeat N] [--json] IMAGE...\n"
        "Decode the QR code in each image with the kiosk's own decode path.\n"
        "  --bench      decode each image repeatedly; print median and p95 ms\n"
        "  --repeat N   decodes per image with --bench (default 20)\n"
        "  --json       one JSON object per line\n"
        "  --help       this text\n"
        "  --version    print the version\n"
        "Output: FILE<TAB>PAYLOAD, or FILE<TAB>- when no code is found.\n"
        "Exit: 0 all files read, 1 some file unreadable, 2 usage error.\n",
        f);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double percentile(const double *sorted, size_t n, double p) {
  size_t rank;
  if (n == 0) return 0;
  rank = (size_t)(p / 100.0 * (double)n + 0.999999);
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return sorted[rank - 1];
}

static void print_escaped(const char *s, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\\') fputs("\\\\", stdout);
    else if (c == '\t') fputs("\\t", stdout);
    else if (c == '\n') fputs("\\n", stdout);
    else if (c == '\r') fputs("\\r", stdout);
    else if (c < 0x20 || c == 0x7f) printf("\\x%02x", c);
    else putchar(c);
  }
}

static void print_json(const char *file, int found, const char *payload,
                       size_t len, int bench, double med, double p95) {
  json_t *o = json_object();
  char *line;
  json_t *name = json_string(file); /* NULL when the name is not UTF-8 */
  json_object_set_new(o, "file", name ? name : json_null());
  if (found) {
    json_t *s = json_stringn(payload, len);
    if (s) {
      json_object_set_new(o, "payload", s);
    } else { /* not UTF-8: JSON strings cannot carry it, hex can */
      char *hex = malloc(2 * len + 1);
      size_t i;
      json_object_set_new(o, "payload", json_null());
      if (hex) {
        for (i = 0; i < len; i++)
          snprintf(hex + 2 * i, 3, "%02x", (unsigned char)payload[i]);
        hex[2 * len] = '\0';
        json_object_set_new(o, "payload_hex", json_string(hex));
        free(hex);
      }
    }
    json_object_set_new(o, "length", json_integer((json_int_t)len));
  } else {
    json_object_set_new(o, "payload", json_null());
  }
  if (bench) {
    json_object_set_new(o, "median_ms", json_real(med));
    json_object_set_new(o, "p95_ms", json_real(p95));
  }
  line = json_dumps(o, JSON_COMPACT);
  if (line) puts(line);
  free(line);
  json_decref(o);
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"bench", no_argument, NULL, 'b'},   {"repeat", required_argument, NULL, 'r'},
      {"json", no_argument, NULL, 'j'},    {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
  int bench = 0, json = 0, repeat = 20, c, i, failed = 0;
  double *all = NULL;
  size_t nall = 0, decoded = 0, images = 0;
  scan_zbar *dec = NULL;
  kerr_msg msg;
  static char payload[PAYLOAD_CAP];

  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'b': bench = 1; break;
    case 'j': json = 1; break;
    case 'r': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*optarg == '\0' || *end != '\0' || v < 1 || v > 100000) {
        fprintf(stderr, "kiosk-scan: --repeat wants 1..100000, not '%s'\n",
                optarg);
        return 2;
      }
      repeat = (int)v;
      break;
    }
    case 'h': usage(stdout); return 0;
    case 'V': printf("kiosk-scan %s\n", KIOSK_VERSION); return 0;
    default:
      fprintf(stderr, "kiosk-scan: unknown option '%s' (try --help)\n",
              argv[optind - 1]);
      return 2;
    }
  }
  if (optind >= argc) {
    fputs("kiosk-scan: no IMAGE given (try --help)\n", stderr);
    return 2;
  }
  if (!bench) repeat = 1;
  if (scan_zbar_new(&dec, msg) != KERR_OK) {
    fprintf(stderr, "kiosk-scan: %s\n", msg);
    return 1;
  }
  if (bench) {
    all = malloc(sizeof *all * (size_t)repeat * (size_t)(argc - optind));
    if (!all) {
      fputs("kiosk-scan: out of memory\n", stderr);
      scan_zbar_free(dec);
      return 1;
    }
  }
  for (i = optind; i < argc; i++) {
    uint8_t *grey = NULL;
    int w, h, r, found = 0;
    size_t len = 0;
    double *t = bench ? all + nall : NULL, med = 0, p95 = 0;

    if (scan_img_load_grey(argv[i], &grey, &w, &h, msg) != KERR_OK) {
      fprintf(stderr, "kiosk-scan: cannot read %s\n", msg);
      failed = 1;
      continue;
    }
    images++;
    for (r = 0; r < repeat; r++) {
      double t0 = now_ms();
      found = scan_zbar_decode(dec, grey, w, h, w, payload, sizeof payload,
                               &len, msg);
      if (t) t[r] = now_ms() - t0;
      if (found < 0) break;
    }
    free(grey);
    if (found < 0) {
      fprintf(stderr, "kiosk-scan: %s: %s\n", argv[i], msg);
      failed = 1;
      continue;
    }
    if (found) decoded++;
    if (len >= sizeof payload) len = sizeof payload - 1;
    if (bench) {
      qsort(t, (size_t)repeat, sizeof *t, cmp_double);
      med = percentile(t, (size_t)repeat, 50);
      p95 = percentile(t, (size_t)repeat, 95);
      nall += (size_t)repeat;
    }
    if (json) {
      print_json(argv[i], found, payload, len, bench, med, p95);
      continue;
    }
    fputs(argv[i], stdout);
    putchar('\t');
    if (found) print_escaped(payload, len);
    else putchar('-');
    if (bench) printf("\tmedian_ms=%.3f\tp95_ms=%.3f", med, p95);
    putchar('\n');
  }
  if (bench && nall > 0) {
    qsort(all, nall, sizeof *all, cmp_double);
    if (json)
      printf("{\"total\":{\"images\":%zu,\"decoded\":%zu,\"decodes\":%zu,"
             "\"median_ms\":%.3f,\"p95_ms\":%.3f}}\n",
             images, decoded, nall, percentile(all, nall, 50),
             percentile(all, nall, 95));
    else
      printf("# total: images=%zu decoded=%zu decodes=%zu median_ms=%.3f "
             "p95_ms=%.3f\n",
             images, decoded, nall, percentile(all, nall, 50),
             percentile(all, nall, 95));
  }
  free(all);
  scan_zbar_free(dec);
  return failed ? 1 : 0;
}
