/*
 * api: one signed HTTP request to the central membership API (libcurl).
 *
 * Contract: api_request() blocks for at most the configured timeout and is
 * meant for worker threads only, never the UI thread. One api handle belongs
 * to one thread at a time (it keeps its connection alive between calls).
 * Every request but GET /v1/health is signed as described in reqsig.h. The
 * return value says whether an HTTP answer arrived: KERR_OK with resp->status
 * set (2xx or not: a 4xx/5xx answer fills resp->error_code and
 * resp->error_message from the central's {"error","message"} body), or
 * KERR_NET / KERR_TIMEOUT / KERR_PROTO with curl's own message in msg. The
 * secret is never logged.
 *
 * HTTPS: the central's certificate and host name are always verified (curl's
 * VERIFYPEER and VERIFYHOST, never turned off), against ca_file when set,
 * else the system's CAs. A certificate that fails (unknown CA, expired, made
 * for another host) is KERR_NET with "certificate verification failed" in
 * msg, and nothing of the request is sent.
 *
 * The link: some answers are about the kiosk, not the request. Every handle
 * reports them into one process-wide state (api_link_get), so whichever
 * worker met the problem, the admin screen can show it: the central's
 * certificate not trusted (cleared by the next TLS answer), and the central
 * refusing the kiosk's clock (401 clock_skew, with the skew from the
 * answer's server_time; cleared by the next signed request it accepts). A
 * change is logged once, as a warning, not once per retry.
 */
#ifndef API_H
#define API_H

#include <jansson.h>
#include <stddef.h>

#include "kerr.h"

typedef struct api api;

typedef struct {
  const char *base_url; /* "http://127.0.0.1:8080", no trailing slash needed */
  const char *kiosk_id;
  const char *secret;
  long timeout_ms;      /* whole request; 0 means 5000 */
  const char *ca_file;  /* PEM bundle to trust for https, NULL for the system's */
} api_config;

typedef struct {
  long status;             /* HTTP status, 0 when no answer */
  json_t *body;            /* parsed JSON body, NULL when empty or not JSON */
  char error_code[48];     /* the central's "error", "" on success */
  char error_message[256]; /* the central's "message" */
} api_response;

int api_open(const api_config *cfg, api **out, char *msg);
void api_close(api *a);

/* body may be NULL; idempotency_key may be NULL (state changes must pass one). */
int api_request(api *a, const char *method, const char *path,
                const json_t *body, const char *idempotency_key,
                api_response *resp, char *msg);

void api_response_clear(api_response *resp);

/* An answer kept as the bytes that came (an image, or a JSON body the caller
 * stores verbatim such as the catalog cache), with the response's ETag. */
typedef struct {
  long status;             /* HTTP status, 0 when no answer */
  unsigned char *data;     /* malloc'd, NUL-terminated; NULL when empty */
  size_t len;
  char etag[128];          /* the ETag header as sent (quotes kept), or "" */
  char error_code[48];     /* on 4xx/5xx, from a JSON error body */
  char error_message[256];
} api_raw_response;

/* A request without a body (GET) that sends extra headers ("Name: value",
 * a NULL-terminated list, may be NULL: e.g. If-None-Match) and returns the
 * body unparsed. Same contract as api_request(): KERR_OK when an HTTP answer
 * arrived (a 304 Not Modified has status 304 and no data), signed the same
 * way, answers over 4 MiB refused (KERR_PROTO). */
int api_request_raw(api *a, const char *method, const char *path,
                    const char *const *headers, api_raw_response *resp,
                    char *msg);
void api_raw_response_clear(api_raw_response *resp);

typedef struct {
  unsigned gen;           /* bumps with every change below */
  int tls_untrusted;      /* the last TLS handshake failed verification */
  char tls_detail[200];   /* curl's words for it */
  int clock_skew;         /* the central's last verdict on our clock: off */
  int64_t skew_s;         /* our clock minus the central's, seconds */
} api_link_state;

/* A copy of the link state; cheap (one mutex), fine on the UI thread. */
void api_link_get(api_link_state *out);

#endif
