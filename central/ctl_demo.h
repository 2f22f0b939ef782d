/*
 * ctl_demo: demo data and the demo-only routes (server started with --demo).
 *
 * Contract: ctl_demo_seed() fills an empty database (no members) with the
 * four demo members, one per tier, whose ledgers give each screen something
 * to show (a balance, lots expiring within 90 days, a check-in streak, a
 * birthday this month for M100003), plus the demo catalog and cars in the car
 * park; on a database that already has members it does nothing, so restarts
 * keep what happened. The routes list the demo members in tier order and
 * sign fresh member codes with the central's key.
 */
#ifndef CTL_DEMO_H
#define CTL_DEMO_H

#include "ctl_env.h"
#include "ctl_req.h"

int ctl_demo_seed(ctl_db *db, int64_t now, char *msg);

void ctl_demo_route_members(const ctl_env *env, ctl_req *req);
void ctl_demo_route_member_code(const ctl_env *env, ctl_req *req);

#endif
