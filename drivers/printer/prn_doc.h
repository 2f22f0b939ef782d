/*
 * prn_doc: a printed slip as a list of blocks, independent of how it prints.
 *
 * Contract: layouts (prn_layout) describe a voucher once as blocks; the
 * raster renderer (prn_raster, SDL_ttf into a 1-bit image) and the text
 * renderer (prn_text, printer fonts in GB18030) turn the same blocks into
 * ESC/POS. Every prn_doc_* adder copies its strings; a failed allocation is
 * sticky and reported by prn_doc_status(), so a layout adds all its blocks
 * and checks once. Text is UTF-8 and already translated.
 */
#ifndef PRN_DOC_H
#define PRN_DOC_H

#include "kerr.h"
#include "prn_escpos.h"

typedef enum {
  PRN_BLK_TEXT,    /* wrapped text: a, b = NULL */
  PRN_BLK_KV,      /* a at the left, b at the right of one line */
  PRN_BLK_BANNER,  /* a, white on black, centred, large: 重印, 待确认 */
  PRN_BLK_QR,      /* a = data; num = share of the paper width in percent */
  PRN_BLK_CODE128, /* a = ASCII data, always sent as a native GS k */
  PRN_BLK_RULE,    /* a dashed line across */
  PRN_BLK_FEED,    /* num = dots of blank paper */
  PRN_BLK_IMAGE,   /* a = path of an image (logo), scaled to num percent */
} prn_blk_kind;

typedef enum { PRN_SIZE_SMALL, PRN_SIZE_NORMAL, PRN_SIZE_LARGE, PRN_SIZE_TITLE } prn_size;

typedef struct prn_block {
  prn_blk_kind kind;
  prn_align align;
  prn_size size;
  int bold;
  int num;
  char *a, *b;
} prn_block;

typedef struct prn_doc prn_doc;

int prn_doc_new(prn_doc **out);
void prn_doc_free(prn_doc *d);
int prn_doc_status(const prn_doc *d);
int prn_doc_count(const prn_doc *d);
const prn_block *prn_doc_block(const prn_doc *d, int i);

void prn_doc_text(prn_doc *d, const char *text, prn_align a, prn_size s, int bold);
void prn_doc_kv(prn_doc *d, const char *left, const char *right, prn_size s, int bold);
void prn_doc_banner(prn_doc *d, const char *text);
void prn_doc_qr(prn_doc *d, const char *data, int percent);
void prn_doc_code128(prn_doc *d, const char *data);
void prn_doc_rule(prn_doc *d);
void prn_doc_feed(prn_doc *d, int dots);
void prn_doc_image(prn_doc *d, const char *path, int percent);

#endif
