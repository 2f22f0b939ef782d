/*
 * ctl_demoengage: demo data of the member-engagement features (with --demo).
 *
 * Contract: called inside the demo seed's write transaction; does nothing
 * when shops exist already, so restarts keep what happened, and fills a
 * database seeded by an older server. It adds: shops S01 (dining), S02
 * (fashion), S03 (cinema) of this mall and S90 (dining) of another mall,
 * with the deterministic demo keys of ctl_receipts; their sales feed, with
 * receipts of the last days, one 10 days old and one of S90; a running
 * double-points campaign for cinemas, an event in two days and a member day
 * in ten; the lottery's prizes (a speaker, coffee coupons, 1000 and 100
 * points, thanks); three charities; offers: P001 at 200 points now, E004
 * at 2800 from in two days, and the flash sale item F001 (5 at 800 points,
 * starting 10 minutes after the seed); and member preferences: M100002,
 * M100003 and M100004 are on the leaderboard, M100001 is not.
 */
#ifndef CTL_DEMOENGAGE_H
#define CTL_DEMOENGAGE_H

#include <sqlite3.h>
#include <stdint.h>

#define CTL_DEMOENGAGE_FLASH_DELAY_S 600

int ctl_demoengage_seed(sqlite3 *conn, int64_t now, char *msg);

#endif
