/* file:PATH transport: demo mode and tests. The raster is rebuilt from the
 * stream itself (not from the layout) so the PNG shows exactly what a
 * printer would have received. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prn_bitmap.h"
#include "prn_transport.h"

typedef struct {
  FILE *f;
  char path[1024], png[1100];
  uint8_t *all;
  size_t len, cap;
} file_state;

static int file_open(const prn_uri *u, const prn_opts *o, void **state, char *msg) {
  (void)o;
  file_state *s = calloc(1, sizeof *s);
  if (!s)
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  snprintf(s->path, sizeof s->path, "%s", u->path);
  snprintf(s->png, sizeof s->png, "%s.png", u->path);
  s->f = fopen(s->path, "wb");
  if (!s->f) {
    int e = errno;
    free(s);
    return kerr_set(msg, e == EACCES ? KERR_DENIED : KERR_IO, "open %s: %s", u->path,
                    strerror(e));
  }
  remove(s->png); /* a PNG from an earlier run must not pass for this one */
  *state = s;
  return KERR_OK;
}

static int file_write(void *state, const uint8_t *b, size_t n, char *msg) {
  file_state *s = state;
  if (fwrite(b, 1, n, s->f) != n || fflush(s->f) != 0)
    return kerr_set(msg, KERR_IO, "write %s: %s", s->path, strerror(errno));
  if (n > s->cap - s->len) {
    size_t cap = s->cap ? s->cap : 65536;
    while (cap - s->len < n)
      cap *= 2;
    uint8_t *na = realloc(s->all, cap);
    if (!na)
      return kerr_set(msg, KERR_NOMEM, "out of memory");
    s->all = na;
    s->cap = cap;
  }
  memcpy(s->all + s->len, b, n);
  s->len += n;
  uint8_t *bits = NULL;
  int w = 0, h = 0, stride = 0;
  int rc = prn_escpos_extract_raster(s->all, s->len, &bits, &w, &h, &stride);
  if (rc)
    return kerr_set(msg, rc, "%s: raster bands do not stack (%s)", s->path, kerr_str(rc));
  if (h > 0)
    rc = prn_bitmap_save_png(bits, w, h, stride, s->png, msg);
  free(bits);
  return rc;
}

static int file_status(void *state, int n, uint8_t *answer, char *msg) {
  (void)state;
  (void)n;
  (void)answer;
  return kerr_set(msg, KERR_UNSUPPORTED, "a file has no printer status");
}

static void file_close(void *state) {
  file_state *s = state;
  if (!s)
    return;
  fclose(s->f);
  free(s->all);
  free(s);
}

const prn_transport_ops prn_file_ops = {"file", file_open, file_write, file_status,
                                        file_close};
