/* Test helper: member codes for the kiosk's end-to-end tests.
 *
 *   app_codegen fetch URL MEMBER_ID
 *       a fresh code from the demo central (GET /v1/demo/member-code/ID,
 *       signed as demo-kiosk), through the kiosk's own API client
 *   app_codegen sign SEED_HEX MEMBER_ID TIER POINTS ISSUED_OFFSET_S
 *       a code signed with the Ed25519 key of that seed, issued now+offset
 *       (a central started with --signing-seed SEED_HEX signs with the same
 *       key, so this makes expired and future codes the kiosk must refuse)
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "mcode.h"

static int fetch(const char *url, const char *id) {
  api_config cfg = {.base_url = url, .kiosk_id = "demo-kiosk",
                    .secret = "demo-secret", .timeout_ms = 5000};
  kerr_msg msg = "";
  api *a = NULL;
  if (api_open(&cfg, &a, msg) != 0) {
    fprintf(stderr, "api_open: %s\n", msg);
    return 1;
  }
  char path[128];
  snprintf(path, sizeof path, "/v1/demo/member-code/%s", id);
  api_response r;
  memset(&r, 0, sizeof r);
  int rc = api_request(a, "GET", path, NULL, NULL, &r, msg);
  const char *code = rc == 0 && r.status == 200
                         ? json_string_value(json_object_get(r.body, "code"))
                         : NULL;
  if (code) printf("%s\n", code);
  else fprintf(stderr, "fetch %s: rc %d status %ld %s\n", path, rc, r.status, msg);
  api_response_clear(&r);
  api_close(a);
  return code ? 0 : 1;
}

static int sign(const char *seed_hex, const char *id, const char *tier,
                const char *points, const char *offset) {
  unsigned char seed[32], pk[32], sk[64];
  size_t n = 0;
  if (sodium_hex2bin(seed, sizeof seed, seed_hex, strlen(seed_hex), NULL, &n,
                     NULL) != 0 || n != 32) {
    fprintf(stderr, "seed must be 64 hex digits\n");
    return 2;
  }
  crypto_sign_seed_keypair(pk, sk, seed);
  mcode_claims c;
  memset(&c, 0, sizeof c);
  snprintf(c.member_id, sizeof c.member_id, "%s", id);
  snprintf(c.tier, sizeof c.tier, "%s", tier);
  c.points = strtoll(points, NULL, 10);
  c.issued = (int64_t)time(NULL) + strtoll(offset, NULL, 10);
  char out[MCODE_MAX_LEN + 1];
  if (mcode_sign(&c, sk, out, sizeof out) != 0) {
    fprintf(stderr, "mcode_sign failed\n");
    return 1;
  }
  printf("%s\n", out);
  return 0;
}

int main(int argc, char **argv) {
  if (sodium_init() < 0) return 1;
  if (argc == 4 && !strcmp(argv[1], "fetch")) return fetch(argv[2], argv[3]);
  if (argc == 7 && !strcmp(argv[1], "sign"))
    return sign(argv[2], argv[3], argv[4], argv[5], argv[6]);
  fprintf(stderr, "usage: app_codegen fetch URL ID | sign SEED ID TIER POINTS OFFSET\n");
  return 2;
}
