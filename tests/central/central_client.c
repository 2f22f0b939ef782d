/* nftw() is an XSI interface. */
#define _XOPEN_SOURCE 700

#include "central_client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mcode.h"
#include "reqsig.h"

static const char *binary(char *buf, size_t cap) {
  const char *dir = getenv("KIOSK_BUILD_DIR");
  snprintf(buf, cap, "%s/kiosk-central", dir ? dir : ".");
  return buf;
}

int central_client_start(central_server *s, const char *const *extra,
                         const char *dir, int flags) {
  char bin[512], listen[] = "127.0.0.1:0", line[256];
  const char *argv[32];
  int pipefd[2], n = 0, i;
  size_t got = 0;

  memset(s, 0, sizeof *s);
  if (dir) {
    snprintf(s->dir, sizeof s->dir, "%s", dir);
  } else {
    snprintf(s->dir, sizeof s->dir, "/tmp/central-test-XXXXXX");
    if (!mkdtemp(s->dir)) return -1;
  }
  snprintf(s->db, sizeof s->db, "%s/central.db", s->dir);
  argv[n++] = binary(bin, sizeof bin);
  argv[n++] = "--listen";
  argv[n++] = listen;
  argv[n++] = "--db";
  argv[n++] = s->db;
  argv[n++] = "--demo";
  if (!(flags & CENTRAL_CLIENT_NO_SEED)) {
    argv[n++] = "--signing-seed";
    argv[n++] = CENTRAL_CLIENT_SEED;
  }
  for (i = 0; extra && extra[i] && n < 31; i++) argv[n++] = extra[i];
  argv[n] = NULL;
  if (pipe(pipefd) != 0) return -1;
  s->pid = fork();
  if (s->pid < 0) return -1;
  if (s->pid == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    close(pipefd[1]);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(pipefd[1]);
  s->out_fd = pipefd[0];
  while (got + 1 < sizeof line) {
    ssize_t r = read(s->out_fd, line + got, 1);
    if (r <= 0) break;
    if (line[got] == '\n') break;
    got++;
  }
  line[got] = '\0';
  if (sscanf(line, "listening on http://127.0.0.1:%d", &s->port) != 1) {
    fprintf(stderr, "central did not start: '%s'\n", line);
    central_client_stop(s);
    return -1;
  }
  return 0;
}

int central_client_stop(central_server *s) {
  int status = 0;
  if (s->pid <= 0) return -1;
  kill(s->pid, SIGTERM);
  while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {
  }
  s->pid = 0;
  if (s->out_fd > 0) close(s->out_fd);
  s->out_fd = 0;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int rm_one(const char *path, const struct stat *sb, int flag,
                  struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void central_client_cleanup(central_server *s) {
  if (s->dir[0]) nftw(s->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static size_t on_body(char *data, size_t size, size_t n, void *user) {
  central_resp *r = user;
  char *b = realloc(r->body, r->len + size * n + 1);
  if (!b) return 0;
  memcpy(b + r->len, data, size * n);
  r->body = b;
  r->len += size * n;
  r->body[r->len] = '\0';
  return size * n;
}

static void copy_header(char *dst, size_t cap, const char *line, size_t n,
                        const char *name) {
  size_t k = strlen(name);
  if (n > k && strncasecmp(line, name, k) == 0) {
    const char *v = line + k;
    size_t vn = n - k;
    while (vn && (*v == ' ')) v++, vn--;
    while (vn && (v[vn - 1] == '\r' || v[vn - 1] == '\n')) vn--;
    if (vn >= cap) vn = cap - 1;
    memcpy(dst, v, vn);
    dst[vn] = '\0';
  }
}

static size_t on_header(char *data, size_t size, size_t n, void *user) {
  central_resp *r = user;
  copy_header(r->etag, sizeof r->etag, data, size * n, "ETag:");
  copy_header(r->content_type, sizeof r->content_type, data, size * n,
              "Content-Type:");
  return size * n;
}

typedef struct {
  const char *data;
  size_t len, off;
} upload;

static size_t on_read(char *buf, size_t size, size_t n, void *user) {
  upload *u = user;
  size_t k = size * n;
  if (k > u->len - u->off) k = u->len - u->off;
  memcpy(buf, u->data + u->off, k);
  u->off += k;
  return k;
}

int central_client_request(const central_server *s, const char *method,
                           const char *path, const char *body, size_t len,
                           const central_req_opts *o, central_resp *out) {
  static const central_req_opts none;
  char url[2048], h[256], sig[REQSIG_HEX_LEN + 1];
  struct curl_slist *hdrs = NULL;
  upload up = {body, len, 0};
  CURL *c = curl_easy_init();
  int64_t ts = (int64_t)time(NULL);
  CURLcode cc;

  if (!o) o = &none;
  memset(out, 0, sizeof *out);
  if (!c) return -1;
  snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
  if (body) {
    if (o->chunked) {
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(c, CURLOPT_READDATA, &up);
      hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
    } else {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
  }
  hdrs = curl_slist_append(hdrs, "Expect:");
  if (!o->unsigned_request) {
    ts += o->clock_offset;
    const char *sb = o->signed_body ? o->signed_body : body;
    reqsig_sign(o->secret ? o->secret : "demo-secret", method,
                o->signed_path ? o->signed_path : path, ts, sb,
                o->signed_body ? strlen(sb) : (body ? len : 0), sig);
    if (o->tamper_signature) sig[0] = sig[0] == '0' ? '1' : '0';
    snprintf(h, sizeof h, "X-Kiosk-Id: %s",
             o->kiosk_id ? o->kiosk_id : "demo-kiosk");
    hdrs = curl_slist_append(hdrs, h);
    snprintf(h, sizeof h, "X-Kiosk-Timestamp: %lld", (long long)ts);
    hdrs = curl_slist_append(hdrs, h);
    snprintf(h, sizeof h, "X-Kiosk-Signature: %s", sig);
    hdrs = curl_slist_append(hdrs, h);
  }
  if (o->idem_key) {
    snprintf(h, sizeof h, "Idempotency-Key: %s", o->idem_key);
    hdrs = curl_slist_append(hdrs, h);
  }
  if (o->if_none_match) {
    snprintf(h, sizeof h, "If-None-Match: %s", o->if_none_match);
    hdrs = curl_slist_append(hdrs, h);
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
  cc = curl_easy_perform(c);
  if (cc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
  else fprintf(stderr, "curl %s %s: %s\n", method, path, curl_easy_strerror(cc));
  curl_slist_free_all(hdrs);
  curl_easy_cleanup(c);
  if (out->body) out->json = json_loadb(out->body, out->len, 0, NULL);
  return cc == CURLE_OK ? 0 : -1;
}

void central_client_resp_free(central_resp *r) {
  json_decref(r->json);
  free(r->body);
  memset(r, 0, sizeof *r);
}

const char *central_client_error(const central_resp *r) {
  const char *e = json_string_value(json_object_get(r->json, "error"));
  return e ? e : "";
}

int central_client_code(const char *member, const char *tier, int64_t points,
                        int64_t issued, char *out) {
  unsigned char seed[32], pk[32], sk[64];
  mcode_claims c;
  size_t n = 0;
  int rc;
  memset(&c, 0, sizeof c);
  snprintf(c.member_id, sizeof c.member_id, "%s", member);
  snprintf(c.tier, sizeof c.tier, "%s", tier);
  c.points = points;
  c.issued = issued;
  if (sodium_init() < 0 ||
      sodium_hex2bin(seed, 32, CENTRAL_CLIENT_SEED, 64, NULL, &n, NULL) != 0)
    return -1;
  crypto_sign_seed_keypair(pk, sk, seed);
  rc = mcode_sign(&c, sk, out, MCODE_MAX_LEN + 1);
  sodium_memzero(sk, sizeof sk);
  return rc;
}

int central_client_run(const char *const *argv, char *out, size_t cap) {
  int pipefd[2], status = 0;
  size_t got = 0;
  pid_t pid;
  if (pipe(pipefd) != 0) return -1;
  pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(pipefd[1]);
  for (;;) {
    char sink[512];
    ssize_t r = got + 1 < cap ? read(pipefd[0], out + got, cap - 1 - got)
                              : read(pipefd[0], sink, sizeof sink);
    if (r <= 0) break;
    if (got + 1 < cap) got += (size_t)r;
  }
  out[got] = '\0';
  close(pipefd[0]);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

central_resp central_client_call(central_client_ctx *c, const char *method,
                                 const char *path, const char *body,
                                 const char *key) {
  central_req_opts o = {.idem_key = key, .clock_offset = c->clock_offset};
  central_resp r;
  assert_int_equal(central_client_request(c->srv, method, path, body,
                                          body ? strlen(body) : 0, &o, &r),
                   0);
  return r;
}

central_resp central_client_change(central_client_ctx *c, const char *path,
                                   const char *body) {
  char key[32];
  snprintf(key, sizeof key, "%s%d", c->key_prefix, ++c->key_no);
  return central_client_call(c, "POST", path, body, key);
}

void central_client_expect_error(central_resp *r, long status,
                                 const char *code) {
  if (r->status != status || strcmp(central_client_error(r), code) != 0)
    fprintf(stderr, "got %ld %s\n", r->status, r->body ? r->body : "");
  assert_int_equal(r->status, status);
  assert_string_equal(central_client_error(r), code);
  central_client_resp_free(r);
}

json_int_t central_client_num(json_t *obj, const char *key) {
  assert_true(json_is_integer(json_object_get(obj, key)));
  return json_integer_value(json_object_get(obj, key));
}

json_int_t central_client_balance(central_client_ctx *c, const char *member) {
  char path[64];
  central_resp r;
  json_int_t b;
  snprintf(path, sizeof path, "/v1/members/%s", member);
  r = central_client_call(c, "GET", path, NULL, NULL);
  assert_int_equal(r.status, 200);
  b = central_client_num(r.json, "points");
  central_client_resp_free(&r);
  return b;
}

void central_client_demo_code(central_client_ctx *c, const char *shop,
                              const char *no, char *out, size_t cap) {
  central_resp r =
      central_client_call(c, "GET", "/v1/demo/receipts", NULL, NULL);
  size_t i;
  json_t *it;
  out[0] = '\0';
  assert_int_equal(r.status, 200);
  json_array_foreach(json_object_get(r.json, "receipts"), i, it) {
    if (strcmp(json_string_value(json_object_get(it, "shop_id")), shop) == 0 &&
        strcmp(json_string_value(json_object_get(it, "receipt_no")), no) == 0)
      snprintf(out, cap, "%s", json_string_value(json_object_get(it, "code")));
  }
  central_client_resp_free(&r);
  assert_true(out[0] != '\0');
}

typedef struct {
  pthread_barrier_t *start;
  void *(*fn)(void *);
  void *arg;
} starter;

/* Every thread waits here so the requests leave together. */
static void *start_together(void *arg) {
  starter *st = arg;
  pthread_barrier_wait(st->start);
  return st->fn(st->arg);
}

void central_client_run_all(void *jobs, size_t stride, int n,
                            void *(*fn)(void *)) {
  pthread_t t[CENTRAL_CLIENT_MAX_JOBS];
  starter st[CENTRAL_CLIENT_MAX_JOBS];
  pthread_barrier_t start;
  int i;
  assert_true(n > 0 && n <= CENTRAL_CLIENT_MAX_JOBS);
  pthread_barrier_init(&start, NULL, (unsigned)n);
  for (i = 0; i < n; i++) {
    st[i].start = &start;
    st[i].fn = fn;
    st[i].arg = (char *)jobs + (size_t)i * stride;
    assert_int_equal(pthread_create(&t[i], NULL, start_together, &st[i]), 0);
  }
  for (i = 0; i < n; i++) pthread_join(t[i], NULL);
  pthread_barrier_destroy(&start);
}
