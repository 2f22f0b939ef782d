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

#endif
