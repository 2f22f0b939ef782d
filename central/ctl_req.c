#include "ctl_req.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"

void ctl_req_json(ctl_req *r, int status, json_t *body) {
  json_decref(r->json);
  r->status = status;
  r->json = body;
}

int ctl_req_error(ctl_req *r, int status, const char *code, const char *fmt,
                  ...) {
  char text[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  ctl_req_json(r, status, json_pack("{s:s, s:s}", "error", code, "message",
                                    text));
  return -1;
}

int ctl_req_fail(ctl_req *r, const char *detail) {
  klog_error("central", "%s %s: %s", r->method ? r->method : "?",
             r->path_query ? r->path_query : "?", detail ? detail : "?");
  return ctl_req_error(r, 500, "internal_error",
                       "the server could not complete the request");
}

json_t *ctl_req_body_object(ctl_req *r) {
  json_error_t err;
  json_t *obj;
  if (!r->body || r->body_len == 0) {
    ctl_req_error(r, 400, "invalid_request", "a JSON object body is required");
    return NULL;
  }
  /* jansson rejects invalid UTF-8 and NUL bytes, which is what we want. */
  obj = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
  if (!obj) {
    ctl_req_error(r, 400, "invalid_request", "body is not valid JSON: %s",
                  err.text);
    return NULL;
  }
  if (!json_is_object(obj)) {
    json_decref(obj);
    ctl_req_error(r, 400, "invalid_request", "body must be a JSON object");
    return NULL;
  }
  return obj;
}

int ctl_req_field_str(ctl_req *r, json_t *obj, const char *key, size_t maxlen,
                      const char **out) {
  json_t *v = json_object_get(obj, key);
  if (!v)
    return ctl_req_error(r, 400, "invalid_request", "field %s is required",
                         key);
  if (!json_is_string(v))
    return ctl_req_error(r, 400, "invalid_request", "field %s must be a string",
                         key);
  if (json_string_length(v) == 0 || json_string_length(v) > maxlen ||
      strlen(json_string_value(v)) != json_string_length(v))
    return ctl_req_error(r, 400, "invalid_request",
                         "field %s must be 1 to %zu bytes", key, maxlen);
  *out = json_string_value(v);
  return 0;
}

int ctl_req_field_int(ctl_req *r, json_t *obj, const char *key, int64_t min,
                      int64_t max, int64_t *out) {
  json_t *v = json_object_get(obj, key);
  if (!v)
    return ctl_req_error(r, 400, "invalid_request", "field %s is required",
                         key);
  if (!json_is_integer(v))
    return ctl_req_error(r, 400, "invalid_request",
                         "field %s must be an integer", key);
  if (json_integer_value(v) < min || json_integer_value(v) > max)
    return ctl_req_error(r, 400, "invalid_request",
                         "field %s must be between %lld and %lld", key,
                         (long long)min, (long long)max);
  *out = json_integer_value(v);
  return 0;
}

char *ctl_req_dump(const ctl_req *r) {
  return r->json ? json_dumps(r->json, JSON_COMPACT) : strdup("");
}

void ctl_req_clear(ctl_req *r) {
  json_decref(r->json);
  r->json = NULL;
  free(r->raw);
  r->raw = NULL;
  r->raw_len = 0;
  r->status = 0;
  r->content_type = NULL;
  r->etag[0] = '\0';
  r->set_cookie[0] = '\0';
}
