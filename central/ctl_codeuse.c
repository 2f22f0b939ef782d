#include "ctl_codeuse.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define DIGEST 16

typedef struct {
  unsigned char digest[DIGEST];
  char kiosk[65];
  int64_t expires; /* 0: free */
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry table[CTL_CODEUSE_CAPACITY];

/* Open addressing: a code lives in the PROBE slots after its digest's
 * home slot, so a claim looks at PROBE entries, not the whole table. */
#define PROBE 64

ctl_codeuse_result ctl_codeuse_claim(const char *code, size_t len,
                                     const char *kiosk_id, int64_t expires_unix,
                                     int64_t now_unix) {
  unsigned char d[DIGEST];
  crypto_generichash(d, sizeof d, (const unsigned char *)code, len, NULL, 0);
  uint32_t home = ((uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 |
                   (uint32_t)d[3] << 24) % CTL_CODEUSE_CAPACITY;
  ctl_codeuse_result res = CTL_CODEUSE_FIRST;
  pthread_mutex_lock(&lock);
  entry *slot = NULL, *soonest = NULL;
  for (size_t k = 0; k < PROBE; k++) {
    entry *e = &table[(home + k) % CTL_CODEUSE_CAPACITY];
    if (e->expires && e->expires < now_unix) e->expires = 0; /* expired */
    if (!e->expires) {
      if (!slot) slot = e;
      continue;
    }
    if (memcmp(e->digest, d, DIGEST) == 0) {
      res = strcmp(e->kiosk, kiosk_id) == 0 ? CTL_CODEUSE_SAME_KIOSK
                                            : CTL_CODEUSE_OTHER_KIOSK;
      pthread_mutex_unlock(&lock);
      return res;
    }
    if (!soonest || e->expires < soonest->expires) soonest = e;
  }
  if (!slot) {
    slot = soonest;
    res = CTL_CODEUSE_FIRST_EVICTED;
  }
  memcpy(slot->digest, d, DIGEST);
  size_t n = strlen(kiosk_id);
  if (n >= sizeof slot->kiosk) n = sizeof slot->kiosk - 1;
  memcpy(slot->kiosk, kiosk_id, n);
  slot->kiosk[n] = '\0';
  slot->expires = expires_unix;
  pthread_mutex_unlock(&lock);
  return res;
}

void ctl_codeuse_reset(void) {
  pthread_mutex_lock(&lock);
  memset(table, 0, sizeof table);
  pthread_mutex_unlock(&lock);
}
