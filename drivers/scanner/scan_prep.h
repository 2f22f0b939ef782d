/*
 * scan_prep: cheap grey-image operations that turn a hard camera frame into
 * one zbar can read (zbar's own binariser gives up on light-on-dark codes,
 * weak contrast and soft edges).
 *
 * Contract: every function writes a new w*h (or halved) buffer the caller
 * owns and sized as documented; sources are contiguous (stride = width) and
 * never modified; no function allocates or fails. Each is O(pixels).
 */
#ifndef SCAN_PREP_H
#define SCAN_PREP_H

#include <stdint.h>

/* 2x2 box average into dst of (w/2)*(h/2); also halves sensor noise. */
void scan_prep_half(const uint8_t *src, int w, int h, uint8_t *dst);

/* dst = 255 - src: a dark-mode (light-on-dark) code becomes a normal one. */
void scan_prep_invert(const uint8_t *src, int w, int h, uint8_t *dst);

/* Local contrast stretch: each pixel is mapped through the min..max of the
 * tile x tile block around it (3x3 blocks), so a code at 10% contrast under
 * glare comes out black and white. Blocks flatter than min_range stay as
 * mid-grey so noise on a blank wall is not amplified into edges. tmp must
 * hold 2 * ((w + tile - 1) / tile) * ((h + tile - 1) / tile) bytes. */
void scan_prep_stretch(const uint8_t *src, int w, int h, int tile,
                       int min_range, uint8_t *tmp, uint8_t *dst);

/* Unsharp mask with a 3x3 box: dst = src + amount/4 * (src - blur),
 * clamped. Restores the edges a slightly defocused camera softens. */
void scan_prep_sharpen(const uint8_t *src, int w, int h, int amount,
                       uint8_t *dst);

#endif
