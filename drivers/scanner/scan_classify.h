/*
 * scan_classify: what a decoded payload is, before anything else sees it.
 *
 *   MEMBER  a genuine, fresh member code not used here before: open a session
 *   REFUSED ours in form (starts "KM1.") but malformed, forged, expired, from
 *           the future, or already used: show the reason, open nothing
 *   OTHER   not ours at all (a URL, a payment code, text): answered kindly,
 *           never sent to the central
 *
 * Contract: checks in the order of mcode_verify() (length and ASCII, format,
 * signature, age) and then the replay cache; the verdict names the first
 * failure and its translation key (scan.error.*, in assets/i18n/<lang>/
 * scan.po). Never allocates; reads only len bytes; payloads may hold any
 * bytes including NUL.
 */
#ifndef SCAN_CLASSIFY_H
#define SCAN_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "mcode.h"
#include "scan_replay.h"

typedef enum {
  SCAN_CLASSIFY_MEMBER,
  SCAN_CLASSIFY_REFUSED,
  SCAN_CLASSIFY_OTHER,
} scan_classify_kind;

typedef struct {
  scan_classify_kind kind;
  mcode_status status; /* MCODE_OK for MEMBER and for a replayed code */
  int replayed;        /* 1: genuine but already used at this kiosk */
  const char *msgid;   /* "scan.ok", "scan.error.expired", ... */
  mcode_claims claims; /* filled for MEMBER (and a replayed code) */
} scan_classify_verdict;

/* replay may be NULL (no replay check). */
void scan_classify_payload(const char *payload, size_t len,
                           const unsigned char public_key[32], int64_t now_unix,
                           const mcode_policy *policy,
                           const scan_replay *replay,
                           scan_classify_verdict *out);

const char *scan_classify_kind_str(scan_classify_kind kind);

#endif
