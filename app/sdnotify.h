/*
 * sdnotify: tells systemd how the kiosk is doing (the sd_notify protocol of a
 * Type=notify unit with WatchdogSec=).
 *
 * Contract: every call is a cheap no-op when the kiosk was not started by
 * systemd (no NOTIFY_SOCKET) or was built without libsystemd
 * (KIOSK_HAVE_SYSTEMD undefined). Nothing here fails the caller: a send
 * error is logged once. UI thread only (sdnotify_tick keeps the last ping).
 *
 *   sdnotify_ready()         once, after the first frame is on screen
 *   sdnotify_tick(now_ms)    every main-loop pass: sends WATCHDOG=1 when half
 *                            the watchdog interval has passed since the last
 *                            one, and returns the time the loop must wake up
 *                            by for the next ping (UINT64_MAX: no watchdog)
 *   sdnotify_status(fmt,...) one line for `systemctl status`: no secrets, no
 *                            member names or phone numbers
 *   sdnotify_stopping()      when a stop begins, before the queue is flushed
 */
#ifndef SDNOTIFY_H
#define SDNOTIFY_H

#include <stdint.h>

void sdnotify_ready(void);

uint64_t sdnotify_tick(uint64_t now_ms);

void sdnotify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void sdnotify_stopping(void);

#endif
