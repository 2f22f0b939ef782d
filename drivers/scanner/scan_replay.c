#include "scan_replay.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "kerr.h"

#define DIGEST 16

typedef struct {
  unsigned char digest[DIGEST];
  int64_t expires; /* 0: free slot */
} entry;

struct scan_replay {
  size_t cap;
  entry slot[];
};

int scan_replay_new(scan_replay **out, size_t capacity, char *msg) {
  scan_replay *r;
  if (!out || capacity == 0 || capacity > 1u << 20)
    return kerr_set(msg, KERR_INVALID, "scan_replay: capacity 1..%u", 1u << 20);
  if (sodium_init() < 0)
    return kerr_set(msg, KERR_UNSUPPORTED, "scan_replay: sodium_init failed");
  r = calloc(1, sizeof *r + capacity * sizeof(entry));
  if (!r) return kerr_set(msg, KERR_NOMEM, "scan_replay: %zu entries", capacity);
  r->cap = capacity;
  *out = r;
  return KERR_OK;
}

void scan_replay_free(scan_replay *r) { free(r); }

static void digest(const char *code, size_t len, unsigned char out[DIGEST]) {
  crypto_generichash(out, DIGEST, (const unsigned char *)code, len, NULL, 0);
}

int scan_replay_add(scan_replay *r, const char *code, size_t len,
                    int64_t expires_unix, int64_t now_unix) {
  unsigned char d[DIGEST];
  size_t i, victim = 0;
  int dropped;
  if (!r || !code) return 0;
  digest(code, len, d);
  for (i = 0; i < r->cap; i++) {
    entry *e = &r->slot[i];
    if (e->expires != 0 && e->expires <= now_unix) e->expires = 0;
    if (e->expires != 0 && memcmp(e->digest, d, DIGEST) == 0) {
      if (expires_unix > e->expires) e->expires = expires_unix;
      return 0;
    }
    if (r->slot[victim].expires != 0 &&
        (e->expires == 0 || e->expires < r->slot[victim].expires))
      victim = i;
  }
  dropped = r->slot[victim].expires != 0;
  memcpy(r->slot[victim].digest, d, DIGEST);
  /* expires 0 marks a free slot; a code from 1970 is long expired anyway */
  r->slot[victim].expires = expires_unix > 0 ? expires_unix : 1;
  return dropped;
}

int scan_replay_seen(const scan_replay *r, const char *code, size_t len,
                     int64_t now_unix) {
  unsigned char d[DIGEST];
  size_t i;
  if (!r || !code) return 0;
  digest(code, len, d);
  for (i = 0; i < r->cap; i++)
    if (r->slot[i].expires > now_unix &&
        memcmp(r->slot[i].digest, d, DIGEST) == 0)
      return 1;
  return 0;
}
