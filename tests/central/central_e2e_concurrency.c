/*
 * End to end: concurrent state changes never oversell or double-charge.
 * 64 parallel redemptions of an item with stock 5 by a member who can afford
 * 3: exactly 3 succeed, and ledger and stock agree. 32 parallel copies of one
 * request under one Idempotency-Key charge once and all get the same answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "central_client.h"

#define N 64

static central_server srv;

typedef struct {
  const char *body;
  char key[32];
  central_resp resp;
} job;

static void *run(void *arg) {
  job *j = arg;
  central_req_opts o = {.idem_key = j->key};
  central_client_request(&srv, "POST", "/v1/redemptions", j->body,
                         strlen(j->body), &o, &j->resp);
  return NULL;
}

static json_int_t get_int(const char *path, const char *item, const char *key) {
  central_resp r;
  json_int_t v = -1;
  assert_int_equal(central_client_request(&srv, "GET", path, NULL, 0, NULL, &r),
                   0);
  assert_int_equal(r.status, 200);
  if (item) {
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it) {
      if (strcmp(json_string_value(json_object_get(it, "id")), item) == 0)
        v = json_integer_value(json_object_get(it, key));
    }
  } else {
    v = json_integer_value(json_object_get(r.json, key));
  }
  central_client_resp_free(&r);
  return v;
}

static void parallel_redemptions_never_oversell(void **state) {
  static job jobs[N];
  int i, ok = 0, poor = 0, other = 0;
  (void)state;
  assert_int_equal(get_int("/v1/members/M100001", NULL, "points"), 1700);
  assert_int_equal(get_int("/v1/catalog", "G003", "stock"), 5);
  for (i = 0; i < N; i++) {
    jobs[i].body = "{\"member_id\":\"M100001\",\"item_id\":\"G003\"}";
    snprintf(jobs[i].key, sizeof jobs[i].key, "par-%d", i);
  }
  central_client_run_all(jobs, sizeof jobs[0], N, run);
  for (i = 0; i < N; i++) {
    if (jobs[i].resp.status == 201) ok++;
    else if (strcmp(central_client_error(&jobs[i].resp),
                    "insufficient_points") == 0)
      poor++;
    else {
      fprintf(stderr, "%ld %s\n", jobs[i].resp.status,
              jobs[i].resp.body ? jobs[i].resp.body : "(none)");
      other++;
    }
    central_client_resp_free(&jobs[i].resp);
  }
  assert_int_equal(ok, 3);
  assert_int_equal(poor, N - 3);
  assert_int_equal(other, 0);
  assert_int_equal(get_int("/v1/members/M100001", NULL, "points"), 200);
  assert_int_equal(get_int("/v1/catalog", "G003", "stock"), 2);
}

static void parallel_duplicates_charge_once(void **state) {
  static job jobs[32];
  json_int_t before = get_int("/v1/members/M100004", NULL, "points");
  int i;
  (void)state;
  for (i = 0; i < 32; i++) {
    jobs[i].body = "{\"member_id\":\"M100004\",\"item_id\":\"C003\"}";
    snprintf(jobs[i].key, sizeof jobs[i].key, "one-key");
  }
  central_client_run_all(jobs, sizeof jobs[0], 32, run);
  for (i = 0; i < 32; i++) {
    assert_int_equal(jobs[i].resp.status, 201);
    assert_string_equal(jobs[i].resp.body, jobs[0].resp.body);
  }
  for (i = 0; i < 32; i++) central_client_resp_free(&jobs[i].resp);
  assert_int_equal(get_int("/v1/members/M100004", NULL, "points"),
                   before - 1500);
}

static int up(void **state) {
  (void)state;
  curl_global_init(CURL_GLOBAL_ALL);
  return central_client_start(&srv, NULL, NULL, 0);
}

static int down(void **state) {
  int rc;
  (void)state;
  rc = central_client_stop(&srv);
  central_client_cleanup(&srv);
  curl_global_cleanup();
  return rc;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parallel_redemptions_never_oversell),
      cmocka_unit_test(parallel_duplicates_charge_once),
  };
  return cmocka_run_group_tests(tests, up, down);
}
