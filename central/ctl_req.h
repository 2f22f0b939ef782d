/*
 * ctl_req: one HTTP exchange as a route handler sees it, independent of
 * libmicrohttpd, so handlers can be unit tested without a socket.
 *
 * Contract: the HTTP layer fills the request half (method, raw path and
 * query, decoded path segments, body, the authenticated kiosk id and the
 * headers handlers care about). A handler fills the reply half exactly once
 * with ctl_req_json(), ctl_req_error() or ctl_req_fail() (the last logs the
 * internal detail and answers 500 without leaking it). Error bodies are
 * always {"error": CODE, "message": TEXT}.
 */
#ifndef CTL_REQ_H
#define CTL_REQ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_REQ_MAX_SEGS 8
#define CTL_REQ_MAX_BODY (64 * 1024)

typedef struct {
  /* request */
  const char *method;
  const char *path_query; /* as sent, signed by the kiosk */
  const char *seg[CTL_REQ_MAX_SEGS]; /* percent-decoded path segments */
  int nseg;
  const char *body;
  size_t body_len;
  const char *kiosk_id;      /* "" before authentication */
  const char *idem_key;      /* Idempotency-Key header or NULL */
  const char *if_none_match; /* If-None-Match header or NULL */
  const char *cookie;        /* Cookie header or NULL (staff console) */
  const char *csrf_token;    /* X-CSRF-Token header or NULL */
  const char *content_type_in; /* Content-Type header or NULL */
  char staff_user[33];       /* "" until ctl_staff_check() passes */
  char staff_role[8];        /* "desk" or "admin" */
  int64_t now;
  /* reply */
  int status;
  json_t *json;             /* owned */
  unsigned char *raw;       /* owned, for non-JSON bodies */
  size_t raw_len;
  const char *content_type; /* static; NULL = application/json */
  char etag[72];            /* "" = none */
  char set_cookie[192];     /* "" = none */
  int staff; /* console answer: not cached, browser hardening headers */
} ctl_req;

/* Takes ownership of body. */
void ctl_req_json(ctl_req *r, int status, json_t *body);
/* Always returns -1 so handlers can `return ctl_req_error(...)`. */
int ctl_req_error(ctl_req *r, int status, const char *code, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
/* 500 internal_error; the detail (e.g. a sqlite message) goes to the log. */
int ctl_req_fail(ctl_req *r, const char *detail);

/* The body as a JSON object; on failure answers 400 invalid_request and
 * returns NULL. Unknown fields are the handler's to ignore. */
json_t *ctl_req_body_object(ctl_req *r);

/* Typed field readers: on a missing (when required) or mistyped field they
 * answer 400 invalid_request naming the field and return -1. */
int ctl_req_field_str(ctl_req *r, json_t *obj, const char *key, size_t maxlen,
                      const char **out);
int ctl_req_field_int(ctl_req *r, json_t *obj, const char *key, int64_t min,
                      int64_t max, int64_t *out);

/* Serialised reply body (JSON compact) for storage; caller frees. */
char *ctl_req_dump(const ctl_req *r);

void ctl_req_clear(ctl_req *r);

#endif
