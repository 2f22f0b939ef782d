#include "api.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "klog.h"
#include "reqsig.h"

#define MAX_ANSWER (4 * 1024 * 1024) /* a central answer larger than this is refused */

struct api {
  CURL *curl;
  char *base_url;
  char *kiosk_id;
  char *secret;
  char *ca_file;
  long timeout_ms;
  int64_t signed_at; /* X-Kiosk-Timestamp of the last request, 0 unsigned */
};

static pthread_mutex_t link_mu = PTHREAD_MUTEX_INITIALIZER;
static api_link_state link_state; /* under link_mu */

void api_link_get(api_link_state *out) {
  pthread_mutex_lock(&link_mu);
  *out = link_state;
  pthread_mutex_unlock(&link_mu);
}

/* curl's verdicts on the central's certificate (curl 7.88: an unknown CA, an
 * expired certificate and a wrong host name are all 60), and a ca_file
 * curl cannot read. */
static int tls_refused(CURLcode cc) {
  return cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
         cc == CURLE_SSL_ISSUER_ERROR || cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

static void link_tls(const api *a, int untrusted, const char *detail) {
  pthread_mutex_lock(&link_mu);
  if (link_state.tls_untrusted != untrusted ||
      (untrusted && strcmp(link_state.tls_detail, detail) != 0)) {
    link_state.tls_untrusted = untrusted;
    snprintf(link_state.tls_detail, sizeof link_state.tls_detail, "%s",
             untrusted ? detail : "");
    link_state.gen++;
    if (untrusted)
      klog_warn("api", "%s: certificate verification failed, nothing sent: "
                "%s (trusted CAs: %s)", a->base_url, detail,
                a->ca_file ? a->ca_file : "the system's");
    else
      klog_info("api", "%s: the central's certificate is trusted again",
                a->base_url);
  }
  pthread_mutex_unlock(&link_mu);
}

/* What a signed request's answer says about the kiosk's clock. */
static void link_clock(const api *a, long status, const char *error_code,
                       const json_t *body) {
  json_t *st = json_object_get(body, "server_time");
  int skewed = status == 401 && !strcmp(error_code, "clock_skew");
  int64_t skew = skewed && json_is_integer(st)
                     ? a->signed_at - (int64_t)json_integer_value(st)
                     : 0;
  /* Unsigned, or answered before or without the signature check. */
  if (!a->signed_at || status == 404 || status == 413 || status >= 500 ||
      (status == 401 && !skewed))
    return;
  pthread_mutex_lock(&link_mu);
  /* A new verdict, or the same skew moved by a minute: worth a line. */
  if (link_state.clock_skew != skewed ||
      (skewed && (skew - link_state.skew_s > 59 || link_state.skew_s - skew > 59))) {
    link_state.clock_skew = skewed;
    link_state.skew_s = skew;
    link_state.gen++;
    if (skewed)
      klog_warn("api", "clock skew: the central refuses this kiosk's clock, "
                "%lld s %s the central's (at most %d s allowed); transactions "
                "stay queued until the kiosk's time settings are fixed",
                (long long)(skew < 0 ? -skew : skew),
                skew < 0 ? "behind" : "ahead of", REQSIG_MAX_SKEW_S);
    else
      klog_info("api", "the central accepts this kiosk's clock again");
  }
  pthread_mutex_unlock(&link_mu);
}

typedef struct {
  char *data;
  size_t len;
  int too_large;
} answer_buf;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

int api_open(const api_config *cfg, api **out, char *msg) {
  api *a;
  size_t n;

  *out = NULL;
  if (!cfg || !cfg->base_url || !cfg->kiosk_id || !cfg->secret)
    return kerr_set(msg, KERR_INVALID, "api: base_url, kiosk_id and secret are required");
  pthread_once(&curl_once, curl_init_once);
  a = calloc(1, sizeof *a);
  if (!a) return kerr_set(msg, KERR_NOMEM, "api: out of memory");
  a->curl = curl_easy_init();
  a->base_url = strdup(cfg->base_url);
  a->kiosk_id = strdup(cfg->kiosk_id);
  a->secret = strdup(cfg->secret);
  a->ca_file = dup_or_null(cfg->ca_file);
  a->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 5000;
  if (!a->curl || !a->base_url || !a->kiosk_id || !a->secret ||
      (cfg->ca_file && !a->ca_file)) {
    api_close(a);
    return kerr_set(msg, KERR_NOMEM, "api: out of memory");
  }
  n = strlen(a->base_url);
  while (n > 0 && a->base_url[n - 1] == '/') a->base_url[--n] = '\0';
  *out = a;
  return KERR_OK;
}

void api_close(api *a) {
  if (!a) return;
  if (a->curl) curl_easy_cleanup(a->curl);
  free(a->base_url);
  free(a->kiosk_id);
  if (a->secret) {
    memset(a->secret, 0, strlen(a->secret));
    free(a->secret);
  }
  free(a->ca_file);
  free(a);
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata) {
  answer_buf *b = userdata;
  size_t n = size * nmemb;
  char *p;
  if (b->len + n > MAX_ANSWER) {
    b->too_large = 1;
    return 0; /* makes curl fail with CURLE_WRITE_ERROR */
  }
  p = realloc(b->data, b->len + n + 1);
  if (!p) return 0;
  memcpy(p + b->len, ptr, n);
  b->data = p;
  b->len += n;
  b->data[b->len] = '\0';
  return n;
}

void api_response_clear(api_response *resp) {
  if (!resp) return;
  if (resp->body) json_decref(resp->body);
  memset(resp, 0, sizeof *resp);
}

static void copy_str(char *dst, size_t cap, const char *src) {
  size_t n = src ? strlen(src) : 0;
  if (n >= cap) n = cap - 1;
  if (n) memcpy(dst, src, n);
  dst[n] = '\0';
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata) {
  char *etag = userdata;
  size_t n = size * nmemb;
  if (n > 5 && strncasecmp(ptr, "ETag:", 5) == 0) {
    const char *v = ptr + 5;
    size_t vl = n - 5;
    while (vl && (*v == ' ' || *v == '\t')) v++, vl--;
    while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' ')) vl--;
    if (vl < 128) {
      memcpy(etag, v, vl);
      etag[vl] = '\0';
    }
  }
  return n;
}

/* One request: the signature, the headers, curl. KERR_OK when an answer
 * came; *status and the answer's bytes (and ETag when etag is not NULL). */
static int perform(api *a, const char *method, const char *path,
                   const char *body_text, size_t body_len,
                   const char *idempotency_key, const char *const *extra,
                   answer_buf *answer, long *status, char *etag, char *msg) {
  char url[1024], sig[REQSIG_HEX_LEN + 1], hdr[256];
  char errbuf[CURL_ERROR_SIZE] = "";
  struct curl_slist *headers = NULL;
  int64_t now = (int64_t)time(NULL);
  CURLcode cc;
  int rc = KERR_OK;

  if (snprintf(url, sizeof url, "%s%s", a->base_url, path) >= (int)sizeof url)
    return kerr_set(msg, KERR_INVALID, "api: URL too long for %s", path);
  headers = curl_slist_append(headers, "Accept: application/json");
  if (body_text) headers = curl_slist_append(headers, "Content-Type: application/json");
  a->signed_at = 0;
  if (strcmp(path, "/v1/health") != 0) {
    a->signed_at = now;
    reqsig_sign(a->secret, method, path, now, body_text, body_len, sig);
    snprintf(hdr, sizeof hdr, "X-Kiosk-Id: %s", a->kiosk_id);
    headers = curl_slist_append(headers, hdr);
    snprintf(hdr, sizeof hdr, "X-Kiosk-Timestamp: %lld", (long long)now);
    headers = curl_slist_append(headers, hdr);
    snprintf(hdr, sizeof hdr, "X-Kiosk-Signature: %s", sig);
    headers = curl_slist_append(headers, hdr);
  }
  if (idempotency_key) {
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", idempotency_key);
    headers = curl_slist_append(headers, hdr);
  }
  for (size_t i = 0; extra && extra[i]; i++) headers = curl_slist_append(headers, extra[i]);

  curl_easy_reset(a->curl);
  curl_easy_setopt(a->curl, CURLOPT_URL, url);
  curl_easy_setopt(a->curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(a->curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(a->curl, CURLOPT_TIMEOUT_MS, a->timeout_ms);
  curl_easy_setopt(a->curl, CURLOPT_CONNECTTIMEOUT_MS, a->timeout_ms < 3000 ? a->timeout_ms : 3000);
  curl_easy_setopt(a->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(a->curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(a->curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(a->curl, CURLOPT_WRITEDATA, answer);
  curl_easy_setopt(a->curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (etag) {
    curl_easy_setopt(a->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(a->curl, CURLOPT_HEADERDATA, etag);
  }
  /* curl's defaults, set anyway: whatever else changes, the central's
   * certificate and its name are checked. */
  curl_easy_setopt(a->curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(a->curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (a->ca_file) curl_easy_setopt(a->curl, CURLOPT_CAINFO, a->ca_file);
  if (body_text) {
    curl_easy_setopt(a->curl, CURLOPT_POSTFIELDS, body_text);
    curl_easy_setopt(a->curl, CURLOPT_POSTFIELDSIZE, (long)body_len);
  }

  cc = curl_easy_perform(a->curl);
  if (tls_refused(cc)) {
    link_tls(a, 1, errbuf[0] ? errbuf : curl_easy_strerror(cc));
    rc = kerr_set(msg, KERR_NET, "%s %s: certificate verification failed: %s",
                  method, path, errbuf[0] ? errbuf : curl_easy_strerror(cc));
  } else if (cc != CURLE_OK) {
    int code = cc == CURLE_OPERATION_TIMEDOUT ? KERR_TIMEOUT
               : answer->too_large            ? KERR_PROTO
                                              : KERR_NET;
    rc = kerr_set(msg, code, "%s %s: %s%s%s", method, path,
                  answer->too_large ? "answer larger than 4 MiB" : curl_easy_strerror(cc),
                  errbuf[0] ? ": " : "", errbuf);
  } else {
    curl_easy_getinfo(a->curl, CURLINFO_RESPONSE_CODE, status);
    if (!strncmp(a->base_url, "https:", 6)) link_tls(a, 0, "");
  }
  curl_slist_free_all(headers);
  return rc;
}

/* The central's {"error","message"} of a 4xx/5xx answer. */
static void error_fields(const json_t *b, char *code, size_t code_cap,
                         char *message, size_t message_cap) {
  copy_str(code, code_cap, json_string_value(json_object_get(b, "error")));
  copy_str(message, message_cap, json_string_value(json_object_get(b, "message")));
  if (!code[0]) copy_str(code, code_cap, "http_error");
}

int api_request(api *a, const char *method, const char *path,
                const json_t *body, const char *idempotency_key,
                api_response *resp, char *msg) {
  char *body_text = NULL;
  size_t body_len = 0;
  answer_buf answer = {0};
  int rc;

  memset(resp, 0, sizeof *resp);
  if (body) {
    body_text = json_dumps(body, JSON_COMPACT);
    if (!body_text) return kerr_set(msg, KERR_NOMEM, "api: cannot encode the body of %s %s", method, path);
    body_len = strlen(body_text);
  }
  rc = perform(a, method, path, body_text, body_len, idempotency_key, NULL,
               &answer, &resp->status, NULL, msg);
  if (rc != KERR_OK) goto done;
  if (answer.len > 0) {
    json_error_t jerr;
    resp->body = json_loadb(answer.data, answer.len, 0, &jerr);
    if (!resp->body && resp->status >= 200 && resp->status < 300) {
      rc = kerr_set(msg, KERR_PROTO, "%s %s: answer %ld is not JSON: %s", method,
                    path, resp->status, jerr.text);
      goto done;
    }
  }
  if (resp->status >= 400)
    error_fields(resp->body, resp->error_code, sizeof resp->error_code,
                 resp->error_message, sizeof resp->error_message);
  link_clock(a, resp->status, resp->error_code, resp->body);

done:
  if (rc != KERR_OK) api_response_clear(resp);
  free(answer.data);
  free(body_text);
  return rc;
}

int api_request_raw(api *a, const char *method, const char *path,
                    const char *const *headers, api_raw_response *resp,
                    char *msg) {
  answer_buf answer = {0};
  memset(resp, 0, sizeof *resp);
  int rc = perform(a, method, path, NULL, 0, NULL, headers, &answer,
                   &resp->status, resp->etag, msg);
  if (rc != KERR_OK) {
    free(answer.data);
    resp->status = 0;
    resp->etag[0] = '\0';
    return rc;
  }
  resp->data = (unsigned char *)answer.data;
  resp->len = answer.len;
  if (resp->status >= 400) {
    json_t *b = answer.len ? json_loadb(answer.data, answer.len, 0, NULL) : NULL;
    error_fields(b, resp->error_code, sizeof resp->error_code,
                 resp->error_message, sizeof resp->error_message);
    link_clock(a, resp->status, resp->error_code, b);
    json_decref(b);
  } else {
    link_clock(a, resp->status, "", NULL);
  }
  return KERR_OK;
}

void api_raw_response_clear(api_raw_response *resp) {
  if (!resp) return;
  free(resp->data);
  memset(resp, 0, sizeof *resp);
}
