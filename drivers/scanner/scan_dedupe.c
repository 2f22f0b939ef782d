#include "scan_dedupe.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "kerr.h"

struct scan_dedupe {
  int64_t window_ms, last_ms;
  int have;
  unsigned char digest[16];
};

int scan_dedupe_new(scan_dedupe **out, int64_t window_ms, char *msg) {
  scan_dedupe *d;
  if (!out || window_ms < 0)
    return kerr_set(msg, KERR_INVALID, "scan_dedupe: bad window");
  if (sodium_init() < 0)
    return kerr_set(msg, KERR_UNSUPPORTED, "scan_dedupe: sodium_init failed");
  d = calloc(1, sizeof *d);
  if (!d) return kerr_set(msg, KERR_NOMEM, "scan_dedupe: out of memory");
  d->window_ms = window_ms;
  *out = d;
  return KERR_OK;
}

void scan_dedupe_free(scan_dedupe *d) { free(d); }

int scan_dedupe_fresh(scan_dedupe *d, const char *payload, size_t len,
                      int64_t now_ms) {
  unsigned char dg[16];
  int fresh;
  if (!d || !payload) return 1;
  crypto_generichash(dg, sizeof dg, (const unsigned char *)payload, len, NULL, 0);
  fresh = !d->have || memcmp(dg, d->digest, sizeof dg) != 0 ||
          now_ms - d->last_ms > d->window_ms || now_ms < d->last_ms;
  memcpy(d->digest, dg, sizeof dg);
  d->last_ms = now_ms;
  d->have = 1;
  return fresh;
}
