/*
 * apiw: a worker thread that runs API requests so the UI thread never waits.
 *
 * The UI submits a request with a tag and gets the answer later through the
 * on_done callback, which runs on the worker thread: the kiosk's callback
 * only wraps the result into an SDL event, so all real handling happens back
 * on the UI thread. Requests run one at a time, in submission order.
 *
 * Contract: apiw_submit() never blocks on the network (it copies the request
 * and queues it) and returns KERR_BUSY when more than 64 requests wait. Each
 * submitted request produces exactly one on_done call, also at shutdown
 * (status KERR_BUSY, "shutting down"). The callback owns the result and must
 * call apiw_result_free() on it.
 */
#ifndef APIW_H
#define APIW_H

#include "api.h"

typedef struct apiw apiw;

typedef struct {
  int tag;              /* the caller's, returned unchanged */
  void *user;           /* the caller's, returned unchanged */
  int rc;               /* KERR_OK when an HTTP answer arrived */
  api_response resp;    /* valid when rc == KERR_OK */
  kerr_msg msg;         /* detail when rc != KERR_OK */
} apiw_result;

typedef void (*apiw_done_fn)(void *ctx, apiw_result *result);

int apiw_start(const api_config *cfg, apiw_done_fn on_done, void *ctx,
               apiw **out, char *msg);
int apiw_submit(apiw *w, int tag, void *user, const char *method,
                const char *path, const json_t *body,
                const char *idempotency_key);
void apiw_stop(apiw *w);
void apiw_result_free(apiw_result *result);

#endif
