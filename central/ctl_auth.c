#include "ctl_auth.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "reqsig.h"

int ctl_auth_check(const ctl_env *env, ctl_req *req, const char *kiosk_id,
                   const char *timestamp, const char *signature) {
  char secret[160];
  char *end = NULL;
  long long ts;
  int rc;

  if (!kiosk_id || !*kiosk_id || !timestamp || !*timestamp || !signature ||
      !*signature)
    return ctl_req_error(req, 401, "unauthorized",
                         "X-Kiosk-Id, X-Kiosk-Timestamp and X-Kiosk-Signature "
                         "are required");
  errno = 0;
  ts = strtoll(timestamp, &end, 10);
  if (errno || *end != '\0' || end == timestamp)
    return ctl_req_error(req, 401, "unauthorized",
                         "X-Kiosk-Timestamp must be unix seconds");
  rc = ctl_env_kiosk_secret(env, kiosk_id, secret, sizeof secret);
  if (rc == KERR_NOT_FOUND || rc == KERR_INVALID)
    return ctl_req_error(req, 401, "unauthorized", "unknown kiosk");
  if (rc) return ctl_req_fail(req, "kiosk lookup failed");
  rc = reqsig_check(secret, req->method, req->path_query, (int64_t)ts,
                    req->body, req->body_len, signature);
  sodium_memzero(secret, sizeof secret);
  if (rc)
    return ctl_req_error(req, 401, "bad_signature",
                         "request signature does not match");
  if (!reqsig_skew_ok((int64_t)ts, req->now, REQSIG_MAX_SKEW_S))
    return ctl_req_error(req, 401, "stale_timestamp",
                         "kiosk clock %lld is more than %d s off the server's %lld",
                         (long long)ts, REQSIG_MAX_SKEW_S, (long long)req->now);
  req->kiosk_id = kiosk_id;
  return 0;
}
