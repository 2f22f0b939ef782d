/* The state dir watcher (app/storage.h): errno to fault, the probe on a
 * healthy folder and a missing one, and, where tmpfs can be mounted (root),
 * a full and a read-only file system seen by the probe and by the running
 * watcher, which reports each change once and the clearing too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "storage.h"

static char dir[PATH_MAX];
static int mounted;

static void errnos_map_to_faults(void **state) {
  (void)state;
  assert_int_equal(storage_classify(0), STORAGE_OK);
  assert_int_equal(storage_classify(ENOSPC), STORAGE_FULL);
  assert_int_equal(storage_classify(EDQUOT), STORAGE_FULL);
  assert_int_equal(storage_classify(EROFS), STORAGE_READONLY);
  assert_int_equal(storage_classify(EIO), STORAGE_IOERR);
  assert_string_equal(storage_cause_msgid(STORAGE_FULL), "storage.cause.full");
  assert_string_equal(storage_cause_msgid(STORAGE_READONLY), "storage.cause.readonly");
  assert_string_equal(storage_errno_name(EROFS), "EROFS");
}

static void a_healthy_folder_passes_and_a_missing_one_does_not(void **state) {
  (void)state;
  int err = -1;
  kerr_msg msg;
  assert_int_equal(storage_probe(dir, &err, msg), STORAGE_OK);
  assert_int_equal(err, 0);
  char probe[PATH_MAX + 32];
  snprintf(probe, sizeof probe, "%s/.storage-probe", dir);
  assert_int_not_equal(access(probe, F_OK), 0); /* cleaned up */
  char missing[PATH_MAX + 16];
  snprintf(missing, sizeof missing, "%s/nope", dir);
  assert_int_equal(storage_probe(missing, &err, msg), STORAGE_IOERR);
  assert_int_equal(err, ENOENT);
  assert_non_null(strstr(msg, missing));
}

static int changes;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static void changed(void *ctx) {
  (void)ctx;
  pthread_mutex_lock(&mu);
  changes++;
  pthread_mutex_unlock(&mu);
}

/* Polls the watcher until it reports want (liveness bound only). */
static void await(storage *s, storage_fault want) {
  for (int i = 0; i < 400 && storage_get(s, NULL, NULL, 0, NULL) != want; i++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  assert_int_equal(storage_get(s, NULL, NULL, 0, NULL), want);
}

static void full_and_read_only_are_seen_and_clear(void **state) {
  (void)state;
  if (!mounted) skip();
  storage *s = NULL;
  kerr_msg msg, detail;
  int err = 0;
  unsigned gen = 0;
  assert_int_equal(storage_start(dir, 50, changed, NULL, &s, msg), KERR_OK);
  /* Its first verdict (storage_get says OK before it too). */
  for (int i = 0; i < 400 && gen == 0; i++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
    storage_get(s, NULL, NULL, 0, &gen);
  }
  assert_int_equal(gen, 1);
  await(s, STORAGE_OK);
  /* Full. */
  char filler[PATH_MAX + 16];
  snprintf(filler, sizeof filler, "%s/filler", dir);
  int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  static char block[4096];
  while (write(fd, block, sizeof block) > 0) {
  }
  close(fd);
  assert_int_equal(storage_probe(dir, &err, msg), STORAGE_FULL);
  assert_int_equal(err, ENOSPC);
  await(s, STORAGE_FULL);
  storage_get(s, &err, detail, sizeof detail, &gen);
  assert_int_equal(err, ENOSPC);
  assert_non_null(strstr(detail, dir));
  unlink(filler);
  await(s, STORAGE_OK);
  /* Read-only. */
  assert_int_equal(mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, "size=1m"), 0);
  assert_int_equal(storage_probe(dir, &err, msg), STORAGE_READONLY);
  assert_int_equal(err, EROFS);
  await(s, STORAGE_READONLY);
  assert_int_equal(mount(NULL, dir, NULL, MS_REMOUNT, "size=1m"), 0);
  await(s, STORAGE_OK);
  unsigned gen2 = 0;
  storage_get(s, NULL, NULL, 0, &gen2);
  storage_stop(s);
  /* First verdict, full, ok, read-only, ok: each change reported once. */
  assert_int_equal(gen2, 5);
  pthread_mutex_lock(&mu);
  assert_int_equal(changes, 5);
  pthread_mutex_unlock(&mu);
}

int main(void) {
  const char *base = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/storage-test.XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(dir)) return 1;
  mounted = mount("tmpfs", dir, "tmpfs", 0, "size=1m,mode=0700") == 0;
  if (!mounted) printf("no tmpfs mount here (%s): the fault cases skip\n", strerror(errno));
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(errnos_map_to_faults),
      cmocka_unit_test(a_healthy_folder_passes_and_a_missing_one_does_not),
      cmocka_unit_test(full_and_read_only_are_seen_and_clear),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  if (mounted) umount2(dir, MNT_DETACH);
  rmdir(dir);
  return rc;
}
