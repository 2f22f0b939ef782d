#define _GNU_SOURCE /* memmem */
/* The member cache (net/mcache.h) on real sqlite in a temporary folder, with
 * an injectable clock: put/get, the 24 h limit, the sweep at open, put and
 * expire, wipe, privacy scrubbing, a corrupt file recreated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "mcache.h"
#include "net_testdir.h"

typedef struct {
  char dir[PATH_MAX];
  int64_t now;
  mcache *mc;
} fixture;

static int64_t clock_of(void *ctx) { return ((fixture *)ctx)->now; }

static const char *profile =
    "{\"id\":\"M1\",\"tier\":\"gold\",\"points\":1200,\"name_masked\":\"张*\","
    "\"phone_masked\":\"138****5678\",\"phone\":\"13812345678\","
    "\"benefits\":[{\"zh\":\"免费停车\",\"en\":\"Free parking\"}],"
    "\"expiring\":[{\"date\":\"2026-12-31\",\"points\":300}],"
    "\"contact\":{\"phone\":\"13812345678\",\"email\":\"a@b.c\"}}";

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || testdir_make(f->dir, sizeof f->dir) != 0) return -1;
  f->now = 1800000000;
  kerr_msg note, msg;
  if (mcache_open(f->dir, clock_of, f, &f->mc, note, msg) != KERR_OK) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  mcache_close(f->mc);
  testdir_remove(f->dir);
  rmdir(f->dir);
  free(f);
  return 0;
}

static void a_put_profile_comes_back_without_phone_numbers(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  assert_int_equal(mcache_put(f->mc, "M1", profile, msg), KERR_OK);
  char *got = NULL;
  int64_t seen = 0;
  assert_int_equal(mcache_get(f->mc, "M1", &got, &seen, msg), KERR_OK);
  assert_int_equal(seen, f->now);
  assert_non_null(strstr(got, "\"tier\":\"gold\""));
  assert_non_null(strstr(got, "Free parking"));
  assert_non_null(strstr(got, "2026-12-31"));
  assert_non_null(strstr(got, "张*"));
  assert_null(strstr(got, "phone"));
  assert_null(strstr(got, "1381234"));
  assert_null(strstr(got, "138****"));
  assert_null(strstr(got, "a@b.c"));
  free(got);
  /* Nor anywhere in the file. */
  mcache_close(f->mc);
  char p[PATH_MAX + 32];
  snprintf(p, sizeof p, "%s/%s", f->dir, MCACHE_FILE);
  struct stat st;
  assert_int_equal(stat(p, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  FILE *fp = fopen(p, "rb");
  assert_non_null(fp);
  char buf[65536];
  size_t n = fread(buf, 1, sizeof buf, fp);
  fclose(fp);
  assert_null(memmem(buf, n, "13812345678", 11));
  kerr_msg note;
  assert_int_equal(mcache_open(f->dir, clock_of, f, &f->mc, note, msg), KERR_OK);
  assert_string_equal(note, "");
}

static void an_unknown_member_is_not_found(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  char *got = (char *)1;
  assert_int_equal(mcache_get(f->mc, "nobody", &got, NULL, msg), KERR_NOT_FOUND);
  assert_null(got);
  assert_int_equal(mcache_put(f->mc, "M1", "not json", msg), KERR_INVALID);
  assert_int_equal(mcache_put(f->mc, "", profile, msg), KERR_INVALID);
}

static void a_member_unseen_for_24_hours_is_gone(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  char *got = NULL;
  int n = -1;
  assert_int_equal(mcache_put(f->mc, "M1", profile, msg), KERR_OK);
  f->now += 3600;
  assert_int_equal(mcache_put(f->mc, "M2", "{\"id\":\"M2\"}", msg), KERR_OK);
  /* One second short of 24 h: still there. */
  f->now += MCACHE_TTL_S - 3600 - 1;
  assert_int_equal(mcache_get(f->mc, "M1", &got, NULL, msg), KERR_OK);
  free(got);
  /* At 24 h: get refuses it even before a sweep... */
  f->now += 1;
  assert_int_equal(mcache_get(f->mc, "M1", &got, NULL, msg), KERR_NOT_FOUND);
  assert_int_equal(mcache_count(f->mc, &n, msg), KERR_OK);
  assert_int_equal(n, 2);
  /* ...and the hourly sweep deletes it; M2 was seen later and stays. */
  assert_int_equal(mcache_expire(f->mc, &n, msg), KERR_OK);
  assert_int_equal(n, 1);
  assert_int_equal(mcache_get(f->mc, "M2", &got, NULL, msg), KERR_OK);
  free(got);
  /* Seeing a member again restarts its 24 h. */
  f->now += 3000;
  assert_int_equal(mcache_put(f->mc, "M2", "{\"id\":\"M2\",\"points\":5}", msg), KERR_OK);
  f->now += MCACHE_TTL_S - 1;
  assert_int_equal(mcache_get(f->mc, "M2", &got, NULL, msg), KERR_OK);
  assert_non_null(strstr(got, "\"points\":5"));
  free(got);
}

static void a_put_and_an_open_sweep_expired_rows(void **state) {
  fixture *f = *state;
  kerr_msg msg, note;
  int n = -1;
  assert_int_equal(mcache_put(f->mc, "M1", profile, msg), KERR_OK);
  f->now += MCACHE_TTL_S;
  assert_int_equal(mcache_put(f->mc, "M2", "{\"id\":\"M2\"}", msg), KERR_OK);
  assert_int_equal(mcache_count(f->mc, &n, msg), KERR_OK);
  assert_int_equal(n, 1); /* M1 went with the put */
  mcache_close(f->mc);
  f->now += MCACHE_TTL_S;
  assert_int_equal(mcache_open(f->dir, clock_of, f, &f->mc, note, msg), KERR_OK);
  assert_int_equal(mcache_count(f->mc, &n, msg), KERR_OK);
  assert_int_equal(n, 0); /* M2 went at open */
}

static void wipe_deletes_everything(void **state) {
  fixture *f = *state;
  kerr_msg msg;
  int n = -1;
  char *got = NULL;
  assert_int_equal(mcache_put(f->mc, "M1", profile, msg), KERR_OK);
  assert_int_equal(mcache_put(f->mc, "M2", "{\"id\":\"M2\"}", msg), KERR_OK);
  assert_int_equal(mcache_wipe(f->mc, msg), KERR_OK);
  assert_int_equal(mcache_count(f->mc, &n, msg), KERR_OK);
  assert_int_equal(n, 0);
  assert_int_equal(mcache_get(f->mc, "M1", &got, NULL, msg), KERR_NOT_FOUND);
}

static void a_corrupt_file_is_reported_and_recreated(void **state) {
  fixture *f = *state;
  kerr_msg msg, note;
  assert_int_equal(mcache_put(f->mc, "M1", profile, msg), KERR_OK);
  mcache_close(f->mc);
  f->mc = NULL;
  char p[PATH_MAX + 32];
  snprintf(p, sizeof p, "%s/%s", f->dir, MCACHE_FILE);
  int fd = open(p, O_WRONLY | O_TRUNC);
  assert_true(fd >= 0);
  const char junk[] = "this is not an sqlite database, it is junk from a bad disk...";
  for (int i = 0; i < 100; i++) assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
  close(fd);
  assert_int_equal(mcache_open(f->dir, clock_of, f, &f->mc, note, msg), KERR_OK);
  print_message("%s\n", note);
  assert_non_null(strstr(note, "member cache"));
  assert_non_null(strstr(note, "recreated"));
  assert_non_null(strstr(note, MCACHE_FILE));
  char *got = NULL;
  assert_int_equal(mcache_get(f->mc, "M1", &got, NULL, msg), KERR_NOT_FOUND);
  assert_int_equal(mcache_put(f->mc, "M1", profile, msg), KERR_OK);
  assert_int_equal(mcache_get(f->mc, "M1", &got, NULL, msg), KERR_OK);
  free(got);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
      T(a_put_profile_comes_back_without_phone_numbers),
      T(an_unknown_member_is_not_found),
      T(a_member_unseen_for_24_hours_is_gone),
      T(a_put_and_an_open_sweep_expired_rows),
      T(wipe_deletes_everything),
      T(a_corrupt_file_is_reported_and_recreated),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
