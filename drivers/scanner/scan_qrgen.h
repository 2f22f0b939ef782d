/*
 * scan_qrgen: draw a payload as a QR code into a grey image (libqrencode).
 *
 * Used by the demo (a tapped demo card becomes an image that goes through the
 * real decode path) and by tests. Contract: *out_grey is malloc'd, w*h bytes,
 * dark modules 0 and light 255, with a quiet zone of 4 modules, each module
 * `scale` pixels; the caller frees it.
 */
#ifndef SCAN_QRGEN_H
#define SCAN_QRGEN_H

#include <stdint.h>

int scan_qrgen_render(const char *payload, int scale, uint8_t **out_grey,
                      int *out_w, int *out_h, char *msg);

#endif
