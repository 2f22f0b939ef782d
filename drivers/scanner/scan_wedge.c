#include "scan_wedge.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kerr.h"
#include "klog.h"

/* US layout: [code] = {plain, shifted}. Keypad keys ignore Shift (Num Lock
 * is assumed on, as scanners send keypad digits only in that state). */
static const char keymap[KEY_KPSLASH + 1][2] = {
    [KEY_1] = {'1', '!'},          [KEY_2] = {'2', '@'},
    [KEY_3] = {'3', '#'},          [KEY_4] = {'4', '$'},
    [KEY_5] = {'5', '%'},          [KEY_6] = {'6', '^'},
    [KEY_7] = {'7', '&'},          [KEY_8] = {'8', '*'},
    [KEY_9] = {'9', '('},          [KEY_0] = {'0', ')'},
    [KEY_MINUS] = {'-', '_'},      [KEY_EQUAL] = {'=', '+'},
    [KEY_Q] = {'q', 'Q'},          [KEY_W] = {'w', 'W'},
    [KEY_E] = {'e', 'E'},          [KEY_R] = {'r', 'R'},
    [KEY_T] = {'t', 'T'},          [KEY_Y] = {'y', 'Y'},
    [KEY_U] = {'u', 'U'},          [KEY_I] = {'i', 'I'},
    [KEY_O] = {'o', 'O'},          [KEY_P] = {'p', 'P'},
    [KEY_LEFTBRACE] = {'[', '{'},  [KEY_RIGHTBRACE] = {']', '}'},
    [KEY_A] = {'a', 'A'},          [KEY_S] = {'s', 'S'},
    [KEY_D] = {'d', 'D'},          [KEY_F] = {'f', 'F'},
    [KEY_G] = {'g', 'G'},          [KEY_H] = {'h', 'H'},
    [KEY_J] = {'j', 'J'},          [KEY_K] = {'k', 'K'},
    [KEY_L] = {'l', 'L'},          [KEY_SEMICOLON] = {';', ':'},
    [KEY_APOSTROPHE] = {'\'', '"'}, [KEY_GRAVE] = {'`', '~'},
    [KEY_BACKSLASH] = {'\\', '|'}, [KEY_Z] = {'z', 'Z'},
    [KEY_X] = {'x', 'X'},          [KEY_C] = {'c', 'C'},
    [KEY_V] = {'v', 'V'},          [KEY_B] = {'b', 'B'},
    [KEY_N] = {'n', 'N'},          [KEY_M] = {'m', 'M'},
    [KEY_COMMA] = {',', '<'},      [KEY_DOT] = {'.', '>'},
    [KEY_SLASH] = {'/', '?'},      [KEY_SPACE] = {' ', ' '},
    [KEY_KPASTERISK] = {'*', '*'}, [KEY_KP7] = {'7', '7'},
    [KEY_KP8] = {'8', '8'},        [KEY_KP9] = {'9', '9'},
    [KEY_KPMINUS] = {'-', '-'},    [KEY_KP4] = {'4', '4'},
    [KEY_KP5] = {'5', '5'},        [KEY_KP6] = {'6', '6'},
    [KEY_KPPLUS] = {'+', '+'},     [KEY_KP1] = {'1', '1'},
    [KEY_KP2] = {'2', '2'},        [KEY_KP3] = {'3', '3'},
    [KEY_KP0] = {'0', '0'},        [KEY_KPDOT] = {'.', '.'},
    [KEY_KPSLASH] = {'/', '/'},
};

struct scan_wedge_keys {
  int max_len;
  int64_t gap_us, last_us;
  int lshift, rshift;
  size_t n;       /* characters typed so far (may pass max_len) */
  char buf[SCAN_SOURCE_PAYLOAD_MAX];
};

int scan_wedge_keys_new(scan_wedge_keys **out, int max_len, int gap_ms,
                        char *msg) {
  scan_wedge_keys *k;
  if (!out || max_len < 1 || max_len >= SCAN_SOURCE_PAYLOAD_MAX || gap_ms < 1)
    return kerr_set(msg, KERR_INVALID, "wedge: max_len 1..%d, gap_ms >= 1",
                    SCAN_SOURCE_PAYLOAD_MAX - 1);
  k = calloc(1, sizeof *k);
  if (!k) return kerr_set(msg, KERR_NOMEM, "wedge: out of memory");
  k->max_len = max_len;
  k->gap_us = (int64_t)gap_ms * 1000;
  *out = k;
  return KERR_OK;
}

void scan_wedge_keys_free(scan_wedge_keys *k) { free(k); }

int scan_wedge_keys_feed(scan_wedge_keys *k, int type, int code, int value,
                         int64_t time_us, char *out, size_t cap, size_t *len,
                         char *msg) {
  size_t n;
  if (!k || !out || cap == 0) return 0;
  if (type != EV_KEY) return 0;
  if (code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT) {
    /* value 2 (autorepeat) keeps the key down. */
    if (code == KEY_LEFTSHIFT) k->lshift = value != 0;
    else k->rshift = value != 0;
    return 0;
  }
  if (value != 1) return 0; /* releases and autorepeat type nothing */
  if (k->n > 0 && time_us - k->last_us > k->gap_us) {
    klog_debug("scan_wedge", "pause of %lld ms: dropping %zu typed characters",
               (long long)((time_us - k->last_us) / 1000), k->n);
    k->n = 0;
  }
  k->last_us = time_us;
  if (code == KEY_ENTER || code == KEY_KPENTER) {
    n = k->n;
    k->n = 0;
    if (n == 0) return 0;
    if (n > (size_t)k->max_len)
      return kerr_set(msg, KERR_INVALID,
                      "wedge: code longer than %d characters",
                      k->max_len);
    if (n >= cap) n = cap - 1;
    memcpy(out, k->buf, n);
    out[n] = '\0';
    if (len) *len = n;
    return 1;
  }
  if (code < 0 || code > KEY_KPSLASH || !keymap[code][0]) return 0;
  if (k->n < (size_t)k->max_len)
    k->buf[k->n] = keymap[code][(k->lshift || k->rshift) ? 1 : 0];
  if (k->n <= (size_t)k->max_len) k->n++; /* max_len + 1 means too long */
  return 0;
}

typedef struct {
  char path[SCAN_SOURCE_URI_MAX];
  int fd, grabbed;
  scan_wedge_keys *keys;
  unsigned char buf[64 * sizeof(struct input_event)];
  size_t have; /* bytes in buf; whole records are consumed from the front */
  char code[SCAN_SOURCE_PAYLOAD_MAX];
} wedge_src;

static void wedge_close(void *state) {
  wedge_src *s = state;
  if (!s) return;
  if (s->fd >= 0) {
    if (s->grabbed) ioctl(s->fd, EVIOCGRAB, 0);
    close(s->fd);
  }
  scan_wedge_keys_free(s->keys);
  free(s);
}

static int wedge_open(void **state, const char *arg,
                      const scan_source_opts *opts, char *msg) {
  scan_source_opts o = scan_source_opts_resolve(opts);
  wedge_src *s = calloc(1, sizeof *s);
  int rc;
  if (!s) return kerr_set(msg, KERR_NOMEM, "wedge: out of memory");
  snprintf(s->path, sizeof s->path, "%s", arg);
  rc = scan_wedge_keys_new(&s->keys, o.wedge_max_len, o.wedge_key_gap_ms, msg);
  if (rc != KERR_OK) {
    free(s);
    return rc;
  }
  /* Non-blocking: opening a FIFO must not wait for a writer. */
  s->fd = open(arg, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (s->fd < 0) {
    int e = errno;
    wedge_close(s);
    return kerr_set(msg,
                    e == ENOENT || e == ENODEV || e == ENXIO ? KERR_NOT_FOUND
                    : e == EACCES || e == EPERM            ? KERR_DENIED
                                                           : KERR_IO,
                    "%s: %s%s", arg, strerror(e),
                    e == EACCES ? " (add the kiosk user to group input)" : "");
  }
  if (ioctl(s->fd, EVIOCGRAB, 1) == 0) {
    s->grabbed = 1;
  } else if (errno == EBUSY) {
    klog_warn("scan_wedge", "%s: grabbed by another program; its keys also "
              "reach the focused window", arg);
  } else {
    klog_debug("scan_wedge", "%s: not an evdev node (%s), reading it anyway",
               arg, strerror(errno));
  }
  *state = s;
  return KERR_OK;
}

/* Decodes buffered whole records until a code completes. */
static int consume(wedge_src *s, scan_item *item, char *msg) {
  size_t off = 0;
  int rc = 0;
  while (rc == 0 && s->have - off >= sizeof(struct input_event)) {
    struct input_event ev;
    size_t len = 0;
    memcpy(&ev, s->buf + off, sizeof ev);
    off += sizeof ev;
    rc = scan_wedge_keys_feed(
        s->keys, ev.type, ev.code, ev.value,
        (int64_t)ev.input_event_sec * 1000000 + (int64_t)ev.input_event_usec,
        s->code, sizeof s->code, &len, msg);
    if (rc == 1) {
      item->kind = SCAN_ITEM_PAYLOAD;
      item->payload = s->code;
      item->len = len;
    } else if (rc < 0) {
      item->kind = SCAN_ITEM_REJECT;
      item->rc = rc;
    }
  }
  memmove(s->buf, s->buf + off, s->have - off);
  s->have -= off;
  return rc != 0;
}

static int wedge_next(void *state, int wake_fd, int timeout_ms,
                      scan_item *item, char *msg) {
  wedge_src *s = state;
  ssize_t n;
  int rc;
  memset(item, 0, sizeof *item);
  snprintf(item->name, sizeof item->name, "%s", s->path);
  if (consume(s, item, msg)) return KERR_OK;
  rc = scan_source_wait(s->fd, wake_fd, timeout_ms, NULL);
  if (rc < 0)
    return kerr_set(msg, KERR_IO, "%s: poll: %s", s->path, strerror(-rc));
  if (rc == 0) return KERR_OK;
  n = read(s->fd, s->buf + s->have, sizeof s->buf - s->have);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return KERR_OK;
    return kerr_set(msg, errno == ENODEV ? KERR_NOT_FOUND : KERR_IO,
                    "%s: %s", s->path,
                    errno == ENODEV ? "unplugged" : strerror(errno));
  }
  if (n == 0) return kerr_set(msg, KERR_NOT_FOUND, "%s: closed", s->path);
  s->have += (size_t)n;
  consume(s, item, msg);
  return KERR_OK;
}

const scan_source_ops scan_wedge_ops = {"wedge", 0, wedge_open, wedge_next,
                                        wedge_close};
