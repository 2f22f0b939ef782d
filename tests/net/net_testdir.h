/* Temporary state folders for the net tests (header-only, test code). */
#ifndef NET_TESTDIR_H
#define NET_TESTDIR_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Makes /tmp/net-test.XXXXXX (or under $TMPDIR); returns 0 on success. */
static inline int testdir_make(char *out, size_t cap) {
  const char *base = getenv("TMPDIR");
  snprintf(out, cap, "%s/net-test.XXXXXX", base && *base ? base : "/tmp");
  return mkdtemp(out) ? 0 : -1;
}

/* Removes the folder's files (one level: the outbox makes no subfolders). */
static inline void testdir_remove(const char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      char p[PATH_MAX + 256];
      if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < (int)sizeof p)
        unlink(p);
    }
    closedir(d);
  }
  rmdir(dir);
}

#endif
