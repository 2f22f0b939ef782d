#include "fuzz_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *fuzz_copy(const uint8_t *data, size_t size) {
  char *c = malloc(size + 1);
  if (!c) abort();
  if (size) memcpy(c, data, size);
  c[size] = '\0';
  return c;
}

/* The file is unlinked at once and reached through /proc/self/fd, so a run
 * that crashes (the point of fuzzing) leaves nothing behind in /tmp. */
static char scratch[64];
static int scratch_fd = -1;

const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix) {
  off_t at = 0;
  if (scratch_fd < 0) {
    char tmpl[64];
    snprintf(tmpl, sizeof tmpl, "/tmp/kiosk-fuzz-XXXXXX%s", suffix);
    scratch_fd = mkstemps(tmpl, (int)strlen(suffix));
    if (scratch_fd < 0) abort();
    unlink(tmpl);
    snprintf(scratch, sizeof scratch, "/proc/self/fd/%d", scratch_fd);
  }
  if (ftruncate(scratch_fd, 0) != 0) abort();
  while (size) {
    ssize_t n = pwrite(scratch_fd, data, size, at);
    if (n <= 0) abort();
    data += n;
    at += n;
    size -= (size_t)n;
  }
  return scratch;
}

void fuzz_check_str(const char *s, size_t cap) {
  if (!memchr(s, '\0', cap)) abort();
}
