/* The scanner sources end to end through scan_thread: real files in a
 * temporary folder, a real FIFO fed with input_event records, a camera
 * path that does not exist. Run one group with argv[1] as a cmocka filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <linux/input.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kerr.h"
#include "scan_img.h"
#include "scan_qrgen.h"
#include "scan_sink.h"
#include "scan_thread.h"

#define CODE_A "KM1.M0001.gold.1200.1700000000.test-signature-A"
#define CODE_B "https://example.com/not-a-member-code"

static char tmp[256];

static void make_tmp(void) {
  const char *base = getenv("TMPDIR");
  snprintf(tmp, sizeof tmp, "%s/scan-src-XXXXXX", base ? base : "/tmp");
  assert_non_null(mkdtemp(tmp));
}

static void rm_tmp(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
  assert_int_equal(system(cmd), 0);
}

/* Draws payload as a QR PNG at path (written elsewhere first, renamed in,
 * as a demo writer should). */
static void put_qr(const char *dir, const char *name, const char *payload) {
  char stage[512], path[512];
  uint8_t *img = NULL;
  int w, h;
  kerr_msg msg;
  snprintf(stage, sizeof stage, "%s/.stage.png", tmp);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  assert_int_equal(scan_qrgen_render(payload, 4, &img, &w, &h, msg), KERR_OK);
  assert_int_equal(scan_img_save_grey_png(stage, img, w, h, msg), KERR_OK);
  free(img);
  assert_int_equal(rename(stage, path), 0);
}

static void put_bytes(const char *dir, const char *name, const char *bytes) {
  char stage[512], path[512];
  FILE *f;
  snprintf(stage, sizeof stage, "%s/.stage.bin", tmp);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(stage, "wb");
  assert_non_null(f);
  fputs(bytes, f);
  fclose(f);
  assert_int_equal(rename(stage, path), 0);
}

static int exists(const char *dir, const char *name) {
  char path[512];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return stat(path, &st) == 0;
}

static void dir_source_reads_each_new_file_once_and_dedupes_repeats(
    void **state) {
  char dir[300];
  scan_thread *t = NULL;
  scan_thread_opts opts = {0};
  sink s;
  kerr_msg msg = "";
  uint8_t pv[SCAN_PREVIEW_MAX * SCAN_PREVIEW_MAX];
  uint64_t seq = 0;
  int pw = 0, ph = 0;
  (void)state;
  make_tmp();
  snprintf(dir, sizeof dir, "%s/in", tmp);
  assert_int_equal(mkdir(dir, 0700), 0);
  /* Already there before the source starts: read first. */
  put_qr(dir, "0-first.png", CODE_B);
  sink_init(&s);
  opts.preview_files = 1;
  {
    char uri[320];
    snprintf(uri, sizeof uri, "dir:%s", dir);
    assert_int_equal(scan_thread_start(uri, sink_on_event, &s, &opts, &t, msg),
                     KERR_OK);
  }
  assert_int_equal(sink_wait(&s, SCAN_EVENT_PAYLOAD, CODE_B, -1, 1), 0);
  put_qr(dir, "a.png", CODE_A);
  assert_int_equal(sink_wait(&s, SCAN_EVENT_PAYLOAD, CODE_A, -1, 1), 0);
  /* The same code again at once (a phone still held up), then garbage,
   * then another code: processed in that order, so once the last one is
   * reported the other two have been seen. */
  put_qr(dir, "b.png", CODE_A);
  put_bytes(dir, "c.png", "this is not a PNG file at all");
  put_bytes(dir, "ignored.txt", "not an image name");
  put_qr(dir, "d.png", CODE_B);
  assert_int_equal(sink_wait(&s, SCAN_EVENT_PAYLOAD, CODE_B, -1, 2), 0);
  assert_int_equal(scan_thread_preview(t, pv, sizeof pv, &pw, &ph, &seq), 1);
  assert_true(pw > 0 && pw <= SCAN_PREVIEW_MAX && ph > 0);
  assert_int_equal(scan_thread_preview(t, pv, sizeof pv, &pw, &ph, &seq), 0);
  scan_thread_stop(t);

  assert_int_equal(sink_count(&s, SCAN_EVENT_PAYLOAD, CODE_A, -1), 1);
  assert_int_equal(sink_count(&s, SCAN_EVENT_PAYLOAD, NULL, -1), 3);
  assert_int_equal(sink_count(&s, SCAN_EVENT_REJECT, NULL, -1), 1);
  assert_int_equal(sink_count(&s, SCAN_EVENT_STATE, NULL, SCAN_STATE_OK), 1);
  assert_true(exists(dir, "a.png.done") && exists(dir, "b.png.done"));
  assert_true(exists(dir, "c.png.bad") && !exists(dir, "c.png"));
  assert_true(exists(dir, "ignored.txt"));
  sink_destroy(&s);
  rm_tmp();
}

static void missing_folder_is_absent_then_found_when_created(void **state) {
  char dir[300], uri[320];
  scan_thread *t = NULL;
  scan_thread_opts opts = {0};
  sink s;
  kerr_msg msg = "";
  (void)state;
  make_tmp();
  snprintf(dir, sizeof dir, "%s/later", tmp);
  snprintf(uri, sizeof uri, "dir:%s", dir);
  sink_init(&s);
  opts.retry_ms = 50;
  assert_int_equal(scan_thread_start(uri, sink_on_event, &s, &opts, &t, msg),
                   KERR_OK);
  assert_int_equal(sink_wait(&s, SCAN_EVENT_STATE, NULL, SCAN_STATE_ABSENT, 1),
                   0);
  assert_int_equal(mkdir(dir, 0700), 0);
  assert_int_equal(sink_wait(&s, SCAN_EVENT_STATE, NULL, SCAN_STATE_OK, 1), 0);
  put_qr(dir, "x.png", CODE_A);
  assert_int_equal(sink_wait(&s, SCAN_EVENT_PAYLOAD, CODE_A, -1, 1), 0);
  scan_thread_stop(t);
  assert_int_equal(s.ev[0].rc, KERR_NOT_FOUND);
  sink_destroy(&s);
  rm_tmp();
}

static void image_source_reads_its_file_once(void **state) {
  char uri[320];
  scan_thread *t = NULL;
  sink s;
  kerr_msg msg = "";
  (void)state;
  make_tmp();
  put_qr(tmp, "one.png", CODE_A);
  snprintf(uri, sizeof uri, "image:%s/one.png", tmp);
  sink_init(&s);
  assert_int_equal(scan_thread_start(uri, sink_on_event, &s, NULL, &t, msg),
                   KERR_OK);
  assert_int_equal(sink_wait(&s, SCAN_EVENT_PAYLOAD, CODE_A, -1, 1), 0);
  scan_thread_stop(t);
  assert_int_equal(sink_count(&s, SCAN_EVENT_PAYLOAD, NULL, -1), 1);
  assert_true(exists(tmp, "one.png")); /* image: leaves its file alone */
  sink_destroy(&s);
  rm_tmp();
}

static void absent_camera_is_a_state_and_stop_interrupts_the_retry_wait(
    void **state) {
  scan_thread *t = NULL;
  scan_thread_opts opts = {0};
  sink s;
  kerr_msg msg = "";
  uint8_t pv[16];
  uint64_t seq = 0;
  int pw, ph;
  (void)state;
  sink_init(&s);
  /* An hour between retries: stop would hang here if it did not wake the
   * wait (ctest's timeout then fails the test). */
  opts.retry_ms = 3600 * 1000;
  assert_int_equal(scan_thread_start("camera:/dev/nonexistent-video9",
                                     sink_on_event, &s, &opts, &t, msg),
                   KERR_OK);
  assert_int_equal(sink_wait(&s, SCAN_EVENT_STATE, NULL, SCAN_STATE_ABSENT, 1),
                   0);
  assert_int_equal(scan_thread_preview(t, pv, sizeof pv, &pw, &ph, &seq), 0);
  scan_thread_stop(t);
  assert_int_equal(s.n, 1);
  assert_int_equal(s.ev[0].rc, KERR_NOT_FOUND);
  assert_non_null(strstr(s.ev[0].msg, "/dev/nonexistent-video9"));
  sink_destroy(&s);
}

/* A node that exists but is no camera goes through zbar_video_open(), the
 * path a real camera takes, and must fail into a state, with zbar's reason
 * on one line. */
static void non_camera_node_is_absent_with_zbars_reason(void **state) {
  scan_thread *t = NULL;
  scan_thread_opts opts = {0};
  sink s;
  kerr_msg msg = "";
  (void)state;
  sink_init(&s);
  opts.retry_ms = 3600 * 1000;
  assert_int_equal(
      scan_thread_start("camera:/dev/null", sink_on_event, &s, &opts, &t, msg),
      KERR_OK);
  assert_int_equal(sink_wait(&s, SCAN_EVENT_STATE, NULL, SCAN_STATE_ABSENT, 1),
                   0);
  scan_thread_stop(t);
  assert_int_equal(s.n, 1);
  assert_int_equal(s.ev[0].rc, KERR_DEVICE);
  assert_non_null(strstr(s.ev[0].msg, "/dev/null"));
  assert_null(strchr(s.ev[0].msg, '\n'));
  sink_destroy(&s);
}

static void thread_starts_and_stops_100_times_cleanly(void **state) {
  static const char *const uris[] = {"camera:/dev/nonexistent-video9",
                                     "wedge:/dev/input/by-id/none-event-kbd",
                                     "dir:/nonexistent/folder", NULL};
  char dir_uri[320];
  int i;
  (void)state;
  make_tmp();
  snprintf(dir_uri, sizeof dir_uri, "dir:%s", tmp);
  for (i = 0; i < 100; i++) {
    scan_thread *t = NULL;
    sink s;
    kerr_msg msg = "";
    const char *uri = uris[i % 4] ? uris[i % 4] : dir_uri;
    sink_init(&s);
    assert_int_equal(scan_thread_start(uri, sink_on_event, &s, NULL, &t, msg),
                     KERR_OK);
    /* Half the time stop at once, half after the first state: both the
     * not-yet-opened and the open source must stop cleanly. */
    if (i % 2) assert_int_equal(sink_wait(&s, SCAN_EVENT_STATE, NULL, -1, 1), 0);
    scan_thread_stop(t);
    sink_destroy(&s);
  }
  rm_tmp();
}

static void bad_uris_are_config_errors(void **state) {
  static const char *const bad[] = {"floppy:/dev/fd0", "wedge", "dir:",
                                    "image", "", "camera0:/dev/video0"};
  const scan_source_ops *ops = NULL;
  char arg[64];
  kerr_msg msg = "";
  size_t i;
  scan_thread *t = NULL;
  sink s;
  (void)state;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    msg[0] = '\0';
    assert_int_equal(scan_source_parse(bad[i], &ops, arg, sizeof arg, msg),
                     KERR_CONFIG);
    assert_true(strlen(msg) > 0);
  }
  assert_int_equal(scan_source_parse("camera", &ops, arg, sizeof arg, msg), 0);
  assert_string_equal(ops->scheme, "camera");
  assert_string_equal(arg, "/dev/video0");
  assert_int_equal(scan_source_parse("dir:/a:b", &ops, arg, sizeof arg, msg),
                   0);
  assert_string_equal(ops->scheme, "dir");
  assert_string_equal(arg, "/a:b");
  assert_int_equal(scan_source_parse("image:/a/very/long/path/that/does/not/"
                                     "fit/in/sixty-four/bytes/at/all.png",
                                     &ops, arg, sizeof arg, msg),
                   KERR_CONFIG);
  sink_init(&s);
  assert_int_equal(scan_thread_start("floppy:x", sink_on_event, &s, NULL, &t,
                                     msg),
                   KERR_CONFIG);
  assert_null(t);
  sink_destroy(&s);
}

static void preview_downscale_fits_320_and_averages(void **state) {
  static const int sizes[][4] = {
      {1280, 720, 320, 180}, {640, 480, 320, 240}, {1920, 1080, 320, 180},
      {320, 240, 320, 240},  {100, 50, 100, 50},   {321, 10, 160, 5}};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    int w = sizes[i][0], h = sizes[i][1], dw = 0, dh = 0, x, y;
    uint8_t *src = malloc((size_t)w * (size_t)h);
    uint8_t *dst = malloc(SCAN_PREVIEW_MAX * SCAN_PREVIEW_MAX);
    assert_non_null(src);
    assert_non_null(dst);
    /* Vertical stripes one pixel wide: any box of 2+ columns averages to
     * mid-grey, a copy (factor 1) keeps them. */
    for (y = 0; y < h; y++)
      for (x = 0; x < w; x++) src[(size_t)y * (size_t)w + (size_t)x] = (x & 1) ? 200 : 0;
    scan_thread_downscale(src, w, h, w, SCAN_PREVIEW_MAX, dst, &dw, &dh);
    assert_int_equal(dw, sizes[i][2]);
    assert_int_equal(dh, sizes[i][3]);
    if (dw == w) {
      assert_int_equal(dst[1], 200);
    } else if ((w / dw) % 2 == 0) {
      assert_int_equal(dst[0], 100);
    }
    free(src);
    free(dst);
  }
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(dir_source_reads_each_new_file_once_and_dedupes_repeats),
      cmocka_unit_test(missing_folder_is_absent_then_found_when_created),
      cmocka_unit_test(image_source_reads_its_file_once),
      cmocka_unit_test(
          absent_camera_is_a_state_and_stop_interrupts_the_retry_wait),
      cmocka_unit_test(non_camera_node_is_absent_with_zbars_reason),
      cmocka_unit_test(thread_starts_and_stops_100_times_cleanly),
      cmocka_unit_test(bad_uris_are_config_errors),
      cmocka_unit_test(preview_downscale_fits_320_and_averages),
  };
  if (argc > 1) cmocka_set_test_filter(argv[1]);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
