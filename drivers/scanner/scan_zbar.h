/*
 * scan_zbar: find a QR payload in one grey frame, with zbar.
 *
 * Contract: a decoder is owned by one thread at a time (zbar image scanners
 * are not thread-safe); create one per scanning thread. scan_zbar_decode()
 * reads w*h bytes of 8-bit grey (row stride `stride` bytes), never keeps a
 * pointer to them, and returns 1 with the payload in `payload` (NUL-terminated,
 * truncated to cap-1 bytes, *payload_len set to the full length), 0 when the
 * frame holds no QR code, or a negative KERR_* with a message on failure.
 * Only QR is enabled; binary payloads are returned as raw bytes.
 */
#ifndef SCAN_ZBAR_H
#define SCAN_ZBAR_H

#include <stddef.h>
#include <stdint.h>

typedef struct scan_zbar scan_zbar;

int scan_zbar_new(scan_zbar **out, char *msg);
int scan_zbar_decode(scan_zbar *dec, const uint8_t *grey, int w, int h,
                     int stride, char *payload, size_t cap,
                     size_t *payload_len, char *msg);
void scan_zbar_free(scan_zbar *dec);

#endif
