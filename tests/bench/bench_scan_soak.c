/*
 * bench_scan_soak: does the scanner's memory stay flat over a long run of
 * camera frames, and what does decoding cost at 15 fps?
 *
 * Debian 12's zbar (0.23.92) keeps every QR symbol it ever returned in the
 * image scanner's recycle lists and never reuses them (mchehab/zbar issue
 * 258): memory grows with each frame in which a code is read, until the
 * scanner is destroyed. This program decodes generated 1280x720 frames (a
 * code on a noisy scene, or the scene alone) in a loop, in four modes:
 *
 *   ours          scan_zbar as the kiosk runs it (default settings)
 *   ours-renew0   scan_zbar with its periodic scanner renewal switched off
 *   ours-recreate scan_zbar with renewal off, the whole decoder recreated
 *                 every SOAK_RECREATE frames by the caller
 *   plain         one zbar image scanner, QR only, whole frame, never renewed
 *
 * and prints resident memory (VmRSS) and heap in use (mallinfo2) every
 * SOAK_EVERY frames, then the growth per 1000 frames read, and CPU time per
 * frame with a code and without one, as the share of one core that 15
 * frames a second would take.
 *
 * Environment: SOAK_FRAMES (per mode, default 2000), SOAK_EVERY (500),
 * SOAK_RECREATE (1000), SOAK_CODE_PCT (share of frames with a code, 50),
 * SOAK_MODES (comma list, default all). Prints figures; asserts nothing.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zbar.h>

#include "kerr.h"
#include "scan_qrgen.h"
#include "scan_thread.h"
#include "scan_zbar.h"

#define W 1280
#define H 720
#define NCODES 16
#define NEMPTY 8

static uint8_t *coded[NCODES], *empty[NEMPTY];
static char payloads[NCODES][200];

static long env_long(const char *name, long def) {
  const char *v = getenv(name);
  char *end;
  long n;
  if (!v || !*v) return def;
  n = strtol(v, &end, 10);
  return (*end || n < 0) ? def : n;
}

static unsigned lcg(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return (*s >> 16) & 0x7fff;
}

/* A scene: a soft gradient, sensor noise, and a few hard-edged shapes (a
 * shop front behind the member) so the region finder has work to do. */
static void scene(uint8_t *img, unsigned seed) {
  int x, y, r;
  for (y = 0; y < H; y++)
    for (x = 0; x < W; x++)
      img[(size_t)y * W + (size_t)x] =
          (uint8_t)(90 + x / 16 + y / 24 + (int)(lcg(&seed) % 17) - 8);
  for (r = 0; r < 6; r++) {
    int rx = (int)(lcg(&seed) % (W - 200)), ry = (int)(lcg(&seed) % (H - 120));
    int rw = 40 + (int)(lcg(&seed) % 160), rh = 20 + (int)(lcg(&seed) % 100);
    uint8_t v = (uint8_t)(lcg(&seed) % 2 ? 30 : 230);
    for (y = ry; y < ry + rh; y++) memset(img + (size_t)y * W + rx, v, (size_t)rw);
  }
}

static int make_frames(void) {
  int i;
  kerr_msg msg;
  for (i = 0; i < NEMPTY; i++) {
    empty[i] = malloc((size_t)W * H);
    if (!empty[i]) return -1;
    scene(empty[i], 1000u + (unsigned)i);
  }
  for (i = 0; i < NCODES; i++) {
    uint8_t *qr = NULL;
    int qw, qh, x0, y0, y, x, scale = 4 + i % 3;
    /* Lengths from 40 to 190 bytes: symbols land in every recycle bucket. */
    snprintf(payloads[i], sizeof payloads[i],
             "KM1.M%05d.gold.%d.1700000000.%.*s", i, i * 977, 20 + i * 10,
             "soak-signature-padding-soak-signature-padding-soak-signature-"
             "padding-soak-signature-padding-soak-signature-padding-soak-"
             "signature-padding-soak-signature-padding");
    coded[i] = malloc((size_t)W * H);
    if (!coded[i]) return -1;
    scene(coded[i], 2000u + (unsigned)i);
    if (scan_qrgen_render(payloads[i], scale, &qr, &qw, &qh, msg) != KERR_OK) {
      fprintf(stderr, "qrgen: %s\n", msg);
      return -1;
    }
    x0 = 100 + (i * 97) % (W - qw - 200);
    y0 = 60 + (i * 53) % (H - qh - 120);
    /* A phone screen: not quite black, not quite white. */
    for (y = 0; y < qh; y++)
      for (x = 0; x < qw; x++)
        coded[i][(size_t)(y0 + y) * W + (size_t)(x0 + x)] =
            qr[(size_t)y * (size_t)qw + (size_t)x] ? 215 : 35;
    free(qr);
  }
  return 0;
}

static long rss_kb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0) kb = strtol(line + 6, NULL, 10);
  fclose(f);
  return kb;
}

static long heap_kb(void) {
  struct mallinfo2 mi = mallinfo2();
  return (long)(mi.uordblks / 1024);
}

static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static zbar_image_scanner_t *plain_new(void) {
  zbar_image_scanner_t *sc = zbar_image_scanner_create();
  zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  return sc;
}

static int plain_decode(zbar_image_scanner_t *sc, const uint8_t *grey) {
  zbar_image_t *img = zbar_image_create();
  int n;
  zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(img, W, H);
  zbar_image_set_data(img, grey, (unsigned long)W * H, NULL);
  n = zbar_scan_image(sc, img);
  zbar_image_destroy(img);
  return n > 0;
}

enum { OURS, OURS_RENEW0, OURS_RECREATE, PLAIN };
static const char *const mode_names[] = {"ours", "ours-renew0",
                                         "ours-recreate", "plain"};

static scan_zbar *ours_new(int mode) {
  scan_zbar *d = NULL;
  kerr_msg msg;
  if (scan_zbar_new(&d, msg) != KERR_OK) {
    fprintf(stderr, "scan_zbar_new: %s\n", msg);
    exit(1);
  }
  if (mode != OURS) scan_zbar_set_renew(d, 0, msg);
  return d;
}

static void run(int mode, long frames, long every, long recreate,
                long code_pct) {
  scan_zbar *dec = NULL;
  zbar_image_scanner_t *sc = NULL;
  long i, reads = 0, misses = 0, ncode = 0, nempty = 0;
  long rss0 = 0, heap0 = 0, reads0 = 0;
  double cpu_code = 0, cpu_empty = 0;
  char out[512];
  kerr_msg msg;
  unsigned seed = 7;

  if (mode == PLAIN) sc = plain_new();
  else dec = ours_new(mode);
  printf("mode %s: %ld frames, %ld%% with a code%s\n", mode_names[mode],
         frames, code_pct,
         mode == OURS_RECREATE ? ", decoder recreated every SOAK_RECREATE" : "");
  for (i = 0; i < frames; i++) {
    int with_code = (long)(lcg(&seed) % 100) < code_pct, got;
    const uint8_t *fr = with_code ? coded[i % NCODES] : empty[i % NEMPTY];
    double t0;
    size_t len = 0;
    if (mode == OURS_RECREATE && recreate > 0 && i > 0 && i % recreate == 0) {
      scan_zbar_free(dec);
      dec = ours_new(mode);
    }
    t0 = cpu_s();
    if (sc) got = plain_decode(sc, fr);
    else got = scan_zbar_decode(dec, fr, W, H, W, out, sizeof out, &len, msg);
    if (with_code) {
      cpu_code += cpu_s() - t0;
      ncode++;
      if (got > 0) reads++;
      else misses++;
    } else {
      cpu_empty += cpu_s() - t0;
      nempty++;
    }
    /* The first interval warms every buffer up; growth counts from there. */
    if (i + 1 == every) {
      rss0 = rss_kb();
      heap0 = heap_kb();
      reads0 = reads;
    }
    if ((i + 1) % every == 0)
      printf("  frame %7ld  reads %7ld  rss %7ld kB  heap %7ld kB\n", i + 1,
             reads, rss_kb(), heap_kb());
  }
  if (reads > reads0 && frames > every)
    printf("  growth after warm-up: rss %+ld kB, heap %+ld kB over %ld reads "
           "= %.0f bytes of heap per code read\n",
           rss_kb() - rss0, heap_kb() - heap0, reads - reads0,
           1024.0 * (double)(heap_kb() - heap0) / (double)(reads - reads0));
  printf("  missed %ld of %ld frames with a code\n", misses, ncode);
  if (ncode)
    printf("  cpu per 1280x720 frame with a code: %.2f ms -> %.0f%% of a core "
           "at 15 fps\n",
           1e3 * cpu_code / (double)ncode, 100.0 * 15 * cpu_code / (double)ncode);
  if (nempty)
    printf("  cpu per 1280x720 frame without one: %.2f ms -> %.0f%% of a core "
           "at 15 fps\n",
           1e3 * cpu_empty / (double)nempty,
           100.0 * 15 * cpu_empty / (double)nempty);
  if (sc) zbar_image_scanner_destroy(sc);
  scan_zbar_free(dec);
}

/* Whether the comma-separated list names mode exactly. */
static int has_mode(const char *list, const char *mode) {
  size_t n = strlen(mode);
  while (*list) {
    size_t k = strcspn(list, ",");
    if (k == n && strncmp(list, mode, n) == 0) return 1;
    list += k;
    if (*list) list++;
  }
  return 0;
}

int main(void) {
  long frames = env_long("SOAK_FRAMES", 2000);
  long every = env_long("SOAK_EVERY", 500);
  long recreate = env_long("SOAK_RECREATE", 1000);
  long code_pct = env_long("SOAK_CODE_PCT", 50);
  const char *modes = getenv("SOAK_MODES");
  int m, i;
  double t0, t1;
  if (every < 1) every = 1;
  if (code_pct > 100) code_pct = 100;
  if (make_frames() != 0) {
    fprintf(stderr, "bench_scan_soak: out of memory\n");
    return 1;
  }
  for (m = OURS; m <= PLAIN; m++) {
    if (modes && *modes && !has_mode(modes, mode_names[m])) continue;
    run(m, frames, every, recreate, code_pct);
  }
  /* What a renewal costs, to weigh against the memory it returns. */
  t0 = cpu_s();
  for (i = 0; i < 200; i++) zbar_image_scanner_destroy(plain_new());
  t1 = cpu_s();
  printf("zbar image scanner create+config+destroy: %.1f us\n",
         1e6 * (t1 - t0) / 200);
  {
    /* The scanner thread also downscales each camera frame for the
     * preview: part of its cost at 15 fps. */
    static uint8_t pv[SCAN_PREVIEW_MAX * SCAN_PREVIEW_MAX];
    int pw, ph;
    t0 = cpu_s();
    for (i = 0; i < 100; i++)
      scan_thread_downscale(empty[i % NEMPTY], W, H, W, SCAN_PREVIEW_MAX, pv,
                            &pw, &ph);
    t1 = cpu_s();
    printf("preview downscale %dx%d -> %dx%d: %.2f ms -> %.1f%% of a core at "
           "15 fps\n",
           W, H, pw, ph, 1e3 * (t1 - t0) / 100, 100.0 * 15 * (t1 - t0) / 100);
  }
  for (i = 0; i < NCODES; i++) free(coded[i]);
  for (i = 0; i < NEMPTY; i++) free(empty[i]);
  return 0;
}
