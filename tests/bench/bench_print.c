/* bench_print: what one gift voucher costs to build, in raster and text mode,
 * against the physical bounds (sending it at USB full speed, printing it at
 * 250 mm/s) and, in the same run, against npm receiptline turning the same
 * slip into GB18030 ESC/POS. Prints figures only; never fails on time.
 *
 * The receiptline document is written from the very prn_doc blocks our
 * renderers print (mall name, headings, key/value lines, QR, cut), so both
 * sides lay out the same content; the logo goes in as {image:} already
 * dithered to the dots our slip gives it. tests/bench/bench_print_receiptline.js
 * times the conversions inside one node process after a warm-up. Without
 * node or tests/bench/node_modules the comparison says skipped.
 * usage: bench_print [VOUCHER.json] [ITERATIONS] */
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
#define RL_SCRIPT KIOSK_SOURCE_DIR "/tests/bench/bench_print_receiptline.js"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

typedef struct {
  const i18n *zh, *en;
  int iters;
} env;

static int build(prn_raster *r, const prn_voucher *v, const env *en, int width, size_t *bytes,
                 int *height) {
  prn_doc *d = NULL;
  prn_escpos *e = NULL;
  prn_bitmap *img = NULL;
  kerr_msg msg;
  int rc = prn_doc_new(&d);
  if (!rc)
    rc = prn_escpos_new(&e);
  if (!rc)
    rc = prn_layout_voucher(v, en->zh, en->en, d, msg);
  if (!rc)
    rc = r ? prn_raster_render(r, d, width, e, &img, msg) : prn_text_render(d, width, e, msg);
  if (!rc) {
    prn_escpos_data(e, bytes);
    if (img && height)
      *height = prn_bitmap_height(img);
  } else {
    fprintf(stderr, "bench_print: %s\n", msg);
  }
  prn_bitmap_free(img);
  prn_escpos_free(e);
  prn_doc_free(d);
  return rc;
}

/* ms per build, after one untimed build (the first raster build opens the
 * remaining font sizes). */
static double timed(prn_raster *r, const prn_voucher *v, const env *en, int width,
                    size_t *bytes, int *height) {
  if (build(r, v, en, width, bytes, height))
    return -1;
  double t0 = now_ms();
  for (int i = 0; i < en->iters; i++)
    build(r, v, en, width, bytes, height);
  return (now_ms() - t0) / en->iters;
}

/* ReceiptLine text with its special characters escaped. */
static void rl_text(FILE *f, const char *s) {
  for (; *s; s++) {
    if (strchr("\\|{}-=~_\"`^", *s))
      fputc('\\', f);
    fputc(*s, f);
  }
}

static void rl_value(FILE *f, const char *s) {
  for (; *s; s++) {
    if (strchr("\\|{};", *s))
      fputc('\\', f);
    fputc(*s, f);
  }
}

static void base64(FILE *f, const unsigned char *p, size_t n) {
  static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                 (i + 2 < n ? p[i + 2] : 0);
    fputc(t[v >> 18 & 63], f);
    fputc(t[v >> 12 & 63], f);
    fputc(i + 1 < n ? t[v >> 6 & 63] : '=', f);
    fputc(i + 2 < n ? t[v & 63] : '=', f);
  }
}

/* The logo as receiptline should get it: the monochrome PNG of the dots our
 * slip prints (receiptline prints an image one pixel per dot). */
static int rl_image(FILE *f, const prn_block *b, int width, const char *tmpdir) {
  int w = width * (b->num > 0 ? b->num : 50) / 100 / 8 * 8;
  prn_bitmap *img = NULL;
  uint8_t *bits = NULL;
  int stride = 0;
  kerr_msg msg;
  char png[512];
  snprintf(png, sizeof png, "%s/logo.png", tmpdir);
  int rc = prn_bitmap_load_image(b->a, w, &img, msg);
  if (!rc)
    rc = prn_bitmap_pack(img, 0, prn_bitmap_height(img), &bits, &stride);
  if (!rc)
    rc = prn_bitmap_save_png(bits, w, prn_bitmap_height(img), stride, png, msg);
  free(bits);
  prn_bitmap_free(img);
  FILE *in = rc ? NULL : fopen(png, "rb");
  if (!in)
    return -1;
  unsigned char buf[65536];
  size_t n = fread(buf, 1, sizeof buf, in);
  fclose(in);
  remove(png);
  fputs("{image:", f);
  base64(f, buf, n);
  fputs("}\n", f);
  return 0;
}

/* prn_text's QR module size, clamped to the cells receiptline takes (3..8). */
static int rl_cell(const char *data, int width, int percent) {
  QRcode *q = QRcode_encodeString8bit(data, 0, QR_ECLEVEL_M);
  int modules = q ? q->width + 8 : 33;
  QRcode_free(q);
  int want = width * (percent > 0 ? percent : 40) / 100;
  int m = (want < 220 ? 220 : want) / modules;
  return m < 3 ? 3 : m > 8 ? 8 : m;
}

/* One line per block: centred text is bare, left text starts with |, the
 * key/value pair is "key | value", ^^^ doubles both ways (text mode's size
 * for large and title), " is emphasis, ` inverts (banners), - is the rule,
 * = the cut. Feeds under a text line are left out. */
static int rl_doc(const prn_doc *d, int width, int logo, const char *path, const char *tmpdir) {
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  int rc = 0;
  for (int i = 0; i < prn_doc_count(d) && !rc; i++) {
    const prn_block *b = prn_doc_block(d, i);
    const char *big = b->size >= PRN_SIZE_LARGE ? "^^^" : "";
    const char *bold = b->bold || b->size == PRN_SIZE_TITLE ? "\"" : "";
    switch (b->kind) {
    case PRN_BLK_TEXT:
      fputs(b->align == PRN_ALIGN_LEFT ? "|" : "", f);
      fprintf(f, "%s%s", big, bold);
      rl_text(f, b->a ? b->a : "");
      fputs(b->align == PRN_ALIGN_RIGHT ? "|\n" : "\n", f);
      break;
    case PRN_BLK_KV:
      rl_text(f, b->a ? b->a : "");
      fputs(" | ", f);
      rl_text(f, b->b ? b->b : "");
      fputc('\n', f);
      break;
    case PRN_BLK_BANNER:
      fputs("^^^\"`", f);
      rl_text(f, b->a ? b->a : "");
      fputs("`\n", f);
      break;
    case PRN_BLK_QR:
      fputs("{code:", f);
      rl_value(f, b->a ? b->a : "");
      fprintf(f, ";option:qrcode,%d,m}\n", rl_cell(b->a ? b->a : "", width, b->num));
      break;
    case PRN_BLK_CODE128:
      fputs("{code:", f);
      rl_value(f, b->a ? b->a : "");
      fprintf(f, ";option:code128,%d,80,hri}\n", width < 500 ? 2 : 3);
      break;
    case PRN_BLK_RULE:
      fputs("-\n", f);
      break;
    case PRN_BLK_FEED:
      if (b->num >= 24)
        fputc('\n', f);
      break;
    case PRN_BLK_IMAGE:
      if (logo)
        rc = rl_image(f, b, width, tmpdir);
      break;
    }
  }
  fputs("=\n", f);
  return fclose(f) != 0 || rc ? -1 : 0;
}

typedef struct {
  int ok;
  double ms;
  size_t bytes;
  char why[256];
} rl_result;

static void rl_run(const prn_voucher *v, const env *en, int width, int logo,
                   const char *tmpdir, rl_result *out) {
  char doc[512], cmd[1400], line[512];
  prn_doc *d = NULL;
  kerr_msg msg;
  memset(out, 0, sizeof *out);
  snprintf(doc, sizeof doc, "%s/voucher-%d%s.receiptline", tmpdir, width, logo ? "" : "-nologo");
  if (prn_doc_new(&d) || prn_layout_voucher(v, en->zh, en->en, d, msg) ||
      rl_doc(d, width, logo, doc, tmpdir)) {
    prn_doc_free(d);
    snprintf(out->why, sizeof out->why, "could not write the receiptline document");
    return;
  }
  prn_doc_free(d);
  snprintf(cmd, sizeof cmd, "node '%s' '%s' %d %d 2>&1", RL_SCRIPT, doc, width / 12, en->iters);
  FILE *p = popen(cmd, "r");
  if (!p) {
    snprintf(out->why, sizeof out->why, "cannot run node");
    return;
  }
  out->why[0] = '\0';
  while (fgets(line, sizeof line, p)) {
    line[strcspn(line, "\n")] = '\0';
    if (sscanf(line, "receiptline %lf %zu", &out->ms, &out->bytes) == 2)
      out->ok = 1;
    else if (!out->why[0])
      snprintf(out->why, sizeof out->why, "%.200s", line);
  }
  int st = pclose(p);
  if (!out->ok && !out->why[0])
    snprintf(out->why, sizeof out->why, "node exited with status %d", st);
  remove(doc);
}

static void row(const char *what, double ms, size_t bytes, double print_ms) {
  printf("  %-22s build %7.3f ms, %6zu bytes, USB full-speed send %5.1f ms, "
         "build/print %.5f\n",
         what, ms, bytes, bytes / USB_FS_BYTES_PER_S * 1e3, ms / print_ms);
}

static const char *met(int ok) { return ok ? "met" : "MISSED"; }

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : KIOSK_SOURCE_DIR "/tests/printer/data/gift.json";
  int iters = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 200;
  if (iters < 1)
    iters = 1;
  kerr_msg msg;
  prn_voucher v, bare;
  i18n *zh = NULL, *en = NULL;
  if (prn_voucher_load(path, &v, msg) ||
      i18n_load_dir(KIOSK_SOURCE_DIR "/assets/i18n/zh_CN", &zh, msg) ||
      i18n_load_dir(KIOSK_SOURCE_DIR "/assets/i18n/en", &en, msg)) {
    fprintf(stderr, "bench_print: %s\n", msg);
    return 1;
  }
  bare = v;
  bare.logo[0] = '\0';
  env ev = {zh, en, iters};
  double t0 = now_ms();
  prn_raster *r = NULL;
  if (prn_raster_new(NULL, NULL, &r, msg)) {
    fprintf(stderr, "bench_print: %s\n", msg);
    return 1;
  }
  double font_ms = now_ms() - t0;
  char tmpdir[] = "/tmp/bench_print.XXXXXX";
  int have_tmp = mkdtemp(tmpdir) != NULL;
  printf("bench_print: %s, %d iterations each\n", path, iters);
  printf("logo: %s\n", v.logo[0] ? v.logo : "none");
  printf("font open (once per process): %.2f ms\n", font_ms);
  static const int widths[] = {576, 512, 384};
  rl_result first = {0}, first_bare = {0};
  double first_text = 0, first_bare_text = 0, first_raster = 0, first_print = 0;
  size_t first_tbytes = 0, first_bare_tbytes = 0;
  for (int wi = 0; wi < 3; wi++) {
    int w = widths[wi], dpi = w == 512 ? 180 : 203, height = 0;
    size_t rbytes = 0, tbytes = 0, bbytes = 0;
    double raster_ms = timed(r, &v, &ev, w, &rbytes, &height);
    double text_ms = timed(NULL, &v, &ev, w, &tbytes, NULL);
    double bare_ms = timed(NULL, &bare, &ev, w, &bbytes, NULL);
    if (raster_ms < 0 || text_ms < 0 || bare_ms < 0)
      return 1;
    double mm = height * 25.4 / dpi, print_ms = mm / PRINT_MM_PER_S * 1e3;
    printf("width %d dots (%d dpi): slip %.0f mm long, print at 250 mm/s %.0f ms\n", w, dpi,
           mm, print_ms);
    row("raster:", raster_ms, rbytes, print_ms);
    row("text:", text_ms, tbytes, print_ms);
    row("text, no logo:", bare_ms, bbytes, print_ms);
    rl_result rl, rl_bare;
    if (have_tmp) {
      rl_run(&v, &ev, w, v.logo[0] != 0, tmpdir, &rl);
      rl_run(&bare, &ev, w, 0, tmpdir, &rl_bare);
    } else {
      memset(&rl, 0, sizeof rl);
      snprintf(rl.why, sizeof rl.why, "no temporary folder");
      rl_bare = rl;
    }
    char label[48];
    snprintf(label, sizeof label, "receiptline (cpl %d):", w / 12);
    if (rl.ok) {
      row(label, rl.ms, rl.bytes, print_ms);
      if (rl_bare.ok)
        row("receiptline, no logo:", rl_bare.ms, rl_bare.bytes, print_ms);
    } else {
      printf("  receiptline: skipped (%s)\n", rl.why);
    }
    if (wi == 0) {
      first = rl;
      first_bare = rl_bare;
      first_text = text_ms;
      first_bare_text = bare_ms;
      first_raster = raster_ms;
      first_print = print_ms;
      first_tbytes = tbytes;
      first_bare_tbytes = bbytes;
    }
  }
  printf("targets (issue 5) at 576 dots, same run:\n");
  printf("  raster <= 5 ms: %.3f ms, %s\n", first_raster, met(first_raster <= 5.0));
  printf("  either <= 1/20 of the print time (%.1f ms): raster %s, text %s\n",
         first_print / 20, met(first_raster <= first_print / 20),
         met(first_text <= first_print / 20));
  if (first.ok && first_bare.ok) {
    printf("  text <= 1/3 of receiptline's time: with logo %.3f vs %.3f ms, %s; "
           "without %.3f vs %.3f ms, %s\n",
           first_text, first.ms / 3, met(first_text <= first.ms / 3), first_bare_text,
           first_bare.ms / 3, met(first_bare_text <= first_bare.ms / 3));
    printf("  text bytes <= receiptline's: with logo %zu vs %zu, %s; without %zu vs %zu, %s\n",
           first_tbytes, first.bytes, met(first_tbytes <= first.bytes), first_bare_tbytes,
           first_bare.bytes, met(first_bare_tbytes <= first_bare.bytes));
  } else {
    printf("  text against receiptline: skipped (%s)\n", first.ok ? first_bare.why : first.why);
  }
  if (have_tmp)
    rmdir(tmpdir);
  prn_raster_free(r);
  i18n_free(zh);
  i18n_free(en);
  return 0;
}
