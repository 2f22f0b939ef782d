#include "demo_central.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "klog.h"

struct demo_central {
  pid_t pid;
  int fd; /* the child's stdout */
  pthread_t drain;
  int draining;
};

static int find_binary(char *out, size_t cap, char *msg) {
  const char *env = getenv("KIOSK_CENTRAL_BIN");
  if (env && *env) {
    snprintf(out, cap, "%s", env);
    return KERR_OK;
  }
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n < 0)
    return kerr_set(msg, KERR_IO, "readlink /proc/self/exe: %s",
                    strerror(errno));
  self[n] = '\0';
  char *slash = strrchr(self, '/');
  if (slash) *slash = '\0';
  size_t n_self = strlen(self);
  if (n_self + sizeof "/kiosk-central" > cap)
    return kerr_set(msg, KERR_INVALID, "path too long: %s", self);
  memcpy(out, self, n_self);
  memcpy(out + n_self, "/kiosk-central", sizeof "/kiosk-central");
  if (access(out, X_OK) != 0)
    return kerr_set(msg, KERR_NOT_FOUND,
                    "%s: %s (kiosk --demo starts the central found next to "
                    "kiosk; pass --central URL to use a running one)",
                    out, strerror(errno));
  return KERR_OK;
}

/* Keeps reading the child's stdout so it never blocks on a full pipe. */
static void *drain(void *arg) {
  demo_central *dc = arg;
  char buf[512];
  while (read(dc->fd, buf, sizeof buf) > 0) {}
  return NULL;
}

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int demo_central_start(const char *state_dir, demo_central **out, char *url,
                       size_t url_cap, char *msg) {
  char bin[PATH_MAX], db[PATH_MAX];
  int rc = find_binary(bin, sizeof bin, msg);
  if (rc) return rc;
  snprintf(db, sizeof db, "%s/demo-central.db", state_dir);
  int p[2];
  if (pipe(p) != 0)
    return kerr_set(msg, KERR_IO, "pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(p[0]);
    close(p[1]);
    return kerr_set(msg, KERR_IO, "fork: %s", strerror(errno));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(p[1], STDOUT_FILENO);
    close(p[0]);
    close(p[1]);
    execl(bin, bin, "--listen", "127.0.0.1:0", "--db", db, "--demo",
          (char *)NULL);
    fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
    _exit(127);
  }
  close(p[1]);
  demo_central *dc = calloc(1, sizeof *dc);
  if (!dc) {
    close(p[0]);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  }
  dc->pid = pid;
  dc->fd = p[0];
  char line[512];
  size_t len = 0;
  uint64_t deadline = now_ms() + 10000;
  rc = kerr_set(msg, KERR_TIMEOUT, "%s did not say it was listening within 10 s",
                bin);
  while (now_ms() < deadline) {
    struct pollfd pfd = {dc->fd, POLLIN, 0};
    int left = (int)(deadline - now_ms());
    if (poll(&pfd, 1, left > 0 ? left : 0) <= 0) continue;
    ssize_t n = read(dc->fd, line + len, 1);
    if (n <= 0) {
      rc = kerr_set(msg, KERR_IO, "%s exited before it was listening", bin);
      break;
    }
    if (line[len] != '\n' && len + 2 < sizeof line) {
      len++;
      continue;
    }
    line[len] = '\0';
    len = 0;
    const char *at = strstr(line, "listening on ");
    if (at) {
      snprintf(url, url_cap, "%s", at + strlen("listening on "));
      rc = KERR_OK;
      break;
    }
  }
  if (rc == KERR_OK && pthread_create(&dc->drain, NULL, drain, dc) == 0)
    dc->draining = 1;
  if (rc != KERR_OK) {
    demo_central_stop(dc);
    return rc;
  }
  klog_info("app", "started demo central (pid %d) at %s", (int)pid, url);
  *out = dc;
  return KERR_OK;
}

void demo_central_stop(demo_central *dc) {
  if (!dc) return;
  kill(dc->pid, SIGTERM);
  uint64_t deadline = now_ms() + 3000;
  int status = 0;
  pid_t r;
  while ((r = waitpid(dc->pid, &status, WNOHANG)) == 0 && now_ms() < deadline) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  if (r == 0) {
    kill(dc->pid, SIGKILL);
    waitpid(dc->pid, &status, 0);
  }
  /* The child's end of the pipe is closed now, so the drain thread ends. */
  if (dc->draining) pthread_join(dc->drain, NULL);
  close(dc->fd);
  free(dc);
}
