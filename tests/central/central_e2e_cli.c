/*
 * End to end: kiosk-central's command line (help, version, bad flags exit 2
 * with one line), its clean stop on SIGTERM, and a signing key that survives
 * a restart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central_client.h"

static char bin[512];

static int run(const char *a1, const char *a2, char *out, size_t cap) {
  const char *argv[] = {bin, a1, a2, NULL};
  return central_client_run(argv, out, cap);
}

/* Lines other than warnings (a secret flag on the command line earns one:
 * ctl_conf.c), which do not make the error any less one line. */
static int count_lines(const char *s) {
  static const char warning[] = "kiosk-central: warning: ";
  int n = 0;
  while (*s) {
    const char *nl = strchr(s, '\n');
    if (strncmp(s, warning, sizeof warning - 1) != 0) n++;
    if (!nl) break;
    s = nl + 1;
  }
  return n;
}

static void help_prints_usage_and_exits_0(void **state) {
  char out[4096];
  (void)state;
  assert_int_equal(run("--help", NULL, out, sizeof out), 0);
  assert_non_null(strstr(out, "usage: kiosk-central"));
  assert_non_null(strstr(out, "--listen HOST:PORT"));
  assert_non_null(strstr(out, "--signing-seed"));
}

static void version_prints_the_version(void **state) {
  char out[256];
  (void)state;
  assert_int_equal(run("--version", NULL, out, sizeof out), 0);
  assert_string_equal(out, "kiosk-central " KIOSK_VERSION "\n");
}

static void bad_flags_exit_2_with_one_line(void **state) {
  static const char *const cases[][2] = {
      {"--frobnicate", NULL},      {"--listen", "nocolon"},
      {"--listen", "127.0.0.1:99999"}, {"--kiosk", "no-secret"},
      {"--signing-seed", "abcd"},  {"--threads", "0"},
      {"stray", NULL},             {"--db", NULL},
      {"--timeout", "0"},          {"--timeout", "10s"},
      {"--clock-offset", "soon"},  {"--clock-offset", "99999999999"},
  };
  char out[1024];
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int rc = run(cases[i][0], cases[i][1], out, sizeof out);
    if (rc != 2 || count_lines(out) != 1)
      fprintf(stderr, "%s %s -> %d '%s'\n", cases[i][0],
              cases[i][1] ? cases[i][1] : "", rc, out);
    assert_int_equal(rc, 2);
    assert_int_equal(count_lines(out), 1);
    assert_non_null(strstr(out, "kiosk-central: "));
  }
}

static char *public_key(central_server *s) {
  central_resp r;
  char *pk;
  assert_int_equal(central_client_request(s, "GET", "/v1/kiosk/config", NULL,
                                          0, NULL, &r),
                   0);
  assert_int_equal(r.status, 200);
  pk = strdup(
      json_string_value(json_object_get(r.json, "member_code_public_key")));
  central_client_resp_free(&r);
  return pk;
}

static void signing_key_survives_a_restart(void **state) {
  central_server s;
  char *first, *second;
  char dir[256];
  (void)state;
  assert_int_equal(central_client_start(&s, NULL, NULL, CENTRAL_CLIENT_NO_SEED),
                   0);
  snprintf(dir, sizeof dir, "%s", s.dir);
  first = public_key(&s);
  assert_int_equal(central_client_stop(&s), 0);
  assert_int_equal(central_client_start(&s, NULL, dir, CENTRAL_CLIENT_NO_SEED),
                   0);
  second = public_key(&s);
  assert_string_equal(first, second);
  assert_int_equal(central_client_stop(&s), 0);
  central_client_cleanup(&s);
  free(first);
  free(second);
}

static void two_databases_get_different_keys(void **state) {
  central_server a, b;
  char *ka, *kb;
  (void)state;
  assert_int_equal(central_client_start(&a, NULL, NULL, CENTRAL_CLIENT_NO_SEED),
                   0);
  assert_int_equal(central_client_start(&b, NULL, NULL, CENTRAL_CLIENT_NO_SEED),
                   0);
  ka = public_key(&a);
  kb = public_key(&b);
  assert_string_not_equal(ka, kb);
  assert_int_equal(central_client_stop(&a), 0);
  assert_int_equal(central_client_stop(&b), 0);
  central_client_cleanup(&a);
  central_client_cleanup(&b);
  free(ka);
  free(kb);
}

static void busy_port_fails_to_start(void **state) {
  central_server s;
  char listen[64], out[1024];
  const char *argv[] = {bin, "--listen", listen, "--db", NULL, NULL};
  char db[400];
  (void)state;
  assert_int_equal(central_client_start(&s, NULL, NULL, 0), 0);
  snprintf(listen, sizeof listen, "127.0.0.1:%d", s.port);
  snprintf(db, sizeof db, "%s/other.db", s.dir);
  argv[4] = db;
  assert_int_equal(central_client_run(argv, out, sizeof out), 1);
  assert_null(strstr(out, "listening on"));
  assert_int_equal(central_client_stop(&s), 0);
  central_client_cleanup(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(help_prints_usage_and_exits_0),
      cmocka_unit_test(version_prints_the_version),
      cmocka_unit_test(bad_flags_exit_2_with_one_line),
      cmocka_unit_test(signing_key_survives_a_restart),
      cmocka_unit_test(two_databases_get_different_keys),
      cmocka_unit_test(busy_port_fails_to_start),
  };
  const char *dir = getenv("KIOSK_BUILD_DIR");
  snprintf(bin, sizeof bin, "%s/kiosk-central", dir ? dir : ".");
  return cmocka_run_group_tests(tests, NULL, NULL);
}
