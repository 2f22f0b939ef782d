/* Member codes from a camera or a keyboard wedge are attacker-controlled:
 * parsing and verifying any bytes must never crash or read out of bounds,
 * and whatever verifies must round-trip through signing. */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static unsigned char pk[32], sk[64];
  static int ready;
  mcode_claims c;
  char *copy;

  if (!ready) {
    unsigned char seed[32] = {7};
    if (sodium_init() < 0) abort();
    crypto_sign_seed_keypair(pk, sk, seed);
    ready = 1;
  }
  /* An exact-size heap copy so ASan sees any read past the end. */
  copy = malloc(size ? size : 1);
  if (!copy) return 0;
  if (size) memcpy(copy, data, size);
  if (mcode_parse(copy, size, &c) == MCODE_OK) {
    char again[MCODE_MAX_LEN + 1];
    if (mcode_sign(&c, sk, again, sizeof again) != 0) abort();
    if (mcode_verify(again, strlen(again), pk, c.issued, NULL, &c) != MCODE_OK) abort();
  }
  (void)mcode_verify(copy, size, pk, 1795000000, NULL, &c);
  free(copy);
  return 0;
}
