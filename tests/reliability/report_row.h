/*
 * report_row: one row of tests/reliability/REPORT.md, for any test.
 *
 *   report_row("net_kiosk_crash", "kiosk SIGKILLed mid-transaction", 200, 0,
 *              "p50_ms=3");
 *
 * Writes NAME.row (tab-separated: name, what was tried, how many times, how
 * many transactions were lost, free-form figures, unix time) into
 * $KIOSK_REPORT_DIR, else $KIOSK_BUILD_DIR/reliability/rows; does nothing
 * when neither is set (a test run by hand). A test calls it once, at the end
 * of a run, with lost = what it counted (it must be 0; the report test
 * `reliability_report` fails otherwise). Header only, so an existing test
 * adds a row with one include and one call; report_rowf() formats the
 * figures printf-style. Tabs and newlines in the text are written as spaces.
 */
#ifndef REPORT_ROW_H
#define REPORT_ROW_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static inline void report_row_text(FILE *f, const char *s) {
  for (; s && *s; s++) fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static inline int report_row(const char *name, const char *tried, long times,
                             long lost, const char *figures) {
  char dir[1024], path[1200], tmp[1210];
  const char *d = getenv("KIOSK_REPORT_DIR"), *b = getenv("KIOSK_BUILD_DIR");
  if (d && *d) snprintf(dir, sizeof dir, "%s", d);
  else if (b && *b) snprintf(dir, sizeof dir, "%s/reliability/rows", b);
  else return 0;
  /* mkdir -p of the last two levels (the build dir exists). */
  char parent[1024];
  snprintf(parent, sizeof parent, "%s", dir);
  char *slash = strrchr(parent, '/');
  if (slash && slash != parent) {
    *slash = '\0';
    if (mkdir(parent, 0755) != 0 && errno != EEXIST) return -1;
  }
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) return -1;
  snprintf(path, sizeof path, "%s/%s.row", dir, name);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) return -1;
  report_row_text(f, name);
  fputc('\t', f);
  report_row_text(f, tried);
  fprintf(f, "\t%ld\t%ld\t", times, lost);
  report_row_text(f, figures);
  fprintf(f, "\t%lld\n", (long long)time(NULL));
  if (fclose(f) != 0) return -1;
  return rename(tmp, path);
}

static inline int report_rowf(const char *name, const char *tried, long times,
                              long lost, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static inline int report_rowf(const char *name, const char *tried, long times,
                              long lost, const char *fmt, ...) {
  char figures[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(figures, sizeof figures, fmt, ap);
  va_end(ap);
  return report_row(name, tried, times, lost, figures);
}

#endif
