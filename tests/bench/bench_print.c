/* bench_print: what one gift voucher costs to build, in raster and text mode,
 * against the physical bounds: sending it at USB full speed and printing it
 * at 250 mm/s. Prints figures only; never fails on time.
 * usage: bench_print [VOUCHER.json] [ITERATIONS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "prn_bitmap.h"
#include "prn_doc.h"
#include "prn_escpos.h"
#include "prn_layout.h"
#include "prn_raster.h"
#include "prn_text.h"
#include "prn_voucher.h"

/* Full-speed bulk: at most 19 packets of 64 bytes in each 1 ms frame. */
#define USB_FS_BYTES_PER_S (19.0 * 64.0 * 1000.0)
#define PRINT_MM_PER_S 250.0

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int build(prn_raster *r, const prn_voucher *v, const i18n *zh, const i18n *en,
                 int width, size_t *bytes, int *height) {
  prn_doc *d = NULL;
  prn_escpos *e = NULL;
  prn_bitmap *img = NULL;
  kerr_msg msg;
  int rc = prn_doc_new(&d);
  if (!rc)
    rc = prn_escpos_new(&e);
  if (!rc)
    rc = prn_layout_voucher(v, zh, en, d, msg);
  if (!rc)
    rc = r ? prn_raster_render(r, d, width, e, &img, msg) : prn_text_render(d, width, e, msg);
  if (!rc) {
    prn_escpos_data(e, bytes);
    if (img)
      *height = prn_bitmap_height(img);
  } else {
    fprintf(stderr, "bench_print: %s\n", msg);
  }
  prn_bitmap_free(img);
  prn_escpos_free(e);
  prn_doc_free(d);
  return rc;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : KIOSK_SOURCE_DIR "/tests/printer/data/gift.json";
  int iters = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 200;
  if (iters < 1)
    iters = 1;
  kerr_msg msg;
  prn_voucher v;
  i18n *zh = NULL, *en = NULL;
  if (prn_voucher_load(path, &v, msg) ||
      i18n_load_dir(KIOSK_SOURCE_DIR "/assets/i18n/zh_CN", &zh, msg) ||
      i18n_load_dir(KIOSK_SOURCE_DIR "/assets/i18n/en", &en, msg)) {
    fprintf(stderr, "bench_print: %s\n", msg);
    return 1;
  }
  double t0 = now_ms();
  prn_raster *r = NULL;
  if (prn_raster_new(NULL, NULL, &r, msg)) {
    fprintf(stderr, "bench_print: %s\n", msg);
    return 1;
  }
  double font_ms = now_ms() - t0;
  printf("bench_print: %s, %d iterations each\n", path, iters);
  printf("font open (once per process): %.2f ms\n", font_ms);
  static const int widths[] = {576, 512, 384};
  for (int wi = 0; wi < 3; wi++) {
    int w = widths[wi], dpi = w == 512 ? 180 : 203, height = 0;
    size_t rbytes = 0, tbytes = 0;
    /* the first raster build opens the remaining font sizes: not timed */
    if (build(r, &v, zh, en, w, &rbytes, &height) || build(NULL, &v, zh, en, w, &tbytes, NULL))
      return 1;
    t0 = now_ms();
    for (int i = 0; i < iters; i++)
      build(r, &v, zh, en, w, &rbytes, &height);
    double raster_ms = (now_ms() - t0) / iters;
    t0 = now_ms();
    for (int i = 0; i < iters; i++)
      build(NULL, &v, zh, en, w, &tbytes, NULL);
    double text_ms = (now_ms() - t0) / iters;
    double mm = height * 25.4 / dpi, print_ms = mm / PRINT_MM_PER_S * 1e3;
    printf("width %d dots (%d dpi): slip %.0f mm long, print at 250 mm/s %.0f ms\n", w, dpi,
           mm, print_ms);
    printf("  raster: build %.3f ms, %zu bytes, USB full-speed send %.1f ms, "
           "build/print %.4f\n",
           raster_ms, rbytes, rbytes / USB_FS_BYTES_PER_S * 1e3, raster_ms / print_ms);
    printf("  text:   build %.3f ms, %zu bytes, USB full-speed send %.2f ms, "
           "build/print %.5f\n",
           text_ms, tbytes, tbytes / USB_FS_BYTES_PER_S * 1e3, text_ms / print_ms);
  }
  printf("reference (measured-here.md): receiptline, same kind of voucher, text mode: "
         "2.8 ms, 8.7 kB\n");
  prn_raster_free(r);
  i18n_free(zh);
  i18n_free(en);
  return 0;
}
