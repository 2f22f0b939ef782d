#include "mcw.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "klog.h"
#include "mcache.h"

#define PUTS_MAX 8
#define SWEEP_S 3600

struct mcw {
  char dir[512];
  void (*wake)(void *ctx);
  void *ctx;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stop;
  struct {
    char *id, *json;
  } puts[PUTS_MAX];
  int nputs;
  int get_pending;
  unsigned get_gen;
  char get_id[128];
  int answered;
  unsigned ans_gen;
  char *ans_json;
  int64_t ans_seen;
};

static mcache *open_cache(mcw *w, mcache *mc) {
  if (mc) return mc;
  kerr_msg note = "", msg = "";
  if (mcache_open(w->dir, NULL, NULL, &mc, note, msg) != KERR_OK) {
    klog_error("mcache", "member cache off for now: %s", msg);
    return NULL;
  }
  if (note[0]) klog_warn("mcache", "%s", note);
  return mc;
}

static void *run(void *arg) {
  mcw *w = arg;
  mcache *mc = NULL;
  time_t swept = time(NULL);
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (!w->stop && !w->nputs && !w->get_pending) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += SWEEP_S;
      if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT) break;
    }
    if (w->stop) break;
    /* Take the jobs, do the disk work unlocked. */
    int n = w->nputs;
    struct { char *id, *json; } jobs[PUTS_MAX];
    memcpy(jobs, w->puts, sizeof jobs);
    w->nputs = 0;
    int get = w->get_pending;
    unsigned gen = w->get_gen;
    char id[128];
    snprintf(id, sizeof id, "%s", w->get_id);
    w->get_pending = 0;
    pthread_mutex_unlock(&w->mu);

    mc = open_cache(w, mc);
    kerr_msg msg = "";
    char *json = NULL;
    int64_t seen = 0;
    if (get && mc) {
      int rc = mcache_get(mc, id, &json, &seen, msg);
      if (rc != KERR_OK && rc != KERR_NOT_FOUND) klog_warn("mcache", "%s", msg);
    }
    for (int i = 0; i < n; i++) {
      if (mc && mcache_put(mc, jobs[i].id, jobs[i].json, msg) != KERR_OK)
        klog_warn("mcache", "%s", msg);
      free(jobs[i].id);
      free(jobs[i].json);
    }
    if (mc && time(NULL) - swept >= SWEEP_S) {
      int gone = 0;
      if (mcache_expire(mc, &gone, msg) != KERR_OK) klog_warn("mcache", "%s", msg);
      else if (gone) klog_info("mcache", "%d members not seen for 24 h removed", gone);
      swept = time(NULL);
    }
    pthread_mutex_lock(&w->mu);
    if (get) {
      free(w->ans_json);
      w->ans_json = json;
      w->ans_gen = gen;
      w->ans_seen = seen;
      w->answered = 1;
      pthread_mutex_unlock(&w->mu);
      w->wake(w->ctx);
      pthread_mutex_lock(&w->mu);
    }
  }
  pthread_mutex_unlock(&w->mu);
  mcache_close(mc);
  return NULL;
}

int mcw_start(const char *dir, void (*wake)(void *ctx), void *ctx, mcw **out,
              char *msg) {
  *out = NULL;
  mcw *w = calloc(1, sizeof *w);
  if (!w) return kerr_set(msg, KERR_NOMEM, "out of memory");
  snprintf(w->dir, sizeof w->dir, "%s", dir);
  w->wake = wake;
  w->ctx = ctx;
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->cv, NULL);
  int e = pthread_create(&w->th, NULL, run, w);
  if (e) {
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
    return kerr_set(msg, KERR_NOMEM, "member cache thread: %s", strerror(e));
  }
  *out = w;
  return KERR_OK;
}

void mcw_stop(mcw *w) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->stop = 1;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->th, NULL);
  for (int i = 0; i < w->nputs; i++) {
    free(w->puts[i].id);
    free(w->puts[i].json);
  }
  free(w->ans_json);
  pthread_cond_destroy(&w->cv);
  pthread_mutex_destroy(&w->mu);
  free(w);
}

void mcw_put(mcw *w, const char *member_id, const char *profile_json) {
  if (!w || !member_id || !profile_json) return;
  char *id = strdup(member_id), *json = strdup(profile_json);
  pthread_mutex_lock(&w->mu);
  if (!id || !json || w->nputs == PUTS_MAX) {
    pthread_mutex_unlock(&w->mu);
    klog_warn("mcache", "member cache busy: a profile was not cached");
    free(id);
    free(json);
    return;
  }
  w->puts[w->nputs].id = id;
  w->puts[w->nputs++].json = json;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

void mcw_get(mcw *w, unsigned gen, const char *member_id) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->get_pending = 1;
  w->get_gen = gen;
  snprintf(w->get_id, sizeof w->get_id, "%s", member_id);
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

int mcw_answer(mcw *w, unsigned *gen, char **profile_json, int64_t *seen_at) {
  if (!w) return 0;
  pthread_mutex_lock(&w->mu);
  int got = w->answered;
  if (got) {
    *gen = w->ans_gen;
    *profile_json = w->ans_json;
    *seen_at = w->ans_seen;
    w->ans_json = NULL;
    w->answered = 0;
  }
  pthread_mutex_unlock(&w->mu);
  return got;
}
