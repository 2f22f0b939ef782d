/*
 * scan_img: load an image file (PNG, JPEG, PGM, anything SDL2_image reads)
 * as 8-bit grey, for the dir/image sources, kiosk-scan and tests.
 *
 * Contract: *out_grey is malloc'd, w*h bytes (stride w), luma by BT.601
 * weights; the caller frees it. Errors name the file and the library's reason.
 */
#ifndef SCAN_IMG_H
#define SCAN_IMG_H

#include <stdint.h>

int scan_img_load_grey(const char *path, uint8_t **out_grey, int *out_w,
                       int *out_h, char *msg);
/* Writes a grey image as PNG (for tests and debugging). */
int scan_img_save_grey_png(const char *path, const uint8_t *grey, int w, int h,
                           char *msg);

#endif
