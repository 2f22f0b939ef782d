/* A network ESC/POS printer for tests: listens on 127.0.0.1, port 0 (the
 * kernel picks; the port is written to --port-file), serves one connection,
 * answers DLE EOT 1-4 like an Epson, and saves every byte it received to
 * --out. It skips GS v 0, GS ( k and GS k payloads by their length so data
 * bytes are never taken for a status query, as a real printer does.
 *
 *   --paper-out           paper end from the start
 *   --paper-out-after N   paper end once N bytes have arrived
 *   --near-end            paper near end
 *   --drop-after N        reset the connection once N bytes have arrived
 *   --silent              never answer status queries
 *
 * Exits 0 when the client closes the connection, 3 after a drop. */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static long paper_out_after = -1, drop_after = -1;
static int near_end, silent;

static long num(const char *s) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end || v < 0) {
    fprintf(stderr, "fake_printer: bad number %s\n", s);
    exit(2);
  }
  return v;
}

static uint8_t status_byte(int n, int paper_out) {
  uint8_t b = 0x12;
  if (n == 1 && paper_out)
    b |= 0x08;
  if (n == 2 && paper_out)
    b |= 0x20;
  if (n == 4) {
    if (paper_out)
      b |= 0x60;
    if (near_end)
      b |= 0x0c;
  }
  return b;
}

/* Length of the complete command at s, 0 when more bytes are needed. */
static size_t command_len(const uint8_t *s, size_t n) {
  if (s[0] == 0x1d && n >= 2 && s[1] == 'v') {
    if (n < 8)
      return 0;
    size_t need = 8 + (size_t)(s[4] | s[5] << 8) * (size_t)(s[6] | s[7] << 8);
    return n >= need ? need : 0;
  }
  if (s[0] == 0x1d && n >= 2 && s[1] == '(') {
    if (n < 5)
      return 0;
    size_t need = 5 + (size_t)(s[3] | s[4] << 8);
    return n >= need ? need : 0;
  }
  if (s[0] == 0x1d && n >= 2 && s[1] == 'k') {
    if (n < 4)
      return 0;
    size_t need = s[2] >= 65 ? 4 + (size_t)s[3] : 3;
    return n >= need ? need : 0;
  }
  if (s[0] == 0x10) {
    if (n < 2)
      return 0;
    if (s[1] == 0x04)
      return n >= 3 ? 3 : 0;
  }
  if (s[0] == 0x1d && n < 2)
    return 0;
  return 1;
}

int main(int argc, char **argv) {
  const char *port_file = NULL, *out_file = NULL;
  int paper_out = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--port-file") && i + 1 < argc)
      port_file = argv[++i];
    else if (!strcmp(argv[i], "--out") && i + 1 < argc)
      out_file = argv[++i];
    else if (!strcmp(argv[i], "--paper-out"))
      paper_out = 1;
    else if (!strcmp(argv[i], "--paper-out-after") && i + 1 < argc)
      paper_out_after = num(argv[++i]);
    else if (!strcmp(argv[i], "--drop-after") && i + 1 < argc)
      drop_after = num(argv[++i]);
    else if (!strcmp(argv[i], "--near-end"))
      near_end = 1;
    else if (!strcmp(argv[i], "--silent"))
      silent = 1;
    else {
      fprintf(stderr, "fake_printer: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  if (!port_file || !out_file) {
    fprintf(stderr, "fake_printer: --port-file and --out are required\n");
    return 2;
  }
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 1) ||
      getsockname(ls, (struct sockaddr *)&a, &al)) {
    perror("fake_printer: listen");
    return 1;
  }
  /* Written under a temporary name and renamed, so a reader never sees a
   * half-written port number. */
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
  FILE *pf = fopen(tmp, "w");
  if (!pf || fprintf(pf, "%d\n", ntohs(a.sin_port)) < 0 || fclose(pf) || rename(tmp, port_file)) {
    perror("fake_printer: port file");
    return 1;
  }
  int c = accept(ls, NULL, NULL);
  if (c < 0) {
    perror("fake_printer: accept");
    return 1;
  }
  FILE *out = fopen(out_file, "wb");
  if (!out) {
    perror("fake_printer: out");
    return 1;
  }
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0, pos = 0, total = 0;
  int rc = 0;
  for (;;) {
    uint8_t chunk[8192];
    ssize_t got = recv(c, chunk, sizeof chunk, 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    fwrite(chunk, 1, (size_t)got, out);
    fflush(out);
    total += (size_t)got;
    if (len + (size_t)got > cap) {
      cap = (len + (size_t)got) * 2;
      buf = realloc(buf, cap);
      if (!buf)
        return 1;
    }
    memcpy(buf + len, chunk, (size_t)got);
    len += (size_t)got;
    if (paper_out_after >= 0 && total >= (size_t)paper_out_after)
      paper_out = 1;
    if (drop_after >= 0 && total >= (size_t)drop_after) {
      struct linger lg = {1, 0}; /* RST, as a printer that power-cycles */
      setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      rc = 3;
      break;
    }
    for (;;) {
      size_t k = pos < len ? command_len(buf + pos, len - pos) : 0;
      if (k == 0)
        break;
      if (k == 3 && buf[pos] == 0x10 && buf[pos + 1] == 0x04 && !silent) {
        uint8_t b = status_byte(buf[pos + 2], paper_out);
        if (send(c, &b, 1, MSG_NOSIGNAL) != 1)
          break;
      }
      pos += k;
    }
  }
  fclose(out);
  free(buf);
  close(c);
  close(ls);
  return rc;
}
