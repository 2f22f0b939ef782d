/*
 * prn_raster: renders a prn_doc as one 1-bit image (raster mode).
 *
 * Contract: the whole slip is laid out with SDL_ttf in Noto Sans CJK SC (the
 * screen's font, face 2 of the .ttc) at the paper width in dots, so Chinese
 * prints on any ESC/POS printer, with or without a Chinese ROM font. QR
 * codes come from libqrencode (level M, 4-module quiet zone) drawn in whole
 * dots per module. The image goes out as GS v 0 bands (prn_escpos_raster);
 * a CODE128 block splits the image and is sent as a native GS k between the
 * two parts, so the test page exercises the printer's own barcode.
 * A prn_raster keeps its fonts open between slips; it is not thread-safe.
 */
#ifndef PRN_RASTER_H
#define PRN_RASTER_H

#include "kerr.h"
#include "prn_bitmap.h"
#include "prn_doc.h"
#include "prn_escpos.h"

#define PRN_FONT_REGULAR "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define PRN_FONT_BOLD "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"

typedef struct prn_raster prn_raster;

/* NULL paths take PRN_FONT_REGULAR / PRN_FONT_BOLD. */
int prn_raster_new(const char *regular, const char *bold, prn_raster **out, char *msg);
void prn_raster_free(prn_raster *r);
/* Appends the doc's ESC/POS (bands, native barcodes, feed and cut) to e.
 * When image_out is not NULL it receives the whole canvas (free it). */
int prn_raster_render(prn_raster *r, const prn_doc *d, int width, prn_escpos *e,
                      prn_bitmap **image_out, char *msg);

#endif
