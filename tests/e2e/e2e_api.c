/* The signed API client and its worker against the real kiosk-central:
 * signing accepted, wrong credentials refused with the central's reason,
 * network failures and timeouts reported as such, every submitted request
 * answered exactly once. Needs KIOSK_CENTRAL_URL (tests/lib/with-central). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api.h"
#include "apiw.h"

static const char *central_url;

static api *open_client(const char *url, const char *id, const char *secret,
                        long timeout_ms) {
  api_config cfg = {url, id, secret, timeout_ms, NULL};
  api *a = NULL;
  kerr_msg msg = "";
  if (api_open(&cfg, &a, msg) != KERR_OK) fail_msg("api_open: %s", msg);
  return a;
}

static void health_answers_without_signature(void **state) {
  api *a = open_client(central_url, "nobody", "nothing", 3000);
  api_response r;
  kerr_msg msg = "";
  (void)state;
  assert_int_equal(api_request(a, "GET", "/v1/health", NULL, NULL, &r, msg), KERR_OK);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.body, "status")), "ok");
  api_response_clear(&r);
  api_close(a);
}

static void signed_request_is_accepted(void **state) {
  api *a = open_client(central_url, "demo-kiosk", "demo-secret", 3000);
  api_response r;
  kerr_msg msg = "";
  (void)state;
  assert_int_equal(api_request(a, "GET", "/v1/kiosk/config", NULL, NULL, &r, msg), KERR_OK);
  assert_int_equal(r.status, 200);
  assert_non_null(json_string_value(json_object_get(r.body, "member_code_public_key")));
  assert_string_equal(r.error_code, "");
  api_response_clear(&r);
  /* The same handle again: the kept-alive connection is reused. */
  assert_int_equal(api_request(a, "GET", "/v1/demo/members", NULL, NULL, &r, msg), KERR_OK);
  assert_int_equal(r.status, 200);
  assert_int_equal(json_array_size(json_object_get(r.body, "members")), 4);
  api_response_clear(&r);
  api_close(a);
}

static void wrong_secret_and_unknown_kiosk_are_refused(void **state) {
  api *a = open_client(central_url, "demo-kiosk", "not-the-secret", 3000);
  api *b = open_client(central_url, "ghost-kiosk", "demo-secret", 3000);
  api_response r;
  kerr_msg msg = "";
  (void)state;
  assert_int_equal(api_request(a, "GET", "/v1/kiosk/config", NULL, NULL, &r, msg), KERR_OK);
  assert_int_equal(r.status, 401);
  assert_string_equal(r.error_code, "bad_signature");
  api_response_clear(&r);
  assert_int_equal(api_request(b, "GET", "/v1/kiosk/config", NULL, NULL, &r, msg), KERR_OK);
  assert_int_equal(r.status, 401);
  assert_string_equal(r.error_code, "unauthorized");
  api_response_clear(&r);
  api_close(a);
  api_close(b);
}

static void error_body_is_parsed(void **state) {
  api *a = open_client(central_url, "demo-kiosk", "demo-secret", 3000);
  api_response r;
  kerr_msg msg = "";
  json_t *body = json_pack("{s:s}", "code", "KM1.garbage");
  (void)state;
  assert_int_equal(api_request(a, "POST", "/v1/members/resolve", body, NULL, &r, msg), KERR_OK);
  assert_int_equal(r.status, 422);
  assert_string_equal(r.error_code, "invalid_code");
  assert_true(strlen(r.error_message) > 0);
  api_response_clear(&r);
  json_decref(body);
  api_close(a);
}

static void refused_connection_is_a_network_error(void **state) {
  api *a = open_client("http://127.0.0.1:1", "demo-kiosk", "demo-secret", 2000);
  api_response r;
  kerr_msg msg = "";
  (void)state;
  assert_int_equal(api_request(a, "GET", "/v1/health", NULL, NULL, &r, msg), KERR_NET);
  assert_non_null(strstr(msg, "GET /v1/health"));
  assert_int_equal(r.status, 0);
  assert_null(r.body);
  api_close(a);
}

static void silent_server_times_out(void **state) {
  /* A socket that accepts connections (the kernel does) but never answers. */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  char url[64];
  api *a;
  api_response r;
  kerr_msg msg = "";
  (void)state;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(listen(fd, 4), 0);
  getsockname(fd, (struct sockaddr *)&sa, &len);
  snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(sa.sin_port));
  a = open_client(url, "demo-kiosk", "demo-secret", 300);
  assert_int_equal(api_request(a, "GET", "/v1/kiosk/config", NULL, NULL, &r, msg), KERR_TIMEOUT);
  api_close(a);
  close(fd);
}

static void catalog_etag_gives_304_and_assets_come_as_bytes(void **state) {
  api *a = open_client(central_url, "demo-kiosk", "demo-secret", 3000);
  api_raw_response r;
  kerr_msg msg = "";
  char inm[200];
  (void)state;
  assert_int_equal(api_request_raw(a, "GET", "/v1/catalog", NULL, &r, msg), KERR_OK);
  assert_int_equal(r.status, 200);
  assert_true(r.len > 2 && r.data[0] == '{');
  assert_int_equal(strlen((const char *)r.data), r.len); /* NUL-terminated */
  assert_true(strlen(r.etag) > 2 && r.etag[0] == '"');
  snprintf(inm, sizeof inm, "If-None-Match: %s", r.etag);
  api_raw_response_clear(&r);
  const char *hd[] = {inm, NULL};
  assert_int_equal(api_request_raw(a, "GET", "/v1/catalog", hd, &r, msg), KERR_OK);
  assert_int_equal(r.status, 304);
  assert_int_equal(r.len, 0);
  assert_null(r.data);
  api_raw_response_clear(&r);
  /* A stale ETag gets the whole catalog again. */
  const char *stale[] = {"If-None-Match: \"not-the-etag\"", NULL};
  assert_int_equal(api_request_raw(a, "GET", "/v1/catalog", stale, &r, msg), KERR_OK);
  assert_int_equal(r.status, 200);
  api_raw_response_clear(&r);
  /* A PNG: binary, with NULs, byte for byte. */
  assert_int_equal(api_request_raw(a, "GET", "/v1/assets/G001.png", NULL, &r, msg), KERR_OK);
  assert_int_equal(r.status, 200);
  assert_true(r.len > 100);
  assert_memory_equal(r.data, "\x89PNG\r\n\x1a\n", 8);
  assert_non_null(memchr(r.data, 0, r.len));
  api_raw_response_clear(&r);
  /* Refusals still carry the central's reason. */
  assert_int_equal(api_request_raw(a, "GET", "/v1/assets/nothing-here.png", NULL, &r, msg),
                   KERR_OK);
  assert_int_equal(r.status, 404);
  assert_string_equal(r.error_code, "not_found");
  api_raw_response_clear(&r);
  api_close(a);
}

typedef struct {
  pthread_mutex_t lock;
  int calls[8];
  int order[8];
  int n;
  long status[8];
} seen_t;

static void on_done(void *ctx, apiw_result *res) {
  seen_t *s = ctx;
  pthread_mutex_lock(&s->lock);
  s->calls[res->tag]++;
  s->status[res->tag] = res->rc == KERR_OK ? res->resp.status : res->rc;
  s->order[s->n++] = res->tag;
  pthread_mutex_unlock(&s->lock);
  apiw_result_free(res);
}

static void worker_answers_each_request_once_in_order(void **state) {
  api_config cfg = {central_url, "demo-kiosk", "demo-secret", 3000, NULL};
  seen_t seen;
  apiw *w = NULL;
  kerr_msg msg = "";
  int i;
  (void)state;
  memset(&seen, 0, sizeof seen);
  pthread_mutex_init(&seen.lock, NULL);
  assert_int_equal(apiw_start(&cfg, on_done, &seen, &w, msg), KERR_OK);
  for (i = 0; i < 6; i++)
    assert_int_equal(apiw_submit(w, i, NULL, "GET", i % 2 ? "/v1/health" : "/v1/nowhere", NULL, NULL), KERR_OK);
  apiw_stop(w); /* answers everything: run or "shutting down" */
  assert_int_equal(seen.n, 6);
  for (i = 0; i < 6; i++) {
    assert_int_equal(seen.calls[i], 1);
    assert_int_equal(seen.order[i], i);
    if (seen.status[i] > 0) assert_int_equal(seen.status[i], i % 2 ? 200 : 404);
    else assert_int_equal(seen.status[i], KERR_BUSY);
  }
  pthread_mutex_destroy(&seen.lock);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(health_answers_without_signature),
      cmocka_unit_test(signed_request_is_accepted),
      cmocka_unit_test(wrong_secret_and_unknown_kiosk_are_refused),
      cmocka_unit_test(error_body_is_parsed),
      cmocka_unit_test(refused_connection_is_a_network_error),
      cmocka_unit_test(silent_server_times_out),
      cmocka_unit_test(worker_answers_each_request_once_in_order),
      cmocka_unit_test(catalog_etag_gives_304_and_assets_come_as_bytes),
  };
  central_url = getenv("KIOSK_CENTRAL_URL");
  if (!central_url) {
    fprintf(stderr, "e2e_api: KIOSK_CENTRAL_URL is not set (run through tests/lib/with-central)\n");
    return 2;
  }
  return cmocka_run_group_tests(tests, NULL, NULL);
}
