/* libFuzzer: the member profile the central answers to a resolve (and after
 * each transaction) goes straight into the session the screens draw from.
 * Any JSON must leave a session that is either ACTIVE with a well-formed
 * member of the scanned id, or back to IDLE: never a half-filled member,
 * an unterminated string or more list entries than the screens hold. */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1795512000

static void check_member(const session_member *m) {
  fuzz_check_str(m->id, sizeof m->id);
  fuzz_check_str(m->name_masked, sizeof m->name_masked);
  fuzz_check_str(m->phone_masked, sizeof m->phone_masked);
  fuzz_check_str(m->tier, sizeof m->tier);
  fuzz_check_str(m->tier_name.zh, sizeof m->tier_name.zh);
  fuzz_check_str(m->tier_name.en, sizeof m->tier_name.en);
  fuzz_check_str(m->next_tier, sizeof m->next_tier);
  if (!mcode_tier_valid(m->tier)) abort();
  if (m->n_expiring < 0 || m->n_expiring > SESSION_MAX_EXPIRING) abort();
  if (m->n_benefits < 0 || m->n_benefits > SESSION_MAX_BENEFITS) abort();
  for (int i = 0; i < m->n_expiring; i++)
    fuzz_check_str(m->expiring[i].date, sizeof m->expiring[i].date);
  for (int i = 0; i < m->n_benefits; i++) {
    fuzz_check_str(m->benefits[i].zh, sizeof m->benefits[i].zh);
    fuzz_check_str(m->benefits[i].en, sizeof m->benefits[i].en);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static unsigned char pk[32], sk[64];
  static char code[MCODE_MAX_LEN + 1];
  static const mcode_policy policy = MCODE_POLICY_DEFAULT;
  json_error_t jerr;
  json_t *profile;
  session_member m;
  kerr_msg msg;

  if (!code[0]) {
    unsigned char seed[32] = {9};
    mcode_claims c = {"M100002", "silver", 9500, NOW};
    if (sodium_init() < 0) abort();
    crypto_sign_seed_keypair(pk, sk, seed);
    if (mcode_sign(&c, sk, code, sizeof code) != 0) abort();
  }
  /* The same flags as net/api.c: the kiosk takes the body as sent. */
  profile = json_loadb((const char *)data, size, 0, &jerr);
  if (!profile) return 0;

  if (session_parse_member(profile, &m, msg) == KERR_OK) check_member(&m);
  else fuzz_check_str(msg, sizeof msg);

  /* The path the kiosk takes: scan, resolve, refresh after a transaction. */
  session *s = session_new(45000, 10000);
  mcode_status st;
  mcode_claims claims;
  if (!s) abort();
  if (session_scan(s, code, strlen(code), pk, &policy, NOW, &st, &claims) !=
      SESSION_SCAN_RESOLVE)
    abort();
  int rc = session_resolved(s, session_generation(s), profile, 1000, msg);
  const session_member *sm = session_member_of(s);
  if (rc == KERR_OK) {
    if (session_state_of(s) != SESSION_ACTIVE || !sm) abort();
    if (strcmp(sm->id, "M100002") != 0) abort(); /* never another member */
    check_member(sm);
    (void)session_refresh(s, session_generation(s), profile, msg);
    check_member(session_member_of(s));
  } else if (session_state_of(s) != SESSION_IDLE || sm) {
    abort();
  }
  session_free(s);
  json_decref(profile);
  return 0;
}
