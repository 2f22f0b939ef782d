#include "scan_image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kerr.h"

typedef struct {
  char path[SCAN_SOURCE_URI_MAX];
  uint8_t *grey;
  int done;
} image_src;

static int image_open(void **state, const char *arg,
                      const scan_source_opts *opts, char *msg) {
  image_src *s;
  struct stat st;
  (void)opts;
  if (stat(arg, &st) != 0)
    return kerr_set(msg, errno == ENOENT ? KERR_NOT_FOUND : KERR_IO, "%s: %s",
                    arg, strerror(errno));
  s = calloc(1, sizeof *s);
  if (!s) return kerr_set(msg, KERR_NOMEM, "image source: out of memory");
  snprintf(s->path, sizeof s->path, "%s", arg);
  *state = s;
  return KERR_OK;
}

static int image_next(void *state, int wake_fd, int timeout_ms,
                      scan_item *item, char *msg) {
  image_src *s = state;
  memset(item, 0, sizeof *item);
  snprintf(item->name, sizeof item->name, "%s", s->path);
  if (s->done) {
    /* Nothing more will come: sleep until woken so the thread does not
     * spin, and say END so it stops asking. */
    scan_source_wait(-1, wake_fd, timeout_ms, NULL);
    item->kind = SCAN_ITEM_END;
    return KERR_OK;
  }
  s->done = 1;
  scan_source_load_image(s->path, &s->grey, item, msg);
  return KERR_OK;
}

static void image_close(void *state) {
  image_src *s = state;
  if (!s) return;
  free(s->grey);
  free(s);
}

const scan_source_ops scan_image_ops = {"image", 0, image_open, image_next,
                                        image_close};
