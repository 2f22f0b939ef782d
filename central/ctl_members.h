/*
 * ctl_members: member profiles, and the two routes that return them
 * (POST /v1/members/resolve with a member code, GET /v1/members/{id}).
 *
 * Contract: a profile never carries the full name or phone number, only
 * their masks (mask.h). Points are the ledger balance at `now`; the tier
 * follows from tier points (ctl_tiers). resolve answers 400 invalid_request
 * for a missing or empty code, 422 invalid_code for a malformed code or a bad
 * signature, 422 expired_code for one older than 120 s or more than 30 s
 * ahead, 404 not_found for an unknown member.
 */
#ifndef CTL_MEMBERS_H
#define CTL_MEMBERS_H

#include <jansson.h>
#include <sqlite3.h>

#include "ctl_env.h"
#include "ctl_req.h"
#include "ctl_tiers.h"

/* KERR_NOT_FOUND for an unknown member. */
int ctl_members_profile(sqlite3 *conn, const char *id, int64_t now,
                        json_t **out, char *msg);

/* The member's current tier; KERR_NOT_FOUND for an unknown member. */
int ctl_members_tier(sqlite3 *conn, const char *id, int64_t now,
                     const ctl_tier **out, char *msg);

/* Today's check-in state: streak and whether today's is done. */
int ctl_members_checkin_state(sqlite3 *conn, const char *id, int64_t now,
                              int64_t *streak, int *today, char *msg);

void ctl_members_route_resolve(const ctl_env *env, ctl_req *req);
void ctl_members_route_get(const ctl_env *env, ctl_req *req);

#endif
