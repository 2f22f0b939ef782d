/*
 * ctl_plate: Chinese vehicle plate numbers.
 *
 * Contract: ctl_plate_normalize() accepts a province character, a letter
 * (A-Z without I and O) and then either 5 letters/digits (letters again
 * without I and O), or 4 or 5 of them and a suffix 挂, 学, 警, 港 or 澳, or the 6
 * characters of a new-energy plate: D or F, a letter/digit, 4 digits (small
 * cars, 粤BD12345) or 5 digits then D or F (large cars, 粤B12345D). ASCII
 * letters are upper-cased and spaces, dots and middle dots removed; the
 * normalised plate goes into out. 0 when valid, -1 otherwise.
 */
#ifndef CTL_PLATE_H
#define CTL_PLATE_H

#include <stddef.h>

#define CTL_PLATE_MAX 32

int ctl_plate_normalize(const char *in, char *out, size_t cap);

#endif
