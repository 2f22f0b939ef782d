#include "scan_source.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "kerr.h"
#include "scan_img.h"
#include "scan_camera.h"
#include "scan_dir.h"
#include "scan_image.h"
#include "scan_wedge.h"

#define DEFAULT_CAMERA "/dev/video0"

static const scan_source_ops *const all_ops[] = {
    &scan_camera_ops, &scan_wedge_ops, &scan_dir_ops, &scan_image_ops};

int scan_source_parse(const char *uri, const scan_source_ops **ops, char *arg,
                      size_t argcap, char *msg) {
  const char *colon, *rest;
  size_t slen, alen, i;

  if (!uri || !ops || !arg || argcap == 0)
    return kerr_set(msg, KERR_INVALID, "scan_source: NULL argument");
  colon = strchr(uri, ':');
  slen = colon ? (size_t)(colon - uri) : strlen(uri);
  rest = colon ? colon + 1 : "";
  for (i = 0; i < sizeof all_ops / sizeof all_ops[0]; i++) {
    if (strlen(all_ops[i]->scheme) != slen ||
        strncmp(all_ops[i]->scheme, uri, slen) != 0)
      continue;
    if (!*rest && strcmp(all_ops[i]->scheme, "camera") == 0)
      rest = DEFAULT_CAMERA;
    alen = strlen(rest);
    if (alen == 0)
      return kerr_set(msg, KERR_CONFIG,
                      "scanner source '%s': %s needs a path (%s:PATH)", uri,
                      all_ops[i]->scheme, all_ops[i]->scheme);
    if (alen >= argcap)
      return kerr_set(msg, KERR_CONFIG, "scanner source: path too long");
    memcpy(arg, rest, alen + 1);
    *ops = all_ops[i];
    return KERR_OK;
  }
  return kerr_set(msg, KERR_CONFIG,
                  "scanner source '%.200s': expected camera:DEV, "
                  "wedge:/dev/input/by-id/...-event-kbd, dir:PATH or "
                  "image:FILE",
                  uri);
}

scan_source_opts scan_source_opts_resolve(const scan_source_opts *opts) {
  scan_source_opts o = {0};
  if (opts) o = *opts;
  if (o.camera_w <= 0 || o.camera_h <= 0) {
    o.camera_w = 1280;
    o.camera_h = 720;
  }
  if (o.wedge_max_len <= 0 || o.wedge_max_len >= SCAN_SOURCE_PAYLOAD_MAX)
    o.wedge_max_len = 512;
  if (o.wedge_key_gap_ms <= 0) o.wedge_key_gap_ms = 500;
  return o;
}

int scan_source_wait(int fd, int wake_fd, int timeout_ms, short *revents) {
  struct pollfd p[2];
  int n = 0, rc;
  if (revents) *revents = 0;
  if (fd >= 0) {
    p[n].fd = fd;
    p[n].events = POLLIN;
    p[n++].revents = 0;
  }
  if (wake_fd >= 0) {
    p[n].fd = wake_fd;
    p[n].events = POLLIN;
    p[n++].revents = 0;
  }
  do rc = poll(p, (nfds_t)n, timeout_ms);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) return -errno;
  /* A stop request wins over pending input: stop must be prompt. */
  if (wake_fd >= 0 && p[n - 1].revents) return 0;
  if (fd >= 0 && p[0].revents) {
    if (revents) *revents = p[0].revents;
    return 1;
  }
  return 0;
}

int scan_source_load_image(const char *path, uint8_t **grey, scan_item *item,
                           char *msg) {
  kerr_msg why = "";
  int rc;
  free(*grey);
  *grey = NULL;
  rc = scan_img_load_grey(path, grey, &item->w, &item->h, why);
  if (rc != KERR_OK) {
    item->kind = SCAN_ITEM_REJECT;
    item->rc = rc;
    kerr_set(msg, rc, "%s", why);
    return rc;
  }
  item->kind = SCAN_ITEM_FRAME;
  item->grey = *grey;
  item->stride = item->w;
  return KERR_OK;
}
