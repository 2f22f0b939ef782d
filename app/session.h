/*
 * session: one member's visit, as a state machine kept apart from drawing.
 *
 *   IDLE --scan accepted--> CHECKING --profile--> ACTIVE --idle--> ENDING
 *    ^                         |  resolve failed     ^   touch      |
 *    +-------------------------+                     +--------------+
 *    +<------------- countdown over / session_end() ----------------+
 *
 * IDLE is the attract screen. A scanned payload is verified offline
 * (mcode_verify) by session_scan(); an accepted code moves to CHECKING while
 * the caller resolves it over the network, and session_resolved() with the
 * central's profile makes the session ACTIVE. After idle_ms without input an
 * ACTIVE session goes ENDING (a countdown of countdown_ms the member can
 * cancel with any touch); when it runs out the session ends.
 *
 * Contract: no I/O, no SDL, no clock reads: the caller passes the time, so
 * tests drive it directly. Every start and end bumps the generation; a
 * network answer tagged with an older generation is stale and ignored.
 * Ending wipes the member's data (sodium_memzero) before anything else.
 */
#ifndef SESSION_H
#define SESSION_H

#include <jansson.h>
#include <stdint.h>

#include "kerr.h"
#include "mcode.h"

typedef enum {
  SESSION_IDLE,
  SESSION_CHECKING,
  SESSION_ACTIVE,
  SESSION_ENDING,
} session_state;

#define SESSION_MAX_EXPIRING 4
#define SESSION_MAX_BENEFITS 6

typedef struct {
  char zh[192];
  char en[192];
} session_text;

typedef struct {
  char id[MCODE_ID_MAX + 1];
  char name_masked[64];
  char phone_masked[32];
  char tier[16];
  session_text tier_name;
  int64_t points;
  int64_t tier_points;
  int has_next;
  char next_tier[16];
  session_text next_name;
  int64_t next_threshold;
  int64_t next_missing;
  struct {
    char date[16];
    int64_t points;
  } expiring[SESSION_MAX_EXPIRING];
  int n_expiring;
  session_text benefits[SESSION_MAX_BENEFITS];
  int n_benefits;
  int birthday;
  int checkin_streak;
  int checkin_today;
} session_member;

typedef enum {
  SESSION_SCAN_REFUSED, /* *status says why */
  SESSION_SCAN_RESOLVE, /* resolve claims->member_id now */
  SESSION_SCAN_BUSY,    /* a code is being checked; this one is dropped */
} session_scan_result;

typedef struct session session;

session *session_new(uint64_t idle_ms, uint64_t countdown_ms);
void session_free(session *s);

session_state session_state_of(const session *s);
unsigned session_generation(const session *s);

session_scan_result session_scan(session *s, const char *payload, size_t len,
                                 const unsigned char public_key[32],
                                 const mcode_policy *policy, int64_t now_unix,
                                 mcode_status *status, mcode_claims *claims);

/* The central's member profile for generation gen. KERR_PROTO (and back to
 * IDLE) when it lacks id, tier or points; stale generations are ignored. */
int session_resolved(session *s, unsigned gen, const json_t *profile,
                     uint64_t now_ms, char *msg);
void session_resolve_failed(session *s, unsigned gen);

/* Member input: restarts the idle clock and cancels a countdown. */
void session_touch(session *s, uint64_t now_ms);
/* Advances timers; 1 when the state changed. */
int session_tick(session *s, uint64_t now_ms);
/* Whole seconds left while ENDING (rounded up), else 0. */
int session_countdown_left(const session *s, uint64_t now_ms);
/* When session_tick() next has something to do; UINT64_MAX for never. */
uint64_t session_deadline(const session *s, uint64_t now_ms);
void session_end(session *s);

/* A fresh profile of the member on screen (after a transaction): replaces
 * the shown data when gen is current and the id matches; else ignored. */
int session_refresh(session *s, unsigned gen, const json_t *profile,
                    char *msg);

/* NULL unless ACTIVE or ENDING. */
const session_member *session_member_of(const session *s);
/* The member code that opened the session, as verified (its points and
 * issued time back an offline redemption, offline.h); NULL unless ACTIVE or
 * ENDING. */
const mcode_claims *session_code_of(const session *s);

/* Parses a profile (exposed for tests). */
int session_parse_member(const json_t *profile, session_member *m, char *msg);

#endif
