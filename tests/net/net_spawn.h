/* Child servers for the net tests (header-only, test code): start a program
 * that prints `listening on ...` on stdout when ready (kiosk-central,
 * kiosk-faultproxy), and stop it again. */
#ifndef NET_SPAWN_H
#define NET_SPAWN_H

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  pid_t pid;
} spawn_child;

/* Runs argv[0] with stdout on a pipe and stderr to log (NULL: inherited),
 * and reads stdout until a line containing "listening on " (15 s at most).
 * The first nlines lines land in lines. 0 when the line came. */
static inline int spawn_start(spawn_child *c, const char *const *argv,
                              const char *log, char (*lines)[128], int nlines) {
  int fds[2];
  c->pid = 0;
  if (pipe(fds) != 0)
    return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
      dup2(null, 0);
    dup2(fds[1], 1);
    if (log) {
      int lf = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (lf >= 0)
        dup2(lf, 2);
    }
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(fds[1]);
  c->pid = pid;
  char buf[1024];
  size_t len = 0;
  int ok = -1, line = 0;
  struct pollfd p = {.fd = fds[0], .events = POLLIN};
  while (ok != 0 && len < sizeof buf - 1 && poll(&p, 1, 15000) == 1) {
    ssize_t n = read(fds[0], buf + len, sizeof buf - 1 - len);
    if (n <= 0)
      break;
    len += (size_t)n;
    buf[len] = '\0';
    char *nl;
    while (ok != 0 && (nl = strchr(buf, '\n')) != NULL) {
      *nl = '\0';
      if (line < nlines)
        snprintf(lines[line], 128, "%.127s", buf);
      line++;
      if (strstr(buf, "listening on "))
        ok = 0;
      size_t used = (size_t)(nl + 1 - buf);
      memmove(buf, nl + 1, len - used + 1);
      len -= used;
    }
  }
  /* Both servers print nothing more on stdout; a late write gets EPIPE. */
  close(fds[0]);
  return ok;
}

/* SIGTERM, then SIGKILL if it is still there after 5 s. */
static inline void spawn_stop(spawn_child *c) {
  if (c->pid <= 0)
    return;
  kill(c->pid, SIGTERM);
  for (int i = 0; i < 500; i++) {
    if (waitpid(c->pid, NULL, WNOHANG) == c->pid) {
      c->pid = 0;
      return;
    }
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  kill(c->pid, SIGKILL);
  waitpid(c->pid, NULL, 0);
  c->pid = 0;
}

#endif
