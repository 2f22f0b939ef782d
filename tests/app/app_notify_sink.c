/* Test helper: plays systemd's side of the notify protocol.
 *
 *   app_notify_sink SOCKET OUT
 *
 * Binds a unix datagram socket at SOCKET (what systemd passes a Type=notify
 * service as NOTIFY_SOCKET) and appends each message it receives to OUT as
 * one line (a message's own newlines become '|'), flushed at once, until
 * SIGTERM or SIGINT. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t done;

static void on_signal(int sig) {
  (void)sig;
  done = 1;
}

int main(int argc, char **argv) {
  if (argc != 3 || strlen(argv[1]) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
    fprintf(stderr, "usage: app_notify_sink SOCKET OUT\n");
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: recv returns EINTR */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  memcpy(addr.sun_path, argv[1], strlen(argv[1]) + 1);
  unlink(argv[1]);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    perror("app_notify_sink: bind");
    return 1;
  }
  FILE *out = fopen(argv[2], "a");
  if (!out) {
    perror("app_notify_sink: open");
    return 1;
  }
  char buf[4096];
  while (!done) {
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) continue;
    for (ssize_t i = 0; i < n; i++)
      if (buf[i] == '\n') buf[i] = '|';
    buf[n] = '\0';
    fprintf(out, "%s\n", buf);
    fflush(out);
  }
  fclose(out);
  close(fd);
  unlink(argv[1]);
  return 0;
}
