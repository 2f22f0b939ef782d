/*
 * ctl_auth: checks the kiosk's request signature (common/reqsig.h).
 *
 * Contract: returns 0 and sets req->kiosk_id when the request is signed by a
 * known kiosk within the allowed clock skew. Otherwise answers 401 with
 * unauthorized (missing headers, unknown kiosk, unreadable timestamp),
 * bad_signature (the HMAC does not match) or clock_skew (signature right,
 * the kiosk's clock more than 300 s off; the answer adds "server_time", the
 * server's unix seconds, so the kiosk can say by how much) and returns -1.
 * The signature is checked before the clock so only a real kiosk learns that
 * its clock is wrong, and what the server's time is.
 */
#ifndef CTL_AUTH_H
#define CTL_AUTH_H

#include "ctl_env.h"
#include "ctl_req.h"

int ctl_auth_check(const ctl_env *env, ctl_req *req, const char *kiosk_id,
                   const char *timestamp, const char *signature);

#endif
