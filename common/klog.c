#include "klog.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static klog_level min_level = KLOG_INFO;
static int level_from_env_done;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void klog_set_level(klog_level level) {
  min_level = level;
  level_from_env_done = 1;
}

static void level_from_env(void) {
  const char *e = getenv("KIOSK_LOG");
  if (e && strcmp(e, "debug") == 0) min_level = KLOG_DEBUG;
  level_from_env_done = 1;
}

void klog_write(klog_level level, const char *module, const char *fmt, ...) {
  static const char letters[] = "DIWE";
  static const int syslog_prio[] = {7, 6, 4, 3};
  char text[1024];
  va_list ap;

  if (!level_from_env_done) level_from_env();
  if (level < min_level) return;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);

  pthread_mutex_lock(&log_lock);
  if (getenv("JOURNAL_STREAM")) {
    fprintf(stderr, "<%d>%s: %s\n", syslog_prio[level], module, text);
  } else {
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "%s %c %s: %s\n", stamp, letters[level], module, text);
  }
  fflush(stderr);
  pthread_mutex_unlock(&log_lock);
}
