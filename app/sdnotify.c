/* sd_notify wrapper; see sdnotify.h. Built without libsystemd every call
 * does nothing, so the app needs no #ifdef around its calls. */
#include "sdnotify.h"

#include <stdarg.h>
#include <stdio.h>

#ifdef KIOSK_HAVE_SYSTEMD
#include <string.h>
#include <systemd/sd-daemon.h>

#include "klog.h"

static int wd_known;          /* WATCHDOG_USEC read yet */
static uint64_t wd_half_ms;   /* ping period; 0 = no watchdog */
static uint64_t wd_last_ms;
static int wd_pinged;
static int notify_failed;       /* log the first failure only: it repeats */

static void notify(const char *state) {
  int r = sd_notify(0, state);
  if (r < 0 && !notify_failed) {
    notify_failed = 1;
    klog_warn("sdnotify", "sd_notify(%.*s): %s", (int)strcspn(state, "="),
              state, strerror(-r));
  }
}

void sdnotify_ready(void) { notify("READY=1"); }

void sdnotify_stopping(void) { notify("STOPPING=1"); }

void sdnotify_status(const char *fmt, ...) {
  char line[256] = "STATUS=";
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line + 7, sizeof line - 7, fmt, ap);
  va_end(ap);
  notify(line);
}

uint64_t sdnotify_tick(uint64_t now_ms) {
  if (!wd_known) {
    uint64_t usec = 0;
    /* >0 only when WATCHDOG_USEC is set and WATCHDOG_PID is us. */
    if (sd_watchdog_enabled(0, &usec) > 0 && usec >= 2000) wd_half_ms = usec / 2000;
    wd_known = 1;
  }
  if (!wd_half_ms) return UINT64_MAX;
  if (!wd_pinged || now_ms - wd_last_ms >= wd_half_ms) {
    notify("WATCHDOG=1");
    wd_last_ms = now_ms;
    wd_pinged = 1;
  }
  return wd_last_ms + wd_half_ms;
}

#else

void sdnotify_ready(void) {}

void sdnotify_stopping(void) {}

void sdnotify_status(const char *fmt, ...) { (void)fmt; }

uint64_t sdnotify_tick(uint64_t now_ms) {
  (void)now_ms;
  return UINT64_MAX;
}

#endif
