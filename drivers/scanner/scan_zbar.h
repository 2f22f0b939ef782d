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

/*
 * The decode path is a cascade of passes, tried in order until one reads a
 * code: each pass takes the whole frame, the frame halved (2x2 average), or
 * the regions scan_roi proposes (cut from the full-resolution frame),
 * transforms it, and runs zbar at a scan density (1 = every line). The default cascade was
 * chosen by measurement on the corpus (tests/scanner/make_corpus.sh; figures
 * in tests/bench/bench_scan.c's output); set_passes exists for that bench.
 */
typedef enum {
  SCAN_ZBAR_PLAIN,          /* the frame as it is */
  SCAN_ZBAR_INVERT,         /* light-on-dark (phone dark mode) */
  SCAN_ZBAR_STRETCH,        /* local contrast stretch: low contrast, glare */
  SCAN_ZBAR_STRETCH_INVERT, /* both */
  SCAN_ZBAR_SHARPEN,        /* unsharp mask: mild defocus */
} scan_zbar_op;

enum { SCAN_ZBAR_FRAME, SCAN_ZBAR_HALF, SCAN_ZBAR_ROI };

typedef struct {
  unsigned char where;   /* SCAN_ZBAR_FRAME, _HALF or _ROI */
  unsigned char op;      /* a scan_zbar_op */
  unsigned char density; /* zbar X/Y scan stride, 1..8 */
} scan_zbar_pass;

#define SCAN_ZBAR_MAX_PASSES 8

/* Replaces the cascade (copied; at most SCAN_ZBAR_MAX_PASSES). */
int scan_zbar_set_passes(scan_zbar *dec, const scan_zbar_pass *passes, int n,
                         char *msg);
/* Renews zbar's image scanner after every `reads` frames in which a code
 * was read (0: never). zbar 0.23.92 keeps every QR symbol it returned in the
 * scanner's recycle lists without reusing them (mchehab/zbar issue 258), so
 * a scanner that reads codes all day grows without bound; a new scanner
 * starts empty. The settings are applied again, so decoding is unchanged.
 * Measured (bench_scan_soak): about 290 bytes of heap per read, linear, for
 * our cascade and for plain zbar alike; renewing costs about 4 us, so every
 * 256 reads bounds the growth near 75 kB for a negligible cost. */
#define SCAN_ZBAR_RENEW_READS 256
int scan_zbar_set_renew(scan_zbar *dec, int reads, char *msg);

/* Index of the pass that read the last code, -1 if the last frame had none. */
int scan_zbar_last_pass(const scan_zbar *dec);

#endif
