/*
 * ctl_codeuse: which kiosk a member code opened a session at.
 *
 * A member code stays valid for its whole age window (120 s, plus 30 s of
 * allowed clock lead), so a photo of a member's screen could open their
 * session at another kiosk while the member stands at the first one. Each
 * kiosk already refuses a code it has used (drivers/scanner/scan_replay.h);
 * this is the same rule across kiosks: the first kiosk that resolves a code
 * owns it until the code expires. The same kiosk may resolve it again (a
 * retried request whose answer was lost), any other kiosk is refused.
 *
 * Contract: process memory only, never the database: a code lives at most
 * 150 s, so a restarted central forgets codes it saw in the last 150 s (it
 * would accept one replay of each at another kiosk then). Codes are kept as
 * 16-byte BLAKE2b digests, never as text. Fixed capacity (a hash table; a
 * claim looks at 64 slots, never the whole table); when a code's slots are
 * all taken by valid codes, the one closest to expiry is dropped and
 * ctl_codeuse_claim says so. At 8192 slots that takes thousands of sessions
 * within 150 s. Thread-safe (one mutex).
 */
#ifndef CTL_CODEUSE_H
#define CTL_CODEUSE_H

#include <stddef.h>
#include <stdint.h>

#define CTL_CODEUSE_CAPACITY 8192

typedef enum {
  CTL_CODEUSE_FIRST = 0,   /* not seen before: now owned by kiosk_id */
  CTL_CODEUSE_SAME_KIOSK,  /* kiosk_id resolved it before: allowed */
  CTL_CODEUSE_OTHER_KIOSK, /* another kiosk owns it: refuse */
  CTL_CODEUSE_FIRST_EVICTED, /* FIRST, but a still valid entry was dropped */
} ctl_codeuse_result;

/* Records that kiosk_id resolved code (len bytes), valid until
 * expires_unix, as seen at now_unix. */
ctl_codeuse_result ctl_codeuse_claim(const char *code, size_t len,
                                     const char *kiosk_id, int64_t expires_unix,
                                     int64_t now_unix);

/* Forgets everything (unit tests). */
void ctl_codeuse_reset(void);

#endif
