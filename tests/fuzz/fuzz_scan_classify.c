/* libFuzzer: any bytes a QR code can carry go through the scanner's payload
 * checks (format parser, signature, age, replay cache, dedupe) without a
 * crash, an out-of-bounds read or a verdict outside the contract. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan_classify.h"
#include "scan_dedupe.h"
#include "scan_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static unsigned char pk[32], sk[64];
  static scan_replay *replay;
  static scan_dedupe *dedupe;
  scan_classify_verdict v;
  char *copy;

  if (!replay) {
    if (sodium_init() < 0) abort();
    crypto_sign_keypair(pk, sk);
    if (scan_replay_new(&replay, 8, NULL) || scan_dedupe_new(&dedupe, 3000, NULL))
      abort();
  }
  /* An exact-size heap copy so ASan catches a read of one byte too many. */
  copy = malloc(size ? size : 1);
  if (!copy) return 0;
  if (size) memcpy(copy, data, size);
  scan_classify_payload(copy, size, pk, 1760000000, NULL, replay, &v);
  if (v.kind > SCAN_CLASSIFY_OTHER || !v.msgid) abort();
  if (v.kind == SCAN_CLASSIFY_MEMBER) abort(); /* no forged code gets in */
  if (v.kind == SCAN_CLASSIFY_OTHER && size >= 4 && memcmp(copy, "KM1.", 4) == 0)
    abort();
  scan_replay_add(replay, copy, size, 1760000000 + (int64_t)(size % 200), 1760000000);
  scan_dedupe_fresh(dedupe, copy, size, (int64_t)size * 100);
  free(copy);
  return 0;
}
