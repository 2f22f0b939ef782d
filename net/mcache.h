/*
 * mcache: the kiosk's member cache, so a member seen lately still gets a
 * member home (tier benefits, expiring points) while the central is
 * unreachable. One sqlite file in the state directory (MCACHE_FILE, mode
 * 0600, through common/kdb.h), one row per member:
 *
 *   member_id  the member's id
 *   profile    the central's profile answer (GET /v1/members/{id} or
 *              POST /v1/members/resolve) as the app received it, minus
 *              every field the screen does not show (see privacy)
 *   seen_at    unix seconds of the last put
 *
 * Lifetime: a member not seen for MCACHE_TTL_S (24 h) is gone. Expired rows
 * are deleted at open, on every put and by mcache_expire() (the app calls
 * it hourly); mcache_get() never returns one even between sweeps.
 * mcache_wipe() deletes every row and VACUUMs the file.
 *
 * Privacy: the cache holds what the member screen shows (masked name, tier,
 * points, benefits, expiring points, check-in streak). Phone numbers (any
 * key containing "phone"), e-mail, unmasked names ("name") and birthdays
 * are removed before a row is written, at any depth: never a phone number.
 *
 * Contract: 0 means success; KERR_NOT_FOUND from mcache_get() for no (or an
 * expired) entry; disk errors are KERR_IO with sqlite's words (kdb.h). A
 * file that is not a database or is damaged is removed and created again
 * empty: mcache_open() succeeds and says so in *note (a cache loses nothing
 * that matters). Writes use synchronous=NORMAL (a cache, not a ledger).
 * Thread-safe (one mutex); but every call touches the disk, so the kiosk's
 * UI thread never calls it directly (app.c runs it on a small worker).
 */
#ifndef MCACHE_H
#define MCACHE_H

#include <stdint.h>

#include "kerr.h"

#define MCACHE_FILE "members.sqlite"
#define MCACHE_TTL_S (24 * 3600)

typedef struct mcache mcache;

/* The clock in unix seconds; NULL for time(NULL). Tests pass their own. */
typedef int64_t (*mcache_clock)(void *ctx);

/* Opens (creating) dir/MCACHE_FILE and deletes expired rows. *note (at
 * least KERR_MSG_MAX bytes, may be NULL) is "" or why the file was
 * recreated. */
int mcache_open(const char *dir, mcache_clock clock, void *clock_ctx,
                mcache **out, char *note, char *msg);
void mcache_close(mcache *mc);

/* Stores profile_json (a JSON object with "id" equal to member_id) as seen
 * now, after removing what privacy forbids; then deletes expired rows. */
int mcache_put(mcache *mc, const char *member_id, const char *profile_json,
               char *msg);

/* *profile_json (malloc'd, free()) and *seen_at (may be NULL) of a member
 * seen within MCACHE_TTL_S; KERR_NOT_FOUND otherwise. */
int mcache_get(mcache *mc, const char *member_id, char **profile_json,
               int64_t *seen_at, char *msg);

/* Deletes rows older than MCACHE_TTL_S; *count (may be NULL) how many. */
int mcache_expire(mcache *mc, int *count, char *msg);

/* Deletes every row. */
int mcache_wipe(mcache *mc, char *msg);

/* Rows held now (expired ones not yet swept included), for tests. */
int mcache_count(mcache *mc, int *count, char *msg);

/* The profile text privacy allows (see above), malloc'd; NULL when
 * profile_json is not a JSON object. Exposed for tests. */
char *mcache_scrub(const char *profile_json);

#endif
