#include "scan_thread.h"

#include <SDL.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kerr.h"
#include "klog.h"
#include "scan_dedupe.h"
#include "scan_zbar.h"

#define DEFAULT_RETRY_MS 3000
/* How long a source waits before the loop looks at the stop flag again; the
 * stop pipe normally wakes it long before. */
#define NEXT_TIMEOUT_MS 1000
#define PREVIEW_CAP (SCAN_PREVIEW_MAX * SCAN_PREVIEW_MAX)

struct scan_thread {
  const scan_source_ops *ops;
  char arg[SCAN_SOURCE_URI_MAX];
  scan_thread_opts opts;
  scan_thread_fn on_event;
  void *ctx;
  pthread_t thread;
  int wake[2]; /* stop pipe: read end watched by every wait */
  atomic_int stopping; /* set before the pipe is written */

  pthread_mutex_t lock; /* guards the preview fields below */
  uint8_t preview[PREVIEW_CAP];
  int pw, ph;
  uint64_t pseq;

  /* Scanner thread only. */
  uint8_t scratch[PREVIEW_CAP];
  char payload[SCAN_SOURCE_PAYLOAD_MAX];
  int have_state;
  scan_state state;
};

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void scan_thread_downscale(const uint8_t *src, int w, int h, int stride,
                           int max, uint8_t *dst, int *dw, int *dh) {
  int k = 1, x, y, ow, oh;
  while ((w + k - 1) / k > max || (h + k - 1) / k > max) k++;
  ow = w / k;
  oh = h / k;
  if (ow < 1) ow = 1;
  if (oh < 1) oh = 1;
  for (y = 0; y < oh; y++) {
    for (x = 0; x < ow; x++) {
      unsigned sum = 0, n = 0;
      int yy, xx;
      for (yy = y * k; yy < y * k + k && yy < h; yy++)
        for (xx = x * k; xx < x * k + k && xx < w; xx++, n++)
          sum += src[(size_t)yy * (size_t)stride + (size_t)xx];
      dst[(size_t)y * (size_t)ow + (size_t)x] =
          (uint8_t)(n ? (sum + n / 2) / n : 0);
    }
  }
  *dw = ow;
  *dh = oh;
}

int scan_thread_preview(scan_thread *t, uint8_t *dst, size_t cap, int *w,
                        int *h, uint64_t *seq) {
  int rc = 0;
  if (!t || !dst || !w || !h || !seq) return KERR_INVALID;
  pthread_mutex_lock(&t->lock);
  if (t->pseq != 0 && t->pseq != *seq) {
    size_t n = (size_t)t->pw * (size_t)t->ph;
    if (cap < n) {
      rc = KERR_INVALID;
    } else {
      memcpy(dst, t->preview, n);
      *w = t->pw;
      *h = t->ph;
      *seq = t->pseq;
      rc = 1;
    }
  }
  pthread_mutex_unlock(&t->lock);
  return rc;
}

static void publish_preview(scan_thread *t, const scan_item *it) {
  int w, h;
  scan_thread_downscale(it->grey, it->w, it->h, it->stride, SCAN_PREVIEW_MAX,
                        t->scratch, &w, &h);
  pthread_mutex_lock(&t->lock);
  memcpy(t->preview, t->scratch, (size_t)w * (size_t)h);
  t->pw = w;
  t->ph = h;
  t->pseq++;
  pthread_mutex_unlock(&t->lock);
}

static void emit_state(scan_thread *t, scan_state st, int rc, const char *msg) {
  scan_event ev = {0};
  if (t->have_state && t->state == st) return;
  /* Lost and still not back is one condition for the admin, not two. */
  if (t->have_state && t->state == SCAN_STATE_UNPLUGGED &&
      st == SCAN_STATE_ABSENT)
    return;
  t->have_state = 1;
  t->state = st;
  if (st == SCAN_STATE_OK)
    klog_info("scan", "%s:%s ready", t->ops->scheme, t->arg);
  else
    klog_warn("scan", "%s:%s %s: %s", t->ops->scheme, t->arg,
              st == SCAN_STATE_ABSENT ? "absent" : "unplugged", msg);
  ev.kind = SCAN_EVENT_STATE;
  ev.scheme = t->ops->scheme;
  ev.state = st;
  ev.rc = rc;
  ev.msg = msg;
  t->on_event(t->ctx, &ev);
}

static void emit_reject(scan_thread *t, const char *name, int rc,
                        const char *msg) {
  scan_event ev = {0};
  klog_warn("scan", "%s: %s (%s)", name, msg, kerr_str(rc));
  ev.kind = SCAN_EVENT_REJECT;
  ev.scheme = t->ops->scheme;
  ev.rc = rc;
  ev.msg = msg;
  t->on_event(t->ctx, &ev);
}

static void deliver(scan_thread *t, scan_dedupe *dd, const char *name,
                    const char *payload, size_t len) {
  scan_event ev = {0};
  if (len >= sizeof t->payload) {
    kerr_msg m;
    kerr_set(m, KERR_INVALID, "code of %zu bytes, longer than %zu", len,
             sizeof t->payload - 1);
    emit_reject(t, name, KERR_INVALID, m);
    return;
  }
  if (dd && !scan_dedupe_fresh(dd, payload, len, now_ms())) {
    klog_debug("scan", "%s: same code again, not a new scan", name);
    return;
  }
  klog_info("scan", "%s: code of %zu bytes", name, len);
  ev.kind = SCAN_EVENT_PAYLOAD;
  ev.scheme = t->ops->scheme;
  ev.payload = payload;
  ev.len = len;
  t->on_event(t->ctx, &ev);
}

static void on_frame(scan_thread *t, scan_zbar *dec, scan_dedupe *dd,
                     const scan_item *it) {
  kerr_msg msg = "";
  size_t len = 0;
  int rc;
  if (t->ops->live || t->opts.preview_files) publish_preview(t, it);
  rc = scan_zbar_decode(dec, it->grey, it->w, it->h, it->stride, t->payload,
                        sizeof t->payload, &len, msg);
  if (rc < 0)
    emit_reject(t, it->name, rc, msg);
  else if (rc > 0)
    deliver(t, dd, it->name, t->payload, len);
  else if (!t->ops->live) /* a camera sees no code most of the day */
    klog_info("scan", "%s: no code found", it->name);
}

/* Sleeps ms or until stop; returns 1 when stopping. */
static int pause_ms(scan_thread *t, int ms) {
  scan_source_wait(-1, t->wake[0], ms, NULL);
  return t->stopping;
}

static void *loop(void *arg) {
  scan_thread *t = arg;
  scan_zbar *dec = NULL;
  scan_dedupe *dd = NULL;
  void *src = NULL;
  int ended = 0;
  kerr_msg msg = "";

  if (scan_zbar_new(&dec, msg) != KERR_OK ||
      (t->opts.dedupe_ms >= 0 &&
       scan_dedupe_new(&dd, t->opts.dedupe_ms, msg) != KERR_OK)) {
    emit_state(t, SCAN_STATE_ABSENT, KERR_NOMEM, msg);
    while (!pause_ms(t, -1)) {}
    scan_zbar_free(dec);
    SDL_TLSCleanup();
    return NULL;
  }
  while (!t->stopping) {
    scan_item it;
    int rc;
    if (ended) {
      pause_ms(t, -1);
      continue;
    }
    if (!src) {
      msg[0] = '\0';
      rc = t->ops->open(&src, t->arg, &t->opts.source, msg);
      if (rc != KERR_OK) {
        src = NULL;
        emit_state(t, SCAN_STATE_ABSENT, rc, msg);
        pause_ms(t, t->opts.retry_ms);
        continue;
      }
      emit_state(t, SCAN_STATE_OK, KERR_OK, "ready");
    }
    msg[0] = '\0';
    rc = t->ops->next(src, t->wake[0], NEXT_TIMEOUT_MS, &it, msg);
    if (rc < 0) {
      t->ops->close(src);
      src = NULL;
      emit_state(t, SCAN_STATE_UNPLUGGED, rc, msg);
      pause_ms(t, t->opts.retry_ms);
      continue;
    }
    switch (it.kind) {
    case SCAN_ITEM_FRAME: on_frame(t, dec, dd, &it); break;
    case SCAN_ITEM_PAYLOAD: deliver(t, dd, it.name, it.payload, it.len); break;
    case SCAN_ITEM_REJECT: emit_reject(t, it.name, it.rc, msg); break;
    case SCAN_ITEM_END: ended = 1; break;
    case SCAN_ITEM_NONE: break;
    }
  }
  if (src) t->ops->close(src);
  scan_dedupe_free(dd);
  scan_zbar_free(dec);
  /* SDL_image reports a bad file through SDL_SetError, which keeps a
   * per-thread buffer that SDL frees only for threads SDL created. */
  SDL_TLSCleanup();
  return NULL;
}

int scan_thread_start(const char *uri, scan_thread_fn on_event, void *ctx,
                      const scan_thread_opts *opts, scan_thread **out,
                      char *msg) {
  scan_thread *t;
  int rc;
  if (!uri || !on_event || !out)
    return kerr_set(msg, KERR_INVALID, "scan_thread: NULL argument");
  t = calloc(1, sizeof *t);
  if (!t) return kerr_set(msg, KERR_NOMEM, "scan_thread: out of memory");
  rc = scan_source_parse(uri, &t->ops, t->arg, sizeof t->arg, msg);
  if (rc != KERR_OK) {
    free(t);
    return rc;
  }
  if (opts) t->opts = *opts;
  t->opts.source = scan_source_opts_resolve(&t->opts.source);
  if (t->opts.dedupe_ms == 0) t->opts.dedupe_ms = SCAN_DEDUPE_WINDOW_MS;
  if (t->opts.retry_ms <= 0) t->opts.retry_ms = DEFAULT_RETRY_MS;
  t->on_event = on_event;
  t->ctx = ctx;
  if (pipe(t->wake) != 0) {
    rc = kerr_set(msg, KERR_IO, "scan_thread: pipe: %s", strerror(errno));
    free(t);
    return rc;
  }
  fcntl(t->wake[0], F_SETFD, FD_CLOEXEC);
  fcntl(t->wake[1], F_SETFD, FD_CLOEXEC);
  atomic_init(&t->stopping, 0);
  pthread_mutex_init(&t->lock, NULL);
  rc = pthread_create(&t->thread, NULL, loop, t);
  if (rc != 0) {
    close(t->wake[0]);
    close(t->wake[1]);
    pthread_mutex_destroy(&t->lock);
    free(t);
    return kerr_set(msg, KERR_NOMEM, "scan_thread: pthread_create: %s",
                    strerror(rc));
  }
  *out = t;
  return KERR_OK;
}

void scan_thread_stop(scan_thread *t) {
  ssize_t n;
  if (!t) return;
  atomic_store(&t->stopping, 1);
  do n = write(t->wake[1], "x", 1);
  while (n < 0 && errno == EINTR);
  pthread_join(t->thread, NULL);
  close(t->wake[0]);
  close(t->wake[1]);
  pthread_mutex_destroy(&t->lock);
  free(t);
}
