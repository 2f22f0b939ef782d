/*
 * ctl_routes: the API's route table (method + path pattern -> handler) and
 * the two small routes that need nothing else: health and kiosk config.
 *
 * Contract: ctl_routes_find() matches the decoded path segments against the
 * table (a "*" segment matches any one segment). Unknown routes, and demo routes on a
 * server without --demo, are not found (404 not_found). Every route but
 * health requires a signed request.
 */
#ifndef CTL_ROUTES_H
#define CTL_ROUTES_H

#include "ctl_env.h"
#include "ctl_req.h"

/* ctl_route.auth: who may call a route. */
#define CTL_ROUTE_OPEN 0  /* anyone */
#define CTL_ROUTE_KIOSK 1 /* a signed kiosk request (ctl_auth) */
#define CTL_ROUTE_STAFF 2 /* a staff session, desk or admin (ctl_staff) */
#define CTL_ROUTE_ADMIN 3 /* a staff session with role admin */

typedef void (*ctl_routes_handler)(const ctl_env *env, ctl_req *req);

typedef struct {
  const char *method;
  const char *pattern; /* "/v1/members/ *" without the space */
  ctl_routes_handler handler;
  int auth; /* CTL_ROUTE_* */
  int demo; /* 1 = only with --demo */
} ctl_route;

/* NULL when nothing matches. */
const ctl_route *ctl_routes_find(const ctl_env *env, const char *method,
                                 const char *const *seg, int nseg);

void ctl_routes_health(const ctl_env *env, ctl_req *req);
void ctl_routes_config(const ctl_env *env, ctl_req *req);
/* POST /v1/kiosk/heartbeat {printer, paper, queue_depth,
 * oldest_pending_age_s?, version}: the kiosk's last report is kept per
 * kiosk; answers {server_time, catalog_version}. */
void ctl_routes_heartbeat(const ctl_env *env, ctl_req *req);

#endif
