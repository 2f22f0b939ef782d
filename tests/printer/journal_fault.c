/* Print journal faults against real things: the fake network printer
 * (fake_printer, loopback TCP) going paper-out before a job, running out of
 * paper mid-job and dropping the connection mid-job; and a read-only state
 * directory (a tmpfs mount; exits 77 without CAP_SYS_ADMIN).
 *
 *   journal_fault tcp FAKE_PRINTER
 *   journal_fault readonly
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>

#include "journal_util.h"

extern char **environ;

/* DLE EOT 1..4: what prn_job sends before and after every job. */
static const uint8_t status_q[12] = {0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 3, 0x10, 4, 4};

static const char *g_fake;
static jt_catalogs g_cat;
static prn_raster *g_r;

typedef struct {
  char dir[PATH_MAX];
  prn_journal *j;
  pid_t fake;
  char uri[64], got[PATH_MAX + 32];
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  kerr_msg msg;
  if (!f || jt_dir_make(f->dir, sizeof f->dir) || prn_journal_open(f->dir, &f->j, msg))
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  if (f->fake > 0) {
    kill(f->fake, SIGTERM);
    waitpid(f->fake, NULL, 0);
  }
  prn_journal_close(f->j);
  jt_dir_remove(f->dir);
  free(f);
  return 0;
}

/* Starts fake_printer with extra (NULL-terminated) flags; fills f->uri. */
static void start_fake(fixture *f, const char *flag, const char *val) {
  char port_file[PATH_MAX + 32];
  static int n;
  n++;
  snprintf(port_file, sizeof port_file, "%s/port%d", f->dir, n);
  snprintf(f->got, sizeof f->got, "%s/got%d.bin", f->dir, n);
  char *argv[9] = {(char *)g_fake, "--port-file", port_file, "--out", f->got, NULL};
  if (flag) {
    argv[5] = (char *)flag;
    argv[6] = (char *)val;
  }
  assert_int_equal(posix_spawn(&f->fake, g_fake, NULL, NULL, argv, environ), 0);
  for (int i = 0; i < 200; i++) {
    size_t len;
    uint8_t *b = jt_slurp(port_file, &len);
    if (b && len > 1) {
      long port = strtol((const char *)b, NULL, 10);
      snprintf(f->uri, sizeof f->uri, "tcp:127.0.0.1:%ld", port);
      free(b);
      return;
    }
    free(b);
    nanosleep(&(struct timespec){0, 25 * 1000 * 1000}, NULL);
  }
  fail_msg("fake printer did not start");
}

/* Prints code through the journal to the running fake printer, then waits
 * for the fake to finish. Returns prn_journal_print's result. */
static int print_to_fake(fixture *f, const char *code, prn_journal_outcome *out) {
  kerr_msg msg;
  prn_transport *t = NULL;
  assert_int_equal(prn_transport_open(f->uri, NULL, &t, msg), KERR_OK);
  prn_journal_layout lo = {576, 1, g_r, g_cat.zh, g_cat.en};
  int rc = prn_journal_print(f->j, t, code, &lo, out, msg);
  print_message("%s: %s (%s)\n", code, rc ? msg : "printed", kerr_str(rc));
  prn_transport_close(t);
  waitpid(f->fake, NULL, 0);
  f->fake = 0;
  return rc;
}

static void owe(fixture *f, const char *code, char *json, size_t cap) {
  kerr_msg msg;
  jt_voucher(json, cap, code, 0);
  assert_int_equal(prn_journal_owe(f->j, code, "txn-1", "M1", json, msg), KERR_OK);
}

/* The fake received the status queries, exactly the slip, the queries. */
static void assert_fake_got(fixture *f, const char *json, int reprint) {
  uint8_t *ref, *got;
  size_t nref, ngot;
  assert_int_equal(jt_reference(json, reprint, &g_cat, g_r, &ref, &nref), KERR_OK);
  got = jt_slurp(f->got, &ngot);
  assert_non_null(got);
  assert_int_equal(ngot, nref + 24);
  assert_memory_equal(got, status_q, 12);
  assert_memory_equal(got + 12, ref, nref);
  assert_memory_equal(got + 12 + nref, status_q, 12);
  free(ref);
  free(got);
}

static prn_journal_entry entry(fixture *f, const char *code) {
  prn_journal_entry e;
  kerr_msg msg;
  assert_int_equal(prn_journal_get(f->j, code, &e, msg), KERR_OK);
  return e;
}

static void paper_out_before_the_job_leaves_it_owed_and_not_a_reprint(void **state) {
  fixture *f = *state;
  char json[1024];
  prn_journal_outcome out;
  owe(f, "T1", json, sizeof json);
  start_fake(f, "--paper-out", NULL);
  assert_int_equal(print_to_fake(f, "T1", &out), KERR_DEVICE);
  assert_int_equal(out.job.phase, PRN_JOB_REFUSED);
  assert_int_equal(out.state, PRN_JOURNAL_OWED);
  size_t n;
  free(jt_slurp(f->got, &n));
  assert_int_equal(n, 12); /* only the status queries reached the printer */
  prn_journal_entry e = entry(f, "T1");
  assert_int_equal(e.state, PRN_JOURNAL_OWED);
  assert_int_equal(e.maybe_printed, 0);
  assert_non_null(strstr(e.last_error, "paper out"));
  prn_journal_entry_free(&e);

  /* Paper loaded: the voucher comes out as an ordinary first print. */
  start_fake(f, NULL, NULL);
  assert_int_equal(print_to_fake(f, "T1", &out), KERR_OK);
  assert_int_equal(out.reprint, 0);
  assert_int_equal(out.attempt, 2);
  assert_int_equal(out.state, PRN_JOURNAL_PRINTED);
  assert_fake_got(f, json, 0);
}

static void dropped_connection_mid_job_fails_it_and_the_next_print_says_reprint(
    void **state) {
  fixture *f = *state;
  char json[1024];
  prn_journal_outcome out;
  owe(f, "T2", json, sizeof json);
  start_fake(f, "--drop-after", "20000");
  assert_int_not_equal(print_to_fake(f, "T2", &out), KERR_OK);
  assert_int_equal(out.job.phase, PRN_JOB_FAILED);
  assert_int_equal(out.state, PRN_JOURNAL_FAILED);
  assert_int_equal(out.reprint, 0);
  prn_journal_entry e = entry(f, "T2");
  assert_int_equal(e.state, PRN_JOURNAL_FAILED);
  assert_int_equal(e.maybe_printed, 1);
  assert_true(e.last_error[0] != '\0');
  prn_journal_entry_free(&e);

  start_fake(f, NULL, NULL);
  assert_int_equal(print_to_fake(f, "T2", &out), KERR_OK);
  assert_int_equal(out.reprint, 1);
  assert_int_equal(out.state, PRN_JOURNAL_PRINTED);
  assert_fake_got(f, json, 1);
  e = entry(f, "T2");
  assert_int_equal(e.reprints, 1);
  prn_journal_entry_free(&e);
}

static void paper_out_mid_job_fails_it_and_the_next_print_says_reprint(void **state) {
  fixture *f = *state;
  char json[1024];
  prn_journal_outcome out;
  owe(f, "T3", json, sizeof json);
  start_fake(f, "--paper-out-after", "20000");
  assert_int_equal(print_to_fake(f, "T3", &out), KERR_DEVICE);
  assert_int_equal(out.job.phase, PRN_JOB_FAILED);
  assert_int_equal(out.state, PRN_JOURNAL_FAILED);
  start_fake(f, NULL, NULL);
  assert_int_equal(print_to_fake(f, "T3", &out), KERR_OK);
  assert_int_equal(out.reprint, 1);
  assert_fake_got(f, json, 1);
}

static int run_tcp(void) {
  kerr_msg msg;
  if (jt_catalogs_load(&g_cat) || prn_raster_new(NULL, NULL, &g_r, msg))
    return 1;
  const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
      T(paper_out_before_the_job_leaves_it_owed_and_not_a_reprint),
      T(dropped_connection_mid_job_fails_it_and_the_next_print_says_reprint),
      T(paper_out_mid_job_fails_it_and_the_next_print_says_reprint),
#undef T
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  prn_raster_free(g_r);
  jt_catalogs_free(&g_cat);
  return rc;
}

static int mount_tmpfs(const char *dir) {
  return mount("tmpfs", dir, "tmpfs", 0, "size=1m,mode=0700");
}

static int remount(const char *dir, unsigned long flags) {
  return mount(NULL, dir, NULL, MS_REMOUNT | flags, "size=1m");
}

static void read_only_state_dir_gives_a_clear_error_and_loses_nothing(void **state) {
  (void)state;
  char dir[PATH_MAX], sub[PATH_MAX + 16], json[1024];
  kerr_msg msg;
  prn_journal *j = NULL;
  assert_int_equal(jt_dir_make(dir, sizeof dir), 0);
  assert_int_equal(mount_tmpfs(dir), 0);
  assert_int_equal(prn_journal_open(dir, &j, msg), KERR_OK);
  jt_voucher(json, sizeof json, "RO1", 0);
  assert_int_equal(prn_journal_owe(j, "RO1", "txn-1", NULL, json, msg), KERR_OK);
  prn_journal_close(j);

  assert_int_equal(remount(dir, MS_RDONLY), 0);
  j = NULL;
  assert_int_equal(prn_journal_open(dir, &j, msg), KERR_IO);
  assert_null(j);
  print_message("%s\n", msg);
  assert_non_null(strstr(msg, "not writable"));
  assert_non_null(strstr(msg, "Read-only file system"));
  snprintf(sub, sizeof sub, "%s/kiosk", dir);
  assert_int_equal(prn_journal_open(sub, &j, msg), KERR_IO);
  print_message("%s\n", msg);
  assert_non_null(strstr(msg, "Read-only file system"));

  assert_int_equal(remount(dir, 0), 0);
  assert_int_equal(prn_journal_open(dir, &j, msg), KERR_OK);
  prn_journal_entry e;
  assert_int_equal(prn_journal_get(j, "RO1", &e, msg), KERR_OK);
  assert_int_equal(e.state, PRN_JOURNAL_OWED);
  prn_journal_entry_free(&e);
  assert_int_equal(prn_journal_check(j, msg), KERR_OK);
  prn_journal_close(j);
  umount2(dir, MNT_DETACH);
  rmdir(dir);
}

static int run_readonly(void) {
  char probe[PATH_MAX];
  if (jt_dir_make(probe, sizeof probe))
    return 1;
  int can = mount_tmpfs(probe) == 0;
  int err = errno;
  if (can)
    umount2(probe, MNT_DETACH);
  rmdir(probe);
  if (!can) {
    printf("skipped: cannot mount a tmpfs here (%s)\n", strerror(err));
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(read_only_state_dir_gives_a_clear_error_and_loses_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "tcp") == 0) {
    g_fake = argv[2];
    return run_tcp();
  }
  if (argc == 2 && strcmp(argv[1], "readonly") == 0)
    return run_readonly();
  fprintf(stderr, "usage: journal_fault tcp FAKE_PRINTER | readonly\n");
  return 2;
}
