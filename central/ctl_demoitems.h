/*
 * ctl_demoitems: the demo catalog (17 items over gift, coupon, parking and
 * experience) and the demo cars in the car park.
 *
 * Contract: called inside the demo seed's write transaction on an empty
 * database. Stock, prices, tiers and validity windows are chosen so every
 * redemption error can be reached with the demo members: G003 has stock 5
 * at 500 points (M100001 can afford 3), G005 is out of stock, G006 and E002
 * need gold, G007 diamond, C004 has ended, E003 has not started, G004 costs
 * more than most members have, C001 allows one a day, E004 one per member.
 */
#ifndef CTL_DEMOITEMS_H
#define CTL_DEMOITEMS_H

#include <sqlite3.h>
#include <stdint.h>

int ctl_demoitems_seed(sqlite3 *conn, int64_t now, char *msg);

#endif
