/* The wedge (keyboard) scanner: the key decoder on its own, and the whole
 * source through scan_thread reading input_event records from a FIFO, as it
 * reads them from /dev/input/by-id/...-event-kbd. argv[1]: cmocka filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <linux/input.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kerr.h"
#include "scan_sink.h"
#include "scan_thread.h"
#include "scan_wedge.h"

/* The test's own US layout, written independently of the driver's table. */
static int key_for(char c, int *shift) {
  static const char *const rows[] = {"1234567890-=", "qwertyuiop[]",
                                     "asdfghjkl;'`", "\\zxcvbnm,./"};
  static const char *const shifted[] = {"!@#$%^&*()_+", "QWERTYUIOP{}",
                                        "ASDFGHJKL:\"~", "|ZXCVBNM<>?"};
  static const int first[] = {KEY_1, KEY_Q, KEY_A, KEY_BACKSLASH};
  int r;
  *shift = 0;
  if (c == ' ') return KEY_SPACE;
  for (r = 0; r < 4; r++) {
    const char *p = strchr(rows[r], c);
    if (p && c) return first[r] + (int)(p - rows[r]);
    p = strchr(shifted[r], c);
    if (p && c) {
      *shift = 1;
      return first[r] + (int)(p - shifted[r]);
    }
  }
  fail_msg("no US key for '%c'", c);
  return -1;
}

typedef struct {
  scan_wedge_keys *k;
  int64_t t_us;
  char out[1024];
  size_t len;
  kerr_msg msg;
  int last; /* result of the last feed */
} typist;

static int feed(typist *ty, int type, int code, int value) {
  ty->t_us += 4000; /* 4 ms per event: a fast scanner */
  ty->last = scan_wedge_keys_feed(ty->k, type, code, value, ty->t_us, ty->out,
                                  sizeof ty->out, &ty->len, ty->msg);
  return ty->last;
}

static void tap(typist *ty, int code, int shift) {
  if (shift) feed(ty, EV_KEY, KEY_LEFTSHIFT, 1);
  feed(ty, EV_MSC, MSC_SCAN, 0x70004);
  feed(ty, EV_KEY, code, 1);
  feed(ty, EV_SYN, SYN_REPORT, 0);
  feed(ty, EV_KEY, code, 0);
  if (shift) feed(ty, EV_KEY, KEY_LEFTSHIFT, 0);
  feed(ty, EV_SYN, SYN_REPORT, 0);
}

static void type_text(typist *ty, const char *s) {
  for (; *s; s++) {
    int shift, code = key_for(*s, &shift);
    tap(ty, code, shift);
  }
}

static int enter(typist *ty) {
  int rc = feed(ty, EV_KEY, KEY_ENTER, 1);
  feed(ty, EV_KEY, KEY_ENTER, 0);
  return rc;
}

static void us_layout_with_shift_decodes_every_printable_ascii(void **state) {
  typist ty = {0};
  char all[128];
  int c, n = 0;
  (void)state;
  for (c = 32; c < 127; c++) all[n++] = (char)c;
  all[n] = '\0';
  assert_int_equal(scan_wedge_keys_new(&ty.k, 200, 500, ty.msg), KERR_OK);
  type_text(&ty, all);
  assert_int_equal(enter(&ty), 1);
  assert_string_equal(ty.out, all);
  assert_int_equal(ty.len, strlen(all));
  /* Right shift too; Shift released before the key types lowercase. */
  feed(&ty, EV_KEY, KEY_RIGHTSHIFT, 1);
  feed(&ty, EV_KEY, KEY_K, 1);
  feed(&ty, EV_KEY, KEY_RIGHTSHIFT, 0);
  feed(&ty, EV_KEY, KEY_M, 1);
  feed(&ty, EV_KEY, KEY_KP1, 1);
  feed(&ty, EV_KEY, KEY_KPDOT, 1);
  feed(&ty, EV_KEY, KEY_F1, 1);       /* no character: ignored */
  feed(&ty, EV_KEY, KEY_LEFTCTRL, 1); /* ignored */
  feed(&ty, EV_KEY, KEY_X, 2);        /* autorepeat types nothing */
  assert_int_equal(feed(&ty, EV_KEY, KEY_KPENTER, 1), 1);
  assert_string_equal(ty.out, "Km1.");
  assert_int_equal(enter(&ty), 0); /* Enter on nothing is not a code */
  scan_wedge_keys_free(ty.k);
}

static void code_longer_than_the_bound_is_refused_then_the_next_reads(
    void **state) {
  typist ty = {0};
  (void)state;
  assert_int_equal(scan_wedge_keys_new(&ty.k, 8, 500, ty.msg), KERR_OK);
  type_text(&ty, "12345678");
  assert_int_equal(enter(&ty), 1);
  assert_string_equal(ty.out, "12345678");
  type_text(&ty, "123456789");
  assert_int_equal(enter(&ty), KERR_INVALID);
  assert_non_null(strstr(ty.msg, "longer than 8"));
  type_text(&ty, "abc");
  assert_int_equal(enter(&ty), 1);
  assert_string_equal(ty.out, "abc");
  scan_wedge_keys_free(ty.k);
}

static void pause_between_keys_drops_the_partial_code(void **state) {
  typist ty = {0};
  (void)state;
  assert_int_equal(scan_wedge_keys_new(&ty.k, 64, 500, ty.msg), KERR_OK);
  type_text(&ty, "half");
  ty.t_us += 2 * 1000 * 1000;
  type_text(&ty, "whole");
  assert_int_equal(enter(&ty), 1);
  assert_string_equal(ty.out, "whole");
  /* A pause just inside the gap keeps the code. */
  type_text(&ty, "ab");
  /* 'b' was pressed 12 ms before the clock's last tick and tap() puts the
   * next press 8 ms after it: the gap is exactly 500 ms. */
  ty.t_us += 500 * 1000 - 20 * 1000;
  type_text(&ty, "cd");
  assert_int_equal(enter(&ty), 1);
  assert_string_equal(ty.out, "abcd");
  scan_wedge_keys_free(ty.k);
}

/* Records written to the FIFO, timestamps from the test's own clock. */
typedef struct {
  int fd;
  int64_t t_us;
} writer;

static void put(writer *w, int type, int code, int value) {
  struct input_event ev;
  const unsigned char *p = (const unsigned char *)&ev;
  size_t off = 0;
  memset(&ev, 0, sizeof ev);
  w->t_us += 4000;
  ev.input_event_sec = (time_t)(w->t_us / 1000000);
  ev.input_event_usec = (suseconds_t)(w->t_us % 1000000);
  ev.type = (unsigned short)type;
  ev.code = (unsigned short)code;
  ev.value = value;
  /* Odd-sized writes: the reader must put records back together. */
  while (off < sizeof ev) {
    size_t n = sizeof ev - off < 7 ? sizeof ev - off : 7;
    ssize_t k = write(w->fd, p + off, n);
    assert_true(k > 0);
    off += (size_t)k;
  }
}

static void put_text(writer *w, const char *s) {
  for (; *s; s++) {
    int shift, code = key_for(*s, &shift);
    if (shift) put(w, EV_KEY, KEY_LEFTSHIFT, 1);
    put(w, EV_KEY, code, 1);
    put(w, EV_SYN, SYN_REPORT, 0);
    put(w, EV_KEY, code, 0);
    if (shift) put(w, EV_KEY, KEY_LEFTSHIFT, 0);
    put(w, EV_SYN, SYN_REPORT, 0);
  }
}

static void put_line(writer *w, const char *s) {
  put_text(w, s);
  put(w, EV_KEY, KEY_ENTER, 1);
  put(w, EV_KEY, KEY_ENTER, 0);
  put(w, EV_SYN, SYN_REPORT, 0);
}

static void wedge_source_reads_typed_codes_from_an_event_fifo(void **state) {
  char dir[] = "/tmp/scan-wedge-XXXXXX", fifo[64], uri[80];
  scan_thread *t = NULL;
  scan_thread_opts opts = {0};
  writer w = {-1, 1700000000LL * 1000000};
  sink s;
  kerr_msg msg = "";
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(fifo, sizeof fifo, "%s/kbd", dir);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  snprintf(uri, sizeof uri, "wedge:%s", fifo);
  opts.source.wedge_max_len = 32;
  opts.source.wedge_key_gap_ms = 300;
  opts.retry_ms = 3600 * 1000; /* no reopen once the writer has gone */
  sink_init(&s);
  assert_int_equal(scan_thread_start(uri, sink_on_event, &s, &opts, &t, msg),
                   KERR_OK);
  assert_int_equal(sink_wait(&s, SCAN_EVENT_STATE, NULL, SCAN_STATE_OK, 1), 0);
  w.fd = open(fifo, O_WRONLY); /* the source holds the read end: no wait */
  assert_true(w.fd >= 0);

  put_line(&w, "KM1.M-7:Gold+{x}?");
  put_text(&w, "partial");
  w.t_us += 1000 * 1000; /* the scanner stalled: drop "partial" */
  put_line(&w, "after-pause");
  put_line(&w, "0123456789012345678901234567890123456789"); /* > 32 */
  put_line(&w, "twice");
  put_line(&w, "twice"); /* a scanner firing twice: one scan */
  put_line(&w, "end");
  assert_int_equal(sink_wait(&s, SCAN_EVENT_PAYLOAD, "end", -1, 1), 0);
  close(w.fd);
  assert_int_equal(
      sink_wait(&s, SCAN_EVENT_STATE, NULL, SCAN_STATE_UNPLUGGED, 1), 0);
  scan_thread_stop(t);

  assert_int_equal(sink_count(&s, SCAN_EVENT_PAYLOAD, "KM1.M-7:Gold+{x}?", -1),
                   1);
  assert_int_equal(sink_count(&s, SCAN_EVENT_PAYLOAD, "after-pause", -1), 1);
  assert_int_equal(sink_count(&s, SCAN_EVENT_PAYLOAD, "twice", -1), 1);
  assert_int_equal(sink_count(&s, SCAN_EVENT_PAYLOAD, NULL, -1), 4);
  assert_int_equal(sink_count(&s, SCAN_EVENT_REJECT, NULL, -1), 1);
  sink_destroy(&s);
  unlink(fifo);
  rmdir(dir);
}

static void missing_wedge_node_is_absent(void **state) {
  scan_thread *t = NULL;
  sink s;
  kerr_msg msg = "";
  (void)state;
  sink_init(&s);
  assert_int_equal(scan_thread_start("wedge:/dev/input/by-id/no-such-event-kbd",
                                     sink_on_event, &s, NULL, &t, msg),
                   KERR_OK);
  assert_int_equal(sink_wait(&s, SCAN_EVENT_STATE, NULL, SCAN_STATE_ABSENT, 1),
                   0);
  scan_thread_stop(t);
  assert_int_equal(s.ev[0].rc, KERR_NOT_FOUND);
  sink_destroy(&s);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(us_layout_with_shift_decodes_every_printable_ascii),
      cmocka_unit_test(
          code_longer_than_the_bound_is_refused_then_the_next_reads),
      cmocka_unit_test(pause_between_keys_drops_the_partial_code),
      cmocka_unit_test(wedge_source_reads_typed_codes_from_an_event_fifo),
      cmocka_unit_test(missing_wedge_node_is_absent),
  };
  if (argc > 1) cmocka_set_test_filter(argv[1]);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
