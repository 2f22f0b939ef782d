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
  if (!reqsig_skew_ok((int64_t)ts, req->now, REQSIG_MAX_SKEW_S)) {
    long long now = (long long)req->now;
    /* Unsigned: a hostile timestamp (INT64_MIN) must not overflow. */
    unsigned long long by = ts < now
                                ? (unsigned long long)now - (unsigned long long)ts
                                : (unsigned long long)ts - (unsigned long long)now;
    ctl_req_error(req, 401, "clock_skew",
                  "kiosk clock %lld is %llu s %s the server's %lld "
                  "(at most %d s allowed): check the kiosk's time settings",
                  ts, by, ts < now ? "behind" : "ahead of", now,
                  REQSIG_MAX_SKEW_S);
    /* The kiosk tells its staff by how much: it only knows its own clock. */
    if (req->json)
      json_object_set_new(req->json, "server_time", json_integer(req->now));
    return -1;
  }
  req->kiosk_id = kiosk_id;
  return 0;
}
