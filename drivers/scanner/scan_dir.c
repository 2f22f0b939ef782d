#include "scan_dir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kerr.h"
#include "klog.h"

#define QUEUE_MAX 256

typedef struct {
  char path[SCAN_SOURCE_URI_MAX];
  int ifd, wd;
  char *queue[QUEUE_MAX]; /* names waiting to be read, oldest first */
  int head, count;
  uint8_t *grey;
} dir_src;

static int wanted(const char *name) {
  static const char *const exts[] = {".png", ".pgm", ".jpg", ".jpeg"};
  size_t n = strlen(name), i;
  if (n == 0 || name[0] == '.') return 0;
  for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
    size_t e = strlen(exts[i]);
    if (n > e && strcasecmp(name + n - e, exts[i]) == 0) return 1;
  }
  return 0;
}

static void push(dir_src *s, const char *name) {
  char *copy;
  int i;
  for (i = 0; i < s->count; i++) /* written twice before we got to it */
    if (strcmp(s->queue[(s->head + i) % QUEUE_MAX], name) == 0) return;
  if (s->count == QUEUE_MAX) {
    klog_warn("scan_dir", "%s: more than %d files waiting, %s left for later",
              s->path, QUEUE_MAX, name);
    return;
  }
  copy = strdup(name);
  if (!copy) return;
  s->queue[(s->head + s->count++) % QUEUE_MAX] = copy;
}

static char *pop(dir_src *s) {
  char *name;
  if (s->count == 0) return NULL;
  name = s->queue[s->head];
  s->head = (s->head + 1) % QUEUE_MAX;
  s->count--;
  return name;
}

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

static int keep(const struct dirent *d) { return wanted(d->d_name); }

/* Queues what is in the folder now: at open, and after the kernel dropped
 * events (inotify queue overflow). */
static void rescan(dir_src *s) {
  struct dirent **list = NULL;
  int n = scandir(s->path, &list, keep, by_name), i;
  if (n < 0) {
    klog_warn("scan_dir", "%s: %s", s->path, strerror(errno));
    return;
  }
  for (i = 0; i < n; i++) {
    push(s, list[i]->d_name);
    free(list[i]);
  }
  free(list);
}

static void dir_close(void *state) {
  dir_src *s = state;
  char *name;
  if (!s) return;
  while ((name = pop(s)) != NULL) free(name);
  if (s->ifd >= 0) close(s->ifd);
  free(s->grey);
  free(s);
}

static int dir_open(void **state, const char *arg,
                    const scan_source_opts *opts, char *msg) {
  dir_src *s;
  struct stat st;
  (void)opts;
  if (stat(arg, &st) != 0)
    return kerr_set(msg, errno == ENOENT ? KERR_NOT_FOUND : KERR_IO, "%s: %s",
                    arg, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return kerr_set(msg, KERR_CONFIG, "%s: not a folder", arg);
  s = calloc(1, sizeof *s);
  if (!s) return kerr_set(msg, KERR_NOMEM, "dir source: out of memory");
  snprintf(s->path, sizeof s->path, "%s", arg);
  s->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (s->ifd < 0) {
    int e = errno;
    dir_close(s);
    return kerr_set(msg, KERR_IO, "inotify_init1: %s", strerror(e));
  }
  s->wd = inotify_add_watch(s->ifd, s->path,
                            IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF |
                                IN_MOVE_SELF | IN_ONLYDIR);
  if (s->wd < 0) {
    int e = errno;
    dir_close(s);
    return kerr_set(msg, e == ENOENT ? KERR_NOT_FOUND : KERR_IO,
                    "inotify_add_watch %s: %s", arg, strerror(e));
  }
  /* Watch first, then list: a file written in between is seen twice at
   * worst (push() drops the repeat), never missed. */
  rescan(s);
  *state = s;
  return KERR_OK;
}

/* Reads pending inotify events; returns a negative KERR_* when the folder
 * itself went away. */
static int drain(dir_src *s, char *msg) {
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t n = read(s->ifd, buf, sizeof buf);
    char *p;
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return KERR_OK;
      return kerr_set(msg, KERR_IO, "%s: inotify: %s", s->path,
                      strerror(errno));
    }
    for (p = buf; p < buf + n;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      if (ev->mask & IN_Q_OVERFLOW) rescan(s);
      if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
        return kerr_set(msg, KERR_NOT_FOUND, "%s: folder removed", s->path);
      if (ev->len && (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) &&
          wanted(ev->name))
        push(s, ev->name);
      p += sizeof *ev + ev->len;
    }
  }
}

static void mark(const dir_src *s, const char *name, const char *suffix) {
  char from[SCAN_SOURCE_URI_MAX + 256], to[SCAN_SOURCE_URI_MAX + 264];
  snprintf(from, sizeof from, "%s/%s", s->path, name);
  snprintf(to, sizeof to, "%s/%s%s", s->path, name, suffix);
  if (rename(from, to) != 0)
    klog_warn("scan_dir", "rename %s: %s", from, strerror(errno));
}

static int dir_next(void *state, int wake_fd, int timeout_ms, scan_item *item,
                    char *msg) {
  dir_src *s = state;
  char *name;
  int rc;
  memset(item, 0, sizeof *item);
  if (s->count == 0) {
    short rev = 0;
    rc = scan_source_wait(s->ifd, wake_fd, timeout_ms, &rev);
    if (rc < 0)
      return kerr_set(msg, KERR_IO, "%s: poll: %s", s->path, strerror(-rc));
    if (rc == 0) return KERR_OK;
    rc = drain(s, msg);
    if (rc < 0) return rc;
  }
  while ((name = pop(s)) != NULL) {
    char path[SCAN_SOURCE_URI_MAX + 256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", s->path, name);
    snprintf(item->name, sizeof item->name, "%s", name);
    /* Already read and renamed (an event for a file we had listed). */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(name);
      continue;
    }
    rc = scan_source_load_image(path, &s->grey, item, msg);
    mark(s, name, rc == KERR_OK ? ".done" : ".bad");
    free(name);
    return KERR_OK;
  }
  return KERR_OK;
}

const scan_source_ops scan_dir_ops = {"dir", 0, dir_open, dir_next,
                                      dir_close};
