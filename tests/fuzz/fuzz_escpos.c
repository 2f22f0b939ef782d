/* libFuzzer: bytes that come back from a printer, or a print stream read
 * back by the test printer and the raster checks: DLE EOT status answers
 * for each n, and prn_escpos_extract_raster() rebuilding the image from any
 * stream. A stream built by prn_escpos_raster() from the same bytes must
 * come back identical, whatever the band splitting. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prn_escpos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void statuses(const uint8_t *data, size_t size) {
  prn_status st;
  memset(&st, 0, sizeof st);
  for (size_t i = 0; i < size; i++) {
    int n = (int)(i % 5); /* 0 is not a status query: must be refused */
    int rc = prn_escpos_status_parse(n, data[i], &st);
    /* Fixed bits 0,1,4,7 must read 0,1,1,0 or it is not a status byte. */
    if (rc == KERR_OK && (n < 1 || (data[i] & 0x93) != 0x12)) abort();
  }
  (void)prn_escpos_status_blocks(&st);
}

static void extract(const uint8_t *data, size_t size) {
  uint8_t *copy = malloc(size ? size : 1), *bits = NULL;
  int w = 0, h = 0, stride = 0;
  if (!copy) abort();
  if (size) memcpy(copy, data, size);
  if (prn_escpos_extract_raster(copy, size, &bits, &w, &h, &stride) == KERR_OK &&
      bits) {
    unsigned sum = 0;
    if (w < 1 || h < 1 || stride < (w + 7) / 8) abort();
    /* Touch every byte so ASan sees a short buffer. */
    for (size_t i = 0; i < (size_t)stride * (size_t)h; i++) sum += bits[i];
    (void)sum;
  }
  free(bits);
  free(copy);
}

/* The first two bytes pick a width (1..256 dots), the rest are the image. */
static void round_trip(const uint8_t *data, size_t size) {
  prn_escpos *e;
  const uint8_t *s;
  uint8_t *bits = NULL;
  size_t len;
  int w, stride, h, w2 = 0, h2 = 0, stride2 = 0;
  if (size < 3) return;
  w = 1 + (((data[0] << 8) | data[1]) & 0xff);
  stride = (w + 7) / 8;
  h = (int)((size - 2) / (size_t)stride);
  if (h < 1) return;
  if (prn_escpos_new(&e) != 0) abort();
  if (prn_escpos_raster(e, data + 2, w, h, stride) != KERR_OK) abort();
  s = prn_escpos_data(e, &len);
  if (prn_escpos_extract_raster(s, len, &bits, &w2, &h2, &stride2) != KERR_OK)
    abort();
  /* GS v 0 carries whole bytes: the width comes back rounded up to 8. */
  if (w2 != stride * 8 || h2 != h || !bits) abort();
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int a = data[2 + (size_t)y * stride + x / 8] >> (7 - x % 8) & 1;
      int b = bits[(size_t)y * stride2 + x / 8] >> (7 - x % 8) & 1;
      if (a != b) abort();
    }
  free(bits);
  prn_escpos_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  statuses(data, size);
  extract(data, size);
  round_trip(data, size);
  return 0;
}
