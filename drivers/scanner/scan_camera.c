#include "scan_camera.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zbar.h>

#include "kerr.h"
#include "klog.h"

typedef struct {
  char path[SCAN_SOURCE_URI_MAX];
  zbar_video_t *vdo;
  int fd;
  uint8_t *grey;
  size_t cap;
} cam_src;

/* zbar's messages span lines; a log line and an admin screen want one. */
static int one_line(char *msg, int rc) {
  char *p, *q;
  if (!msg) return rc;
  for (p = q = msg; *p; p++) {
    char c = (*p == '\n' || *p == '\t') ? ' ' : *p;
    if (c == ' ' && (q == msg || q[-1] == ' ')) continue;
    *q++ = c;
  }
  while (q > msg && q[-1] == ' ') q--;
  *q = '\0';
  return rc;
}

static void cam_close(void *state) {
  cam_src *s = state;
  if (!s) return;
  if (s->vdo) {
    zbar_video_enable(s->vdo, 0);
    zbar_video_destroy(s->vdo);
  }
  free(s->grey);
  free(s);
}

static int cam_open(void **state, const char *arg, const scan_source_opts *opts,
                    char *msg) {
  scan_source_opts o = scan_source_opts_resolve(opts);
  cam_src *s;
  if (access(arg, F_OK) != 0)
    return kerr_set(msg, errno == ENOENT ? KERR_NOT_FOUND : KERR_IO,
                    "%s: %s", arg, strerror(errno));
  s = calloc(1, sizeof *s);
  if (!s) return kerr_set(msg, KERR_NOMEM, "camera: out of memory");
  snprintf(s->path, sizeof s->path, "%s", arg);
  s->vdo = zbar_video_create();
  if (!s->vdo) {
    cam_close(s);
    return kerr_set(msg, KERR_NOMEM, "zbar_video_create failed");
  }
  zbar_video_request_size(s->vdo, (unsigned)o.camera_w, (unsigned)o.camera_h);
  if (zbar_video_open(s->vdo, arg) != 0) {
    kerr_set(msg, KERR_DEVICE, "%s: %s", arg,
             zbar_video_error_string(s->vdo, 0));
    cam_close(s);
    return one_line(msg, KERR_DEVICE);
  }
  /* GREY is what we decode; YUYV is what most UVC webcams offer, and its
   * luma is every other byte. */
  if (zbar_video_init(s->vdo, zbar_fourcc('G', 'R', 'E', 'Y')) != 0 &&
      zbar_video_init(s->vdo, zbar_fourcc('Y', 'U', 'Y', 'V')) != 0) {
    kerr_set(msg, KERR_UNSUPPORTED, "%s: neither GREY nor YUYV: %s", arg,
             zbar_video_error_string(s->vdo, 0));
    cam_close(s);
    return one_line(msg, KERR_UNSUPPORTED);
  }
  s->fd = zbar_video_get_fd(s->vdo);
  if (s->fd < 0 || zbar_video_enable(s->vdo, 1) != 0) {
    kerr_set(msg, KERR_DEVICE, "%s: cannot start capture: %s", arg,
             zbar_video_error_string(s->vdo, 0));
    cam_close(s);
    return one_line(msg, KERR_DEVICE);
  }
  klog_info("scan_camera", "%s: %dx%d", arg, zbar_video_get_width(s->vdo),
            zbar_video_get_height(s->vdo));
  *state = s;
  return KERR_OK;
}

/* Copies the frame's luma out so the capture buffer goes back at once. */
static int to_grey(cam_src *s, const zbar_image_t *img, scan_item *item) {
  unsigned long fmt = zbar_image_get_format(img);
  int w = (int)zbar_image_get_width(img), h = (int)zbar_image_get_height(img);
  const uint8_t *src = zbar_image_get_data(img);
  size_t n = (size_t)w * (size_t)h, i;
  if (w <= 0 || h <= 0 || !src) return -1;
  if (s->cap < n) {
    uint8_t *p = realloc(s->grey, n);
    if (!p) return -1;
    s->grey = p;
    s->cap = n;
  }
  if (fmt == zbar_fourcc('Y', 'U', 'Y', 'V')) {
    if (zbar_image_get_data_length(img) < 2 * n) return -1;
    for (i = 0; i < n; i++) s->grey[i] = src[2 * i];
  } else {
    if (zbar_image_get_data_length(img) < n) return -1;
    memcpy(s->grey, src, n);
  }
  item->kind = SCAN_ITEM_FRAME;
  item->grey = s->grey;
  item->w = w;
  item->h = h;
  item->stride = w;
  return 0;
}

static int cam_next(void *state, int wake_fd, int timeout_ms, scan_item *item,
                    char *msg) {
  cam_src *s = state;
  zbar_image_t *img;
  short rev = 0;
  int rc;
  memset(item, 0, sizeof *item);
  snprintf(item->name, sizeof item->name, "%s", s->path);
  /* zbar_video_next_image() blocks until a frame comes; polling first
   * keeps stop prompt and turns an unplugged camera into an error. */
  rc = scan_source_wait(s->fd, wake_fd, timeout_ms, &rev);
  if (rc < 0)
    return kerr_set(msg, KERR_IO, "%s: poll: %s", s->path, strerror(-rc));
  if (rc == 0) return KERR_OK;
  if (rev & (POLLERR | POLLHUP | POLLNVAL))
    return kerr_set(msg, KERR_NOT_FOUND, "%s: unplugged", s->path);
  img = zbar_video_next_image(s->vdo);
  if (!img)
    return one_line(msg, kerr_set(msg, KERR_DEVICE, "%s: %s", s->path,
                                  zbar_video_error_string(s->vdo, 0)));
  rc = to_grey(s, img, item);
  zbar_image_destroy(img);
  if (rc != 0) {
    memset(item, 0, sizeof *item);
    item->kind = SCAN_ITEM_REJECT;
    item->rc = KERR_DEVICE;
    snprintf(item->name, sizeof item->name, "%s", s->path);
    kerr_set(msg, KERR_DEVICE, "%s: short or empty frame", s->path);
  }
  return KERR_OK;
}

const scan_source_ops scan_camera_ops = {"camera", 1, cam_open, cam_next,
                                         cam_close};
