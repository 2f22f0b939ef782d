/*
 * End to end: the real kiosk-central against clients that misbehave and
 * against time. A client that sends its headers and then stops, or trickles
 * its body a byte at a time, is cut off by the server's timeout (--timeout 1
 * here) while every other request keeps being served; a body over 64 KiB is
 * 413 payload_too_large on every route that takes one; and with the clock
 * moved forty days on (--clock-offset, restart on the same database) an
 * unused voucher reads expired, cannot be used, can still be voided for its
 * points, and points past their expiry date leave the balance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "central_client.h"

#define DAY_S 86400
#define LATER (40 * DAY_S)

static central_server srv;
static const char *const fast_timeout[] = {"--timeout", "1", NULL};
static int key_no;

static int up(void **state) {
  (void)state;
  return central_client_start(&srv, fast_timeout, NULL, 0);
}

static int down(void **state) {
  int rc;
  (void)state;
  rc = central_client_stop(&srv);
  central_client_cleanup(&srv);
  return rc;
}

static central_resp call(const char *method, const char *path,
                         const char *body, size_t len, int64_t offset) {
  char key[32];
  central_req_opts o = {.clock_offset = offset};
  central_resp r;
  if (method[0] == 'P') {
    snprintf(key, sizeof key, "robust-%d", ++key_no);
    o.idem_key = key;
  }
  assert_int_equal(
      central_client_request(&srv, method, path, body, len, &o, &r), 0);
  return r;
}

static void health_is_served(void) {
  central_resp r = call("GET", "/v1/health", NULL, 0, 0);
  assert_int_equal(r.status, 200);
  central_client_resp_free(&r);
}

static int connect_raw(void) {
  struct sockaddr_in a;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)srv.port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  return fd;
}

static void send_all(int fd, const char *s) {
  size_t n = strlen(s);
  assert_int_equal(send(fd, s, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* 1 once the server has closed fd (EOF or reset) within wait_ms, 0 while it
 * is still open. Any bytes the server sends are read and dropped. */
static int closed_by_server(int fd, int wait_ms) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  char buf[512];
  ssize_t n;
  if (poll(&p, 1, wait_ms) <= 0) return 0;
  n = recv(fd, buf, sizeof buf, 0);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

static const char head[] =
    "POST /v1/members/resolve HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n";

static void client_that_stops_is_closed_and_others_are_served(void **state) {
  int fd = connect_raw(), i, closed = 0;
  (void)state;
  send_all(fd, head);
  send_all(fd, "{\"code\":");
  /* The stalled connection holds no worker: others are answered now. */
  health_is_served();
  /* Liveness bound only (--timeout 1): far above the timeout, never a
   * measurement. */
  for (i = 0; i < 300 && !closed; i++) {
    closed = closed_by_server(fd, 100);
    if (i % 10 == 0) health_is_served();
  }
  close(fd);
  assert_true(closed);
  health_is_served();
}

static void client_that_trickles_is_closed_and_others_are_served(void **state) {
  int fd = connect_raw(), i, closed = 0;
  (void)state;
  send_all(fd, head);
  /* A byte every 100 ms is never 1 s of silence: the idle timeout alone
   * would keep this connection for the whole 200-byte body. */
  for (i = 0; i < 300 && !closed; i++) {
    if (send(fd, " ", 1, MSG_NOSIGNAL) != 1) {
      closed = 1;
      break;
    }
    closed = closed_by_server(fd, 100);
    if (i % 10 == 0) health_is_served();
  }
  close(fd);
  /* It never got to send its 200 bytes: cut off before the body was whole. */
  assert_true(closed);
  assert_true(i < 200);
  health_is_served();
}

static void many_stalled_clients_do_not_stop_the_server(void **state) {
  int fds[40], i;
  (void)state;
  for (i = 0; i < 40; i++) {
    fds[i] = connect_raw();
    send_all(fds[i], head);
  }
  for (i = 0; i < 20; i++) health_is_served();
  for (i = 0; i < 40; i++) close(fds[i]);
}

static void oversize_body_is_refused_on_every_route(void **state) {
  static const char *const routes[] = {
      "/v1/members/resolve", "/v1/redemptions", "/v1/parking/coupons",
      "/v1/checkins",        "/v1/kiosk/heartbeat"};
  size_t n = 64 * 1024 + 1, i;
  char *big = malloc(n + 1);
  central_resp r;
  (void)state;
  assert_non_null(big);
  memset(big, ' ', n);
  big[0] = '{';
  big[n] = '\0';
  for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
    r = call("POST", routes[i], big, n, 0);
    central_client_expect_error(&r, 413, "payload_too_large");
  }
  /* Even a GET that carries a body. */
  r = call("GET", "/v1/kiosk/config", big, n, 0);
  central_client_expect_error(&r, 413, "payload_too_large");
  free(big);
  health_is_served();
}

static json_int_t num(const central_resp *r, const char *key) {
  return json_integer_value(json_object_get(r->json, key));
}

static json_int_t balance(const char *member, int64_t offset) {
  char path[64];
  central_resp r;
  json_int_t v;
  snprintf(path, sizeof path, "/v1/members/%s", member);
  r = call("GET", path, NULL, 0, offset);
  assert_int_equal(r.status, 200);
  v = num(&r, "points");
  central_client_resp_free(&r);
  return v;
}

static void redeem(const char *body, char *code, size_t cap) {
  central_resp r = call("POST", "/v1/redemptions", body, strlen(body), 0);
  if (r.status != 201) fprintf(stderr, "got %ld %s\n", r.status, r.body);
  assert_int_equal(r.status, 201);
  snprintf(code, cap, "%s",
           json_string_value(
               json_object_get(json_object_get(r.json, "voucher"), "code")));
  central_client_resp_free(&r);
}

static void vouchers_and_points_expire_forty_days_later(void **state) {
  static const char *const later[] = {"--timeout", "1", "--clock-offset",
                                      "3456000", NULL};
  char unused[256], uncollected[256], path[400], dir[256];
  json_int_t silver, gold, diamond;
  central_resp r;
  (void)state;
  /* Diamond pays 1500 from its lot that expires in 15 days; gold pays 1200
   * from lots that expire in 45 and 75 days (demo data). */
  redeem("{\"member_id\":\"M100004\",\"item_id\":\"C003\"}", unused,
         sizeof unused);
  redeem("{\"member_id\":\"M100003\",\"item_id\":\"G002\"}", uncollected,
         sizeof uncollected);
  silver = balance("M100002", 0);
  gold = balance("M100003", 0);
  diamond = balance("M100004", 0);

  snprintf(dir, sizeof dir, "%s", srv.dir);
  assert_int_equal(central_client_stop(&srv), 0);
  assert_int_equal(central_client_start(&srv, later, dir, 0), 0);

  /* The signature check follows the server's clock: a kiosk still on
   * today's time is forty days stale. */
  r = call("GET", "/v1/kiosk/config", NULL, 0, 0);
  central_client_expect_error(&r, 401, "clock_skew");

  /* Points past their expiry leave the balance: silver's lot of 4000
   * (1500 left) ended after 25 days, diamond's (3500 left) after 15. */
  assert_int_equal(balance("M100002", LATER), silver - 1500);
  assert_int_equal(balance("M100004", LATER), diamond - 3500);
  assert_int_equal(balance("M100003", LATER), gold);

  snprintf(path, sizeof path, "/v1/vouchers/%s", unused);
  r = call("GET", path, NULL, 0, LATER);
  assert_int_equal(r.status, 200);
  assert_string_equal(json_string_value(json_object_get(r.json, "status")),
                      "expired");
  central_client_resp_free(&r);
  snprintf(path, sizeof path, "/v1/vouchers/%s/use", unused);
  r = call("POST", path, NULL, 0, LATER);
  central_client_expect_error(&r, 409, "voucher_expired");

  /* An uncollected gift can still be voided: its points go back to the
   * lots they came from, still alive here. */
  snprintf(path, sizeof path, "/v1/vouchers/%s/void", uncollected);
  r = call("POST", path, NULL, 0, LATER);
  assert_int_equal(r.status, 200);
  assert_int_equal(num(&r, "points_refunded"), 1200); /* gold price */
  assert_string_equal(json_string_value(json_object_get(r.json, "status")),
                      "void");
  central_client_resp_free(&r);
  assert_int_equal(balance("M100003", LATER), gold + 1200);

  /* Refunded points keep their expiry date: the expired voucher's 1500
   * go back to a lot that has expired, so the balance does not move. */
  snprintf(path, sizeof path, "/v1/vouchers/%s/void", unused);
  r = call("POST", path, NULL, 0, LATER);
  assert_int_equal(r.status, 200);
  assert_int_equal(num(&r, "points_refunded"), 1500);
  assert_int_equal(num(&r, "points_balance"), diamond - 3500);
  central_client_resp_free(&r);
  assert_int_equal(balance("M100004", LATER), diamond - 3500);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(client_that_stops_is_closed_and_others_are_served),
      cmocka_unit_test(client_that_trickles_is_closed_and_others_are_served),
      cmocka_unit_test(many_stalled_clients_do_not_stop_the_server),
      cmocka_unit_test(oversize_body_is_refused_on_every_route),
      cmocka_unit_test(vouchers_and_points_expire_forty_days_later),
  };
  return cmocka_run_group_tests(tests, up, down);
}
