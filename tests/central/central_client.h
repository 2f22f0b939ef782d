/*
 * central_client: test harness for kiosk-central. Starts the real binary
 * (from $KIOSK_BUILD_DIR) on a free loopback port with a fresh database in a
 * temporary folder, and sends signed requests to it with libcurl and
 * common/reqsig.h, the way a kiosk does.
 *
 * Contract: the server runs with --demo and --signing-seed
 * CENTRAL_CLIENT_SEED, so tests can sign member codes of their own
 * (central_client_code). central_client_stop() sends SIGTERM and returns the
 * exit status (0 on a clean stop). Every response is read whole; the caller
 * frees it with central_client_resp_free().
 */
#ifndef CENTRAL_CLIENT_H
#define CENTRAL_CLIENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CENTRAL_CLIENT_SEED \
  "0101010101010101010101010101010101010101010101010101010101010101"

typedef struct {
  pid_t pid;
  int out_fd;
  int port;
  char dir[256];
  char db[300];
} central_server;

typedef struct {
  const char *kiosk_id;    /* NULL = "demo-kiosk" */
  const char *secret;      /* NULL = "demo-secret" */
  int unsigned_request;    /* send no X-Kiosk-* headers */
  int64_t clock_offset;    /* added to the timestamp */
  int tamper_signature;    /* flip one hex digit */
  const char *idem_key;    /* Idempotency-Key */
  const char *if_none_match;
  int chunked;             /* send the body without Content-Length */
  const char *signed_path; /* sign this path instead of the one sent */
  const char *signed_body; /* sign this body instead of the one sent */
} central_req_opts;

typedef struct {
  long status;
  char *body;
  size_t len;
  json_t *json; /* NULL when the body is not JSON */
  char etag[128];
  char content_type[128];
} central_resp;

#define CENTRAL_CLIENT_NO_SEED 1 /* let the server use its stored key */

/* extra: NULL-terminated list of more flags, or NULL. dir: reuse this state
 * folder (for restarts) or NULL for a fresh one. Returns 0 or -1. */
int central_client_start(central_server *s, const char *const *extra,
                         const char *dir, int flags);
int central_client_stop(central_server *s);
/* Removes the temporary folder. */
void central_client_cleanup(central_server *s);

int central_client_request(const central_server *s, const char *method,
                           const char *path, const char *body, size_t len,
                           const central_req_opts *o, central_resp *out);
void central_client_resp_free(central_resp *r);

/* "error" of a JSON error body, "" when there is none. */
const char *central_client_error(const central_resp *r);

/* Signs a member code with CENTRAL_CLIENT_SEED into out[201]. */
int central_client_code(const char *member, const char *tier, int64_t points,
                        int64_t issued, char *out);

/* Runs a command line and returns its exit status, output in out (cap). */
int central_client_run(const char *const *argv, char *out, size_t cap);

/* Request helpers for cmocka tests: they fail the running test (cmocka
 * assertions) instead of returning an error. The context keeps the key
 * counter outside the server so keys stay unique across restarts. */
typedef struct {
  central_server *srv;
  const char *key_prefix; /* Idempotency-Keys are "<prefix><n>" */
  int key_no;
  int64_t clock_offset; /* added to every request's timestamp */
} central_client_ctx;

/* One signed request; key is the Idempotency-Key or NULL. */
central_resp central_client_call(central_client_ctx *c, const char *method,
                                 const char *path, const char *body,
                                 const char *key);
/* A POST state change with a fresh Idempotency-Key. */
central_resp central_client_change(central_client_ctx *c, const char *path,
                                   const char *body);
/* Asserts the status and "error" code, then frees r. */
void central_client_expect_error(central_resp *r, long status,
                                 const char *code);
/* Asserts obj[key] is an integer and returns it. */
json_int_t central_client_num(json_t *obj, const char *key);
/* The member's points from GET /v1/members/<member>. */
json_int_t central_client_balance(central_client_ctx *c, const char *member);
/* The signed code of receipt shop/no from the demo feed into out; asserts
 * that the feed has it. */
void central_client_demo_code(central_client_ctx *c, const char *shop,
                              const char *no, char *out, size_t cap);
/* Starts n threads (n <= CENTRAL_CLIENT_MAX_JOBS) that wait on one barrier,
 * so they fire together, then each runs fn(jobs + i * stride); joins all. */
#define CENTRAL_CLIENT_MAX_JOBS 64
void central_client_run_all(void *jobs, size_t stride, int n,
                            void *(*fn)(void *));

#endif
