#include "scan_qrgen.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "kerr.h"

#define QUIET_MODULES 4
/* A version-40 code at this scale is already 3.5k pixels a side; beyond it
 * the only effect would be an allocation the caller did not mean. */
#define MAX_SCALE 64

int scan_qrgen_render(const char *payload, int scale, uint8_t **out_grey,
                      int *out_w, int *out_h, char *msg) {
  QRcode *qr;
  uint8_t *img;
  int side, n, y, x;
  size_t len;

  if (!payload || !out_grey || !out_w || !out_h)
    return kerr_set(msg, KERR_INVALID, "qrgen: NULL argument");
  if (scale < 1 || scale > MAX_SCALE)
    return kerr_set(msg, KERR_INVALID, "qrgen: scale %d outside 1..%d", scale,
                    MAX_SCALE);
  len = strlen(payload);
  if (len == 0) return kerr_set(msg, KERR_INVALID, "qrgen: empty payload");

  /* 8-bit mode keeps the bytes exactly as given (no Kanji/alnum guessing),
   * which is what the decoder's binary mode hands back. */
  errno = 0;
  qr = QRcode_encodeData((int)len, (const unsigned char *)payload, 0,
                         QR_ECLEVEL_M);
  if (!qr) {
    int e = errno;
    return kerr_set(msg, e == ENOMEM ? KERR_NOMEM : KERR_INVALID,
                    "qrencode: %s (%zu bytes)",
                    e == ERANGE ? "payload too long for a QR code"
                                : strerror(e ? e : EINVAL),
                    len);
  }
  n = qr->width;
  side = (n + 2 * QUIET_MODULES) * scale;
  img = malloc((size_t)side * (size_t)side);
  if (!img) {
    QRcode_free(qr);
    return kerr_set(msg, KERR_NOMEM, "qrgen: %d x %d image", side, side);
  }
  memset(img, 255, (size_t)side * (size_t)side);
  for (y = 0; y < n; y++) {
    for (x = 0; x < n; x++) {
      int py, top, left;
      if (!(qr->data[y * n + x] & 1)) continue;
      top = (y + QUIET_MODULES) * scale;
      left = (x + QUIET_MODULES) * scale;
      for (py = 0; py < scale; py++)
        memset(img + (size_t)(top + py) * (size_t)side + (size_t)left, 0,
               (size_t)scale);
    }
  }
  QRcode_free(qr);
  *out_grey = img;
  *out_w = side;
  *out_h = side;
  return KERR_OK;
}
