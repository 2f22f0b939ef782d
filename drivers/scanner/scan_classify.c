#include "scan_classify.h"

#include <string.h>

const char *scan_classify_kind_str(scan_classify_kind kind) {
  switch (kind) {
  case SCAN_CLASSIFY_MEMBER: return "member";
  case SCAN_CLASSIFY_REFUSED: return "refused";
  case SCAN_CLASSIFY_OTHER: return "other";
  }
  return "unknown";
}

void scan_classify_payload(const char *payload, size_t len,
                           const unsigned char public_key[32], int64_t now_unix,
                           const mcode_policy *policy,
                           const scan_replay *replay,
                           scan_classify_verdict *out) {
  static const mcode_policy def = MCODE_POLICY_DEFAULT;
  int ours;
  memset(out, 0, sizeof *out);
  if (!policy) policy = &def;
  ours = payload && len >= 4 && memcmp(payload, "KM1.", 4) == 0;
  out->status = payload ? mcode_verify(payload, len, public_key, now_unix,
                                       policy, &out->claims)
                        : MCODE_EMPTY;
  if (out->status != MCODE_OK) {
    /* A long URL or a Chinese text is someone else's code, not a broken one
     * of ours: only a KM1. prefix makes a failure ours to explain. */
    out->kind = ours ? SCAN_CLASSIFY_REFUSED : SCAN_CLASSIFY_OTHER;
    out->msgid = ours ? mcode_status_msgid(out->status) : "scan.error.not_member";
    if (!ours) memset(&out->claims, 0, sizeof out->claims);
    return;
  }
  if (replay && scan_replay_seen(replay, payload, len, now_unix)) {
    out->kind = SCAN_CLASSIFY_REFUSED;
    out->replayed = 1;
    out->msgid = "scan.error.replayed";
    return;
  }
  out->kind = SCAN_CLASSIFY_MEMBER;
  out->msgid = mcode_status_msgid(MCODE_OK);
}
