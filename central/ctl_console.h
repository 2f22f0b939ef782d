/*
 * ctl_console: the staff web console: its static files under /console/ and
 * the service desk's and the fleet's staff routes (/v1/staff/...). The
 * catalog editor is ctl_stock, the reports ctl_reports, logins ctl_staff.
 *
 * Contract:
 * - GET /console/ (and /console) serve index.html; /console/NAME and
 *   /console/i18n/NAME serve files of the console folder whose names are
 *   [a-z0-9_-] plus .html, .js, .css, .json, .svg or .png; anything else is
 *   404. Nothing the console needs comes from another origin.
 * - Vouchers are looked up by the full KV1 code (what a scanner types) or by
 *   the voucher id printed under the QR (V + 12 hex digits). use and void
 *   (with a reason) run the same rules as the kiosk routes (ctl_vouchers)
 *   and write the audit row in the same transaction. The answer adds what
 *   the desk needs: the item, the member masked, the issuing kiosk and
 *   whether that kiosk is offline or still has transactions queued
 *   ("pending": the central may not know everything yet).
 * - A kiosk's offline voucher (KV1.O..., registered with vouchers.kiosk_id
 *   and issued_at) reads offline: true with issued_at, its kiosk being the
 *   one that signed it, and void_reason when the central refused it. Every
 *   voucher carries "prints": the kiosks' print reports from print_records
 *   (kiosk, printed or failed with the reason, reprint, times), oldest
 *   first; an empty list means no kiosk has reported a print yet.
 * - A kiosk is online when its last heartbeat is at most offline_after
 *   seconds old (default 180); the fleet lists every kiosk the central knows
 *   (flags, kiosks table, heartbeats) with alerts for the ones that need a
 *   person.
 */
#ifndef CTL_CONSOLE_H
#define CTL_CONSOLE_H

#include "ctl_env.h"
#include "ctl_req.h"

/* Both are called once before the HTTP server starts. */
void ctl_console_set_dir(const char *dir);
void ctl_console_set_offline_after(int seconds);

void ctl_console_route_file(const ctl_env *env, ctl_req *req);
void ctl_console_route_voucher(const ctl_env *env, ctl_req *req);
void ctl_console_route_use(const ctl_env *env, ctl_req *req);
void ctl_console_route_void(const ctl_env *env, ctl_req *req);
void ctl_console_route_fleet(const ctl_env *env, ctl_req *req);

#endif
