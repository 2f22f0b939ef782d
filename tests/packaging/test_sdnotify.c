/* sdnotify against a real notify socket: the datagrams systemd would read.
 * Built twice: with libsystemd (expects every message) and without
 * (KIOSK_SDNOTIFY_NOOP: expects silence and no watchdog deadline). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "sdnotify.h"

static int sock = -1;
static char sock_path[108];

/* One datagram, or "" when none is waiting (the sends are synchronous, so a
 * message is either queued already or was never sent). */
static const char *next_msg(void) {
  static char buf[512];
  ssize_t n = recv(sock, buf, sizeof buf - 1, MSG_DONTWAIT);
  buf[n > 0 ? n : 0] = '\0';
  return buf;
}

static int setup(void **state) {
  (void)state;
  snprintf(sock_path, sizeof sock_path, "/tmp/kiosk-sdnotify-%ld.sock", (long)getpid());
  unlink(sock_path);
  sock = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (sock < 0) return -1;
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
  if (bind(sock, (struct sockaddr *)&sa, sizeof sa) != 0) return -1;
  char pid[32];
  snprintf(pid, sizeof pid, "%ld", (long)getpid());
  setenv("NOTIFY_SOCKET", sock_path, 1);
  setenv("WATCHDOG_USEC", "20000000", 1); /* 20 s: ping every 10 s */
  setenv("WATCHDOG_PID", pid, 1);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  close(sock);
  unlink(sock_path);
  return 0;
}

#ifndef KIOSK_SDNOTIFY_NOOP
static void ready_status_and_stopping_reach_systemd(void **state) {
  (void)state;
  sdnotify_ready();
  assert_string_equal(next_msg(), "READY=1");
  sdnotify_status("serving %d kiosks, queue %s", 1, "empty");
  assert_string_equal(next_msg(), "STATUS=serving 1 kiosks, queue empty");
  sdnotify_stopping();
  assert_string_equal(next_msg(), "STOPPING=1");
  assert_string_equal(next_msg(), "");
}

static void watchdog_pings_every_half_interval_and_names_next_wakeup(void **state) {
  (void)state;
  assert_int_equal(sdnotify_tick(1000), 11000);
  assert_string_equal(next_msg(), "WATCHDOG=1");
  /* A busy loop must not flood the socket. */
  assert_int_equal(sdnotify_tick(1016), 11000);
  assert_int_equal(sdnotify_tick(10999), 11000);
  assert_string_equal(next_msg(), "");
  assert_int_equal(sdnotify_tick(11000), 21000);
  assert_string_equal(next_msg(), "WATCHDOG=1");
  /* A loop that overslept pings at once and counts from now. */
  assert_int_equal(sdnotify_tick(40000), 50000);
  assert_string_equal(next_msg(), "WATCHDOG=1");
}
#else
static void nothing_is_sent_without_libsystemd(void **state) {
  (void)state;
  sdnotify_ready();
  sdnotify_status("queue %d", 3);
  sdnotify_stopping();
  assert_true(sdnotify_tick(1000) == UINT64_MAX);
  assert_string_equal(next_msg(), "");
}
#endif

int main(void) {
  const struct CMUnitTest tests[] = {
#ifndef KIOSK_SDNOTIFY_NOOP
      cmocka_unit_test(ready_status_and_stopping_reach_systemd),
      cmocka_unit_test(watchdog_pings_every_half_interval_and_names_next_wakeup),
#else
      cmocka_unit_test(nothing_is_sent_without_libsystemd),
#endif
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
