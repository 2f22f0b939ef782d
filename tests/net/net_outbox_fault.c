/* The queue on a full disk and in a read-only state directory, on small
 * tmpfs mounts. Needs CAP_SYS_ADMIN for mount(2); exits 77 without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>

#include "net_testdir.h"
#include "outbox.h"

typedef struct {
  char dir[PATH_MAX];
  int mounted;
} fixture;

static int mount_tmpfs(const char *dir, const char *size, unsigned long flags) {
  char opts[64];
  snprintf(opts, sizeof opts, "size=%s,mode=0700", size);
  return mount("tmpfs", dir, "tmpfs", flags, opts);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || testdir_make(f->dir, sizeof f->dir) != 0)
    return -1;
  if (mount_tmpfs(f->dir, "256k", 0) != 0)
    return -1;
  f->mounted = 1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  if (f->mounted)
    umount2(f->dir, MNT_DETACH);
  rmdir(f->dir);
  free(f);
  return 0;
}

static int remount(fixture *f, const char *size, unsigned long flags) {
  char opts[64];
  snprintf(opts, sizeof opts, "size=%s", size);
  return mount(NULL, f->dir, NULL, MS_REMOUNT | flags, opts);
}

/* Fills the file system with a file, leaving almost no room. */
static void fill(const char *dir) {
  char p[PATH_MAX + 16];
  snprintf(p, sizeof p, "%s/filler", dir);
  int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  char block[4096];
  memset(block, 'f', sizeof block);
  while (write(fd, block, sizeof block) > 0) {
  }
  assert_int_equal(errno, ENOSPC);
  close(fd);
}

static void unfill(const char *dir) {
  char p[PATH_MAX + 16];
  snprintf(p, sizeof p, "%s/filler", dir);
  unlink(p);
}

static void big_body(char *body, size_t cap, int n) {
  int off = snprintf(body, cap, "{\"n\":%d,\"pad\":\"", n);
  memset(body + off, 'p', cap - off - 3);
  memcpy(body + cap - 3, "\"}", 3);
}

static void a_read_only_state_dir_at_start_gives_a_clear_error(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  outbox *ob = NULL;
  /* First a queue with one transaction, then the folder turns read-only. */
  assert_int_equal(outbox_open(f->dir, &ob, msg), KERR_OK);
  int64_t id;
  assert_int_equal(outbox_enqueue(ob, OUTBOX_CHECKIN, "M1", "{}", 0, &id, NULL, msg), KERR_OK);
  outbox_close(ob);
  assert_int_equal(remount(f, "256k", MS_RDONLY), 0);
  assert_int_equal(outbox_open(f->dir, &ob, msg), KERR_IO);
  assert_null(ob);
  print_message("%s\n", msg);
  assert_non_null(strstr(msg, "not writable"));
  assert_non_null(strstr(msg, "Read-only file system"));
  /* Writable again: nothing was lost or damaged. */
  assert_int_equal(remount(f, "256k", 0), 0);
  assert_int_equal(outbox_open(f->dir, &ob, msg), KERR_OK);
  outbox_txn t;
  assert_int_equal(outbox_get(ob, id, &t, msg), KERR_OK);
  outbox_txn_free(&t);
  assert_int_equal(outbox_check(ob, msg), KERR_OK);
  outbox_close(ob);
}

static void a_fresh_read_only_dir_is_refused(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  outbox *ob = NULL;
  char sub[PATH_MAX + 16];
  assert_int_equal(remount(f, "256k", MS_RDONLY), 0);
  snprintf(sub, sizeof sub, "%s/kiosk", f->dir);
  assert_int_equal(outbox_open(sub, &ob, msg), KERR_IO);
  assert_non_null(strstr(msg, "Read-only file system"));
  assert_int_equal(outbox_open(f->dir, &ob, msg), KERR_IO);
  assert_non_null(strstr(msg, "Read-only file system"));
  assert_null(ob);
}

static void a_full_disk_at_start_gives_a_clear_error(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  outbox *ob = NULL;
  fill(f->dir);
  int rc = outbox_open(f->dir, &ob, msg);
  assert_int_equal(rc, KERR_IO);
  assert_null(ob);
  print_message("%s\n", msg);
  assert_non_null(strstr(msg, "full"));
  unfill(f->dir);
  assert_int_equal(outbox_open(f->dir, &ob, msg), KERR_OK);
  assert_int_equal(outbox_check(ob, msg), KERR_OK);
  outbox_close(ob);
}

static void a_disk_filling_up_mid_run_fails_enqueue_and_loses_nothing(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  outbox *ob = NULL;
  assert_int_equal(outbox_open(f->dir, &ob, msg), KERR_OK);
  int64_t ids[256];
  int n = 0, rc = KERR_OK;
  char body[2048];
  while (n < 256) {
    big_body(body, sizeof body, n);
    rc = outbox_enqueue(ob, OUTBOX_RECEIPT, "M1", body, 0, &ids[n], NULL, msg);
    if (rc)
      break;
    n++;
  }
  assert_int_equal(rc, KERR_IO);
  print_message("after %d enqueues: %s\n", n, msg);
  assert_non_null(strstr(msg, "disk full"));
  assert_non_null(strstr(msg, "database or disk is full"));
  assert_true(n > 5);
  /* The worker's calls fail cleanly too, or succeed: never corrupt. */
  outbox_txn t;
  rc = outbox_claim_next(ob, outbox_now_ms() + 1000, &t, msg);
  if (rc == KERR_OK) {
    outbox_mark_retry(ob, t.id, 0, "x", msg);
    outbox_txn_free(&t);
  }
  /* Room again (the admin cleaned up): enqueue works without a restart. */
  assert_int_equal(remount(f, "4m", 0), 0);
  assert_int_equal(outbox_enqueue(ob, OUTBOX_RECEIPT, "M1", "{\"after\":1}", 0,
                                  NULL, NULL, msg), KERR_OK);
  outbox_close(ob);
  assert_int_equal(outbox_open(f->dir, &ob, msg), KERR_OK);
  assert_int_equal(outbox_check(ob, msg), KERR_OK);
  for (int i = 0; i < n; i++) {
    assert_int_equal(outbox_get(ob, ids[i], &t, msg), KERR_OK);
    assert_int_equal(t.state, OUTBOX_PENDING);
    outbox_txn_free(&t);
  }
  outbox_stats_t st;
  assert_int_equal(outbox_stats(ob, outbox_now_ms(), &st, msg), KERR_OK);
  assert_int_equal(st.depth, n + 1);
  outbox_close(ob);
}

int main(void) {
  char probe[PATH_MAX];
  if (testdir_make(probe, sizeof probe) != 0)
    return 1;
  int can = mount_tmpfs(probe, "64k", 0) == 0;
  int err = errno;
  if (can)
    umount2(probe, MNT_DETACH);
  rmdir(probe);
  if (!can) {
    printf("skipped: cannot mount a tmpfs here (%s)\n", strerror(err));
    return 77;
  }
  const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
      T(a_read_only_state_dir_at_start_gives_a_clear_error),
      T(a_fresh_read_only_dir_is_refused),
      T(a_full_disk_at_start_gives_a_clear_error),
      T(a_disk_filling_up_mid_run_fails_enqueue_and_loses_nothing),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
