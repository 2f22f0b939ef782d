/*
 * ctl_clock: the server's notion of "now" and of calendar days.
 *
 * Contract: days are the mall's local calendar days (the process's TZ), as
 * "YYYY-MM-DD"; daily limits, check-ins and expiry dates all use them.
 * ctl_clock_shift() exists for tests (--clock-offset): it moves "now" so a
 * test can see vouchers and points expire without waiting; it must be called
 * before any other thread starts.
 */
#ifndef CTL_CLOCK_H
#define CTL_CLOCK_H

#include <stdint.h>

int64_t ctl_clock_now(void);
/* Adds seconds to every later ctl_clock_now(). */
void ctl_clock_shift(int64_t seconds);
/* Writes the local date of t as YYYY-MM-DD into out[11]. */
void ctl_clock_day(int64_t t, char out[11]);
/* Last second of the local day that contains t. */
int64_t ctl_clock_end_of_day(int64_t t);
/* Local month of t, 1..12. */
int ctl_clock_month(int64_t t);

#endif
