/*
 * scan_replay: the member codes already used at this kiosk.
 *
 * A member code stays valid for its whole age window (120 s by default), so
 * a photo of someone's screen could open their session again. The app adds
 * a code once it has opened a session with it; scan_classify refuses a code
 * found here. Entries are kept until the code would have expired anyway.
 *
 * Contract: fixed capacity, no allocation after scan_replay_new(); codes are
 * kept as 16-byte BLAKE2b digests, never as text. When full, the entry
 * closest to expiry is dropped (and the caller learns it from the return
 * value). Not thread-safe: one owner, the scanner thread.
 */
#ifndef SCAN_REPLAY_H
#define SCAN_REPLAY_H

#include <stddef.h>
#include <stdint.h>

typedef struct scan_replay scan_replay;

int scan_replay_new(scan_replay **out, size_t capacity, char *msg);
void scan_replay_free(scan_replay *r);
/* Records a used code valid until expires_unix. Returns 0, or 1 when a
 * still-valid entry had to be dropped to make room. */
int scan_replay_add(scan_replay *r, const char *code, size_t len,
                    int64_t expires_unix, int64_t now_unix);
/* 1 if the code was used and has not expired by now_unix, else 0. */
int scan_replay_seen(const scan_replay *r, const char *code, size_t len,
                     int64_t now_unix);

#endif
