#include "storage.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define PROBE_FILE ".storage-probe"

struct storage {
  char dir[512];
  uint64_t period_ms;
  void (*changed)(void *ctx);
  void *ctx;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stop, kick;
  storage_fault fault;
  int err;
  kerr_msg detail;
  unsigned gen;
};

storage_fault storage_classify(int err) {
  switch (err) {
  case 0: return STORAGE_OK;
  case ENOSPC:
  case EDQUOT: return STORAGE_FULL;
  case EROFS:
  case EACCES:
  case EPERM: return STORAGE_READONLY;
  default: return STORAGE_IOERR;
  }
}

const char *storage_cause_msgid(storage_fault f) {
  switch (f) {
  case STORAGE_OK: return "storage.cause.ok";
  case STORAGE_FULL: return "storage.cause.full";
  case STORAGE_READONLY: return "storage.cause.readonly";
  case STORAGE_IOERR: break;
  }
  return "storage.cause.io";
}

const char *storage_fault_name(storage_fault f) {
  switch (f) {
  case STORAGE_OK: return "ok";
  case STORAGE_FULL: return "disk full";
  case STORAGE_READONLY: return "read-only";
  case STORAGE_IOERR: break;
  }
  return "I/O error";
}

const char *storage_errno_name(int err) {
  switch (err) {
  case 0: return "no error";
  case ENOSPC: return "ENOSPC";
  case EDQUOT: return "EDQUOT";
  case EROFS: return "EROFS";
  case EACCES: return "EACCES";
  case EPERM: return "EPERM";
  case EIO: return "EIO";
  case ENOENT: return "ENOENT";
  default: return "errno";
  }
}

static storage_fault fail(int e, char *msg, const char *step, const char *dir) {
  kerr_set(msg, KERR_IO, "%s in %s: %s", step, dir, strerror(e));
  return storage_classify(e);
}

/* Writes STORAGE_RESERVE bytes, syncs and removes them: can a queue write
 * land here now? */
static storage_fault write_probe(const char *dir, int *err, char *msg) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", dir, PROBE_FILE);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(*err = errno, msg, "create probe file", dir);
  static const char block[4096];
  int e = 0;
  for (size_t done = 0; done < STORAGE_RESERVE && !e; done += sizeof block)
    if (write(fd, block, sizeof block) != (ssize_t)sizeof block) e = errno ? errno : ENOSPC;
  if (!e && fdatasync(fd) != 0) e = errno;
  if (close(fd) != 0 && !e) e = errno;
  unlink(path); /* gives the space back whatever happened */
  if (e) return fail(*err = e, msg, "write probe", dir);
  return STORAGE_OK;
}

storage_fault storage_probe(const char *dir, int *err, char *msg) {
  struct statvfs vs;
  *err = 0;
  msg[0] = '\0';
  if (statvfs(dir, &vs) != 0) return fail(*err = errno, msg, "statvfs", dir);
  if (vs.f_flag & ST_RDONLY) return fail(*err = EROFS, msg, "file system", dir);
  if ((uint64_t)vs.f_bavail * vs.f_frsize < STORAGE_RESERVE)
    return fail(*err = ENOSPC, msg, "free space", dir);
  if (access(dir, W_OK) != 0) return fail(*err = errno, msg, "access", dir);
  return write_probe(dir, err, msg);
}

/* The healthy path checks without writing; see storage.h. */
static storage_fault probe_light(const char *dir, int *err, char *msg) {
  struct statvfs vs;
  *err = 0;
  msg[0] = '\0';
  if (statvfs(dir, &vs) != 0) return fail(*err = errno, msg, "statvfs", dir);
  if (vs.f_flag & ST_RDONLY) return fail(*err = EROFS, msg, "file system", dir);
  if ((uint64_t)vs.f_bavail * vs.f_frsize < STORAGE_RESERVE)
    return fail(*err = ENOSPC, msg, "free space", dir);
  return STORAGE_OK;
}

static void deadline(struct timespec *ts, uint64_t ms) {
  clock_gettime(CLOCK_MONOTONIC, ts);
  ts->tv_sec += (time_t)(ms / 1000);
  ts->tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

static void *run(void *arg) {
  storage *s = arg;
  int first = 1;
  pthread_mutex_lock(&s->mu);
  while (!s->stop) {
    int full = first || s->kick || s->fault != STORAGE_OK;
    int verdict = first; /* the first probe is news even when all is well */
    s->kick = 0;
    first = 0;
    pthread_mutex_unlock(&s->mu);
    int err = 0;
    kerr_msg detail = "";
    storage_fault f = full ? storage_probe(s->dir, &err, detail)
                           : probe_light(s->dir, &err, detail);
    pthread_mutex_lock(&s->mu);
    int change = verdict || f != s->fault || err != s->err;
    if (change) {
      s->fault = f;
      s->err = err;
      snprintf(s->detail, sizeof s->detail, "%s", detail);
      s->gen++;
    }
    if (change && s->changed) {
      pthread_mutex_unlock(&s->mu);
      s->changed(s->ctx);
      pthread_mutex_lock(&s->mu);
    }
    struct timespec ts;
    deadline(&ts, s->period_ms);
    while (!s->stop && !s->kick)
      if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) == ETIMEDOUT) break;
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

int storage_start(const char *dir, uint64_t period_ms, void (*changed)(void *ctx),
                  void *ctx, storage **out, char *msg) {
  *out = NULL;
  storage *s = calloc(1, sizeof *s);
  if (!s) return kerr_set(msg, KERR_NOMEM, "out of memory");
  snprintf(s->dir, sizeof s->dir, "%s", dir);
  s->period_ms = period_ms ? period_ms : 1000;
  s->changed = changed;
  s->ctx = ctx;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->cv, &ca);
  pthread_condattr_destroy(&ca);
  int e = pthread_create(&s->th, NULL, run, s);
  if (e) {
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
    return kerr_set(msg, KERR_NOMEM, "storage watcher thread: %s", strerror(e));
  }
  *out = s;
  return KERR_OK;
}

void storage_stop(storage *s) {
  if (!s) return;
  pthread_mutex_lock(&s->mu);
  s->stop = 1;
  pthread_cond_signal(&s->cv);
  pthread_mutex_unlock(&s->mu);
  pthread_join(s->th, NULL);
  pthread_cond_destroy(&s->cv);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

void storage_kick(storage *s) {
  if (!s) return;
  pthread_mutex_lock(&s->mu);
  s->kick = 1;
  pthread_cond_signal(&s->cv);
  pthread_mutex_unlock(&s->mu);
}

storage_fault storage_get(storage *s, int *err, char *detail, size_t cap,
                          unsigned *gen) {
  if (!s) {
    if (err) *err = 0;
    if (detail && cap) detail[0] = '\0';
    if (gen) *gen = 0;
    return STORAGE_OK;
  }
  pthread_mutex_lock(&s->mu);
  storage_fault f = s->fault;
  if (err) *err = s->err;
  if (detail && cap) snprintf(detail, cap, "%s", s->detail);
  if (gen) *gen = s->gen;
  pthread_mutex_unlock(&s->mu);
  return f;
}
