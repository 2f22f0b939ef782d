/*
 * prn_text: renders a prn_doc with the printer's own fonts (text mode).
 *
 * Contract: for printers with a Chinese ROM font. Text is sent in GB18030
 * mode (FS &) with the 12x24 / 24x24 fonts: a line holds width/12 columns,
 * a Chinese character takes two. Characters outside two-byte GBK print as
 * '?' (prn_escpos_text). QR codes and CODE128 are the printer's native
 * GS ( k and GS k. A logo (PRN_BLK_IMAGE) is an image in either mode: it
 * is dithered like in raster mode and sent as a GS v 0 raster as wide as
 * the image, centred with ESC a; an image that does not load fails the
 * slip with KERR_CONFIG. Ends with feed-and-cut.
 */
#ifndef PRN_TEXT_H
#define PRN_TEXT_H

#include "kerr.h"
#include "prn_doc.h"
#include "prn_escpos.h"

int prn_text_render(const prn_doc *d, int width, prn_escpos *e, char *msg);

/* Printed columns of UTF-8 text: ASCII one, anything else two. */
int prn_text_columns(const char *utf8);

#endif
