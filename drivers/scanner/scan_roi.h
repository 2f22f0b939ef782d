/*
 * scan_roi: where in a frame a QR code may be, found cheaply.
 *
 * zbar's binariser and line scanner run over the whole image, so the costly
 * passes (full resolution for small codes, contrast stretch, inversion) are
 * run only on the regions this module proposes. A region is a cluster of
 * blocks with strong edges in both directions, squarish, dense and not
 * tiny; blocks are compared with the frame's own noise floor,
 * so sensor noise on a blank wall proposes nothing.
 *
 * Contract: scan_roi_find() reads a contiguous w*h grey image, writes up to
 * max regions (largest first, in that image's pixels, with a margin) and
 * returns how many. scratch must hold scan_roi_scratch_size(w, h) bytes.
 * Never allocates, never fails.
 */
#ifndef SCAN_ROI_H
#define SCAN_ROI_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  int x, y, w, h;
} scan_roi;

size_t scan_roi_scratch_size(int w, int h);
int scan_roi_find(const uint8_t *grey, int w, int h, scan_roi *out, int max,
                  void *scratch);

#endif
