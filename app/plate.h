/*
 * plate: the kiosk's check of a Chinese plate number while it is typed.
 *
 * The rules are the central's (central/ctl_plate.h): a province character,
 * a letter (A-Z without I and O), then 5 letters/digits (again without I and
 * O), or 4 or 5 of them and a suffix 挂 学 警 港 澳, or a new-energy tail of 6:
 * D or F, a letter/digit and 4 digits (粤BD12345), or 5 digits and D or F
 * (浙A12345D). ASCII letters are upper-cased; spaces, dots, dashes and middle
 * dots are dropped.
 *
 * Contract: plate_check() never fails; it says whether the input is empty,
 * a good start of a plate (PARTIAL), a whole plate (VALID, and whether one
 * more character could still make a longer valid plate), or cannot become a
 * plate (INVALID), with the msgid of the reason a member reads ("plate.why.*",
 * assets/i18n/<lang>/parking.po). A VALID input is exactly one the central's
 * ctl_plate_normalize() accepts (tests/app/test_app_plate.c checks both).
 */
#ifndef PLATE_H
#define PLATE_H

#include <stddef.h>

#define PLATE_MAX 32 /* bytes of a normalised plate, NUL excluded */
#define PLATE_PROVINCES 31
#define PLATE_SUFFIXES 5

typedef enum { PLATE_EMPTY, PLATE_PARTIAL, PLATE_VALID, PLATE_INVALID } plate_state;

typedef struct {
  plate_state state;
  const char *why;  /* msgid: the reason (INVALID) or the hint (else) */
  int more;         /* another character may still give a valid plate */
  int chars;        /* characters typed (a province counts as one) */
  char norm[PLATE_MAX + 1];
} plate_info;

/* The province characters in the order the keyboard shows them, and the
 * suffixes (UTF-8 strings). */
extern const char *const plate_provinces[PLATE_PROVINCES];
extern const char *const plate_suffixes[PLATE_SUFFIXES];

void plate_check(const char *in, plate_info *out);
/* 1 when in is a whole, valid plate. */
int plate_valid(const char *in);
/* Removes the last character (one UTF-8 sequence) of s in place. */
void plate_backspace(char *s);

#endif
