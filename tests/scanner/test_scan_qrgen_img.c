/* The QR renderer's geometry and the image loader's conversions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kerr.h"
#include "scan_img.h"
#include "scan_qrgen.h"

static void rendered_code_has_a_white_quiet_zone_and_black_finder(void **state) {
  uint8_t *img = NULL;
  int w, h, i;
  kerr_msg msg;
  (void)state;
  assert_int_equal(scan_qrgen_render("KM1.x", 3, &img, &w, &h, msg), KERR_OK);
  assert_int_equal(w, h);
  assert_int_equal(w, (21 + 8) * 3); /* version 1 is 21 modules */
  for (i = 0; i < 4 * 3; i++) {
    assert_int_equal(img[i * w + i], 255);             /* quiet zone */
    assert_int_equal(img[(w - 1 - i) * w + i], 255);
  }
  assert_int_equal(img[12 * w + 12], 0); /* finder pattern's corner module */
  free(img);
}

static void unrenderable_payloads_are_refused(void **state) {
  uint8_t *img = NULL;
  int w, h;
  kerr_msg msg = "";
  char *big = malloc(4000);
  (void)state;
  assert_non_null(big);
  memset(big, 'z', 3999);
  big[3999] = '\0';
  assert_int_equal(scan_qrgen_render("", 4, &img, &w, &h, msg), KERR_INVALID);
  assert_int_equal(scan_qrgen_render("x", 0, &img, &w, &h, msg), KERR_INVALID);
  assert_int_not_equal(scan_qrgen_render(big, 1, &img, &w, &h, msg), KERR_OK);
  assert_non_null(strstr(msg, "too long"));
  assert_null(img);
  free(big);
}

static void grey_png_saved_then_loaded_is_identical(void **state) {
  const int w = 37, h = 23;
  uint8_t src[37 * 23], *back = NULL;
  char path[] = "/tmp/scan_img_testXXXXXX";
  int fd, bw, bh, i;
  kerr_msg msg;
  (void)state;
  for (i = 0; i < w * h; i++) src[i] = (uint8_t)(i * 7);
  fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(scan_img_save_grey_png(path, src, w, h, msg), KERR_OK);
  assert_int_equal(scan_img_load_grey(path, &back, &bw, &bh, msg), KERR_OK);
  assert_int_equal(bw, w);
  assert_int_equal(bh, h);
  assert_memory_equal(back, src, sizeof src);
  free(back);
  unlink(path);
}

static void missing_or_garbage_files_name_the_file(void **state) {
  uint8_t *img = NULL;
  int w, h, fd;
  char path[] = "/tmp/scan_img_junkXXXXXX";
  kerr_msg msg = "";
  (void)state;
  assert_int_equal(scan_img_load_grey("/nonexistent/x.png", &img, &w, &h, msg),
                   KERR_IO);
  assert_non_null(strstr(msg, "/nonexistent/x.png"));
  fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "not an image at all", 19), 19);
  close(fd);
  assert_int_equal(scan_img_load_grey(path, &img, &w, &h, msg), KERR_IO);
  assert_non_null(strstr(msg, path));
  assert_null(img);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rendered_code_has_a_white_quiet_zone_and_black_finder),
      cmocka_unit_test(unrenderable_payloads_are_refused),
      cmocka_unit_test(grey_png_saved_then_loaded_is_identical),
      cmocka_unit_test(missing_or_garbage_files_name_the_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
