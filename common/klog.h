/*
 * klog: one log line per event, to stderr (the journal under systemd).
 *
 * Contract: klog_write() is thread-safe and never blocks on anything but the
 * stderr write. Lines look like `2026-11-24T08:00:00Z W net: text`; under
 * systemd (JOURNAL_STREAM set) the timestamp is left out and the level is
 * sent as a `<N>` syslog prefix so journald records the priority. Callers
 * must never pass secrets or unmasked member names or phone numbers: mask
 * them with mask.h first.
 */
#ifndef KLOG_H
#define KLOG_H

typedef enum { KLOG_DEBUG, KLOG_INFO, KLOG_WARN, KLOG_ERROR } klog_level;

/* Lines below this level are dropped; default KLOG_INFO, or KIOSK_LOG=debug. */
void klog_set_level(klog_level level);

void klog_write(klog_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define klog_debug(mod, ...) klog_write(KLOG_DEBUG, mod, __VA_ARGS__)
#define klog_info(mod, ...) klog_write(KLOG_INFO, mod, __VA_ARGS__)
#define klog_warn(mod, ...) klog_write(KLOG_WARN, mod, __VA_ARGS__)
#define klog_error(mod, ...) klog_write(KLOG_ERROR, mod, __VA_ARGS__)

#endif
