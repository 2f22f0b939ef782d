/*
 * prn_escpos: builds an ESC/POS byte stream and reads ESC/POS status bytes.
 *
 * Contract: a prn_escpos is a growing byte buffer with a sticky error. Every
 * builder call returns the sticky status (KERR_OK, or the first KERR_NOMEM /
 * KERR_INVALID seen), so a layout may issue a run of commands and check once
 * with prn_escpos_status(). After an error further calls append nothing.
 * The bytes are exactly those of the Epson ESC/POS reference; the golden
 * tests in tests/printer/ pin every command.
 *
 * Text: prn_escpos_text() takes UTF-8. In GB18030 mode (after
 * prn_escpos_kanji(e, 1), i.e. FS &) every character that is not ASCII and
 * not a two-byte GBK character (4-byte GB18030, the single byte 0x80, invalid
 * UTF-8) is replaced by '?', because printer fonts only hold GBK and a 4-byte
 * sequence would print as two wrong glyphs. Outside GB18030 mode, non-ASCII
 * is replaced by '?' too.
 *
 * Raster: prn_escpos_raster() sends a 1-bit image (rows of ceil(w/8) bytes,
 * MSB = leftmost dot, 1 = black) as GS v 0 bands of at most
 * PRN_ESCPOS_BAND_BYTES bytes each, because small printers (58 mm Xprinter)
 * drop or garble a single large raster command.
 */
#ifndef PRN_ESCPOS_H
#define PRN_ESCPOS_H

#include <stddef.h>
#include <stdint.h>

#include "kerr.h"

#define PRN_ESCPOS_BAND_BYTES 4096

typedef struct prn_escpos prn_escpos;

typedef enum { PRN_ALIGN_LEFT = 0, PRN_ALIGN_CENTER = 1, PRN_ALIGN_RIGHT = 2 } prn_align;

/* QR error correction levels, as GS ( k function 169 takes them. */
typedef enum { PRN_QR_L = 48, PRN_QR_M = 49, PRN_QR_Q = 50, PRN_QR_H = 51 } prn_qr_ec;

int prn_escpos_new(prn_escpos **out);
void prn_escpos_free(prn_escpos *e);
int prn_escpos_status(const prn_escpos *e);
/* The bytes so far; valid until the next builder call. */
const uint8_t *prn_escpos_data(const prn_escpos *e, size_t *len);
/* Hands the buffer to the caller (free() it) and empties the builder. */
uint8_t *prn_escpos_take(prn_escpos *e, size_t *len);

int prn_escpos_raw(prn_escpos *e, const void *bytes, size_t len);
/* ESC @ */
int prn_escpos_init(prn_escpos *e);
/* ESC a n */
int prn_escpos_align(prn_escpos *e, prn_align a);
/* ESC E n */
int prn_escpos_emphasis(prn_escpos *e, int on);
/* GS B n: white on black */
int prn_escpos_reverse(prn_escpos *e, int on);
/* GS ! n; width and height multipliers 1..8 */
int prn_escpos_size(prn_escpos *e, int width, int height);
/* ESC d n (lines); n > 255 is split */
int prn_escpos_feed_lines(prn_escpos *e, int lines);
/* ESC J n (dots); n > 255 is split */
int prn_escpos_feed_dots(prn_escpos *e, int dots);
/* ESC J to move the last line past the cutter, then GS V 1 (partial cut). */
int prn_escpos_cut(prn_escpos *e, int feed_dots);
/* Dots to feed before the cut so the last line clears the cutter (15 mm):
 * 512-dot paper means a 180 dpi head (TM-T88), the rest 203 dpi. */
int prn_escpos_cut_feed(int width_dots);
/* FS & (on) or FS . (off): two-byte GB18030 text on Chinese printers. */
int prn_escpos_kanji(prn_escpos *e, int on);
/* UTF-8 text, converted as the contract says; no line feed added. */
int prn_escpos_text(prn_escpos *e, const char *utf8);
/* GS v 0 bands; width_dots > 0, stride = bytes per row >= ceil(width/8). */
int prn_escpos_raster(prn_escpos *e, const uint8_t *bits, int width_dots,
                      int height, int stride);
/* GS ( k model 2 QR: module size 1..16 dots, data 1..7089 bytes. */
int prn_escpos_qr(prn_escpos *e, const char *data, int module, prn_qr_ec ec);
/* GS h / GS w / GS H / GS k 73: CODE128 code set B, HRI text below. */
int prn_escpos_code128(prn_escpos *e, const char *ascii, int height, int module);

/* Converts one UTF-8 string to printer GB18030 (two-byte GBK only, '?' for
 * the rest). Returns the bytes written (without NUL) or a negative KERR. */
int prn_escpos_to_gbk(const char *utf8, char *out, size_t outlen);

/* Stacks every GS v 0 band of an ESC/POS stream into one 1-bit image
 * (*bits freed by the caller; *height 0 and *bits NULL when there is none).
 * GS ( k and GS k payloads are skipped by length so their data is never
 * taken for a command. KERR_INVALID when bands differ in width or one is
 * cut short. */
int prn_escpos_extract_raster(const uint8_t *s, size_t len, uint8_t **bits, int *width,
                              int *height, int *stride);

/*
 * Real-time status (DLE EOT n). n = 1 printer, 2 offline cause, 3 error
 * cause, 4 paper sensor. prn_escpos_status_parse() folds one answer into st;
 * a byte whose fixed bits (0, 1, 4, 7) are not 0,1,1,0 is not a status
 * answer and gives KERR_PROTO.
 */
typedef struct prn_status {
  int offline;
  int cover_open;
  int paper_end;
  int paper_near_end;
  int cutter_error;
  int unrecoverable;
  int error; /* an error stopped printing (n = 2 bit 6, n = 3 bit 6) */
} prn_status;

int prn_escpos_status_query(uint8_t out[3], int n);
int prn_escpos_status_parse(int n, uint8_t byte, prn_status *st);
/* 1 when a job must not start or has failed: offline, cover open, paper end,
 * cutter or other error. Paper near end is only a warning. */
int prn_escpos_status_blocks(const prn_status *st);

#endif
