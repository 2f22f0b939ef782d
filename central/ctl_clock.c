#include "ctl_clock.h"

#include <stdio.h>
#include <time.h>

/* Written once before the worker threads exist, read-only afterwards. */
static int64_t offset;

int64_t ctl_clock_now(void) { return (int64_t)time(NULL) + offset; }

void ctl_clock_shift(int64_t seconds) { offset = seconds; }

static struct tm local(int64_t t) {
  struct tm tm;
  time_t tt = (time_t)t;
  localtime_r(&tt, &tm);
  return tm;
}

void ctl_clock_day(int64_t t, char out[11]) {
  struct tm tm = local(t);
  snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
           (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

int64_t ctl_clock_end_of_day(int64_t t) {
  struct tm tm = local(t);
  tm.tm_hour = 23;
  tm.tm_min = 59;
  tm.tm_sec = 59;
  tm.tm_isdst = -1;
  return (int64_t)mktime(&tm);
}

int ctl_clock_month(int64_t t) { return local(t).tm_mon + 1; }
