/*
 * ctl_ledger: member points as an append-only ledger with expiring lots.
 *
 * Contract: every change of a member's points is one ledger row (member,
 * delta, reason, reference, idempotency key, time). Every credit is also a
 * lot with an expiry time; a debit consumes the live lots that expire first
 * and records which (lot_uses), so a refund can give the same lots back.
 * The balance is SUM(delta) (kept as a running sum beside the member by a
 * trigger; the ledger is append-only) minus what is left in lots that have
 * expired but not yet been swept; ctl_ledger_sweep() turns those into "expire" rows, so
 * the balance is the plain ledger sum afterwards and is the same before and
 * after a sweep. Writers (earn, spend, refund, sweep) must run inside
 * ctl_db_write_begin/end; spend refuses to go below zero.
 */
#ifndef CTL_LEDGER_H
#define CTL_LEDGER_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "kerr.h"

/* Earned points expire at the end of the day one year after they were
 * earned. */
int64_t ctl_ledger_default_expiry(int64_t earned_at);

int ctl_ledger_earn(sqlite3 *conn, const char *member_id, int64_t amount,
                    const char *reason, const char *reference,
                    const char *idem_key, int64_t at, int64_t expires_at,
                    int64_t *ledger_id, char *msg);

/* KERR_DENIED when the live balance is below amount (nothing written). */
int ctl_ledger_spend(sqlite3 *conn, const char *member_id, int64_t amount,
                     const char *reason, const char *reference,
                     const char *idem_key, int64_t now, int64_t *ledger_id,
                     char *msg);

/* Gives back what spend row spend_id took, to the same lots. */
int ctl_ledger_refund(sqlite3 *conn, int64_t spend_id, const char *reason,
                      const char *reference, int64_t now, char *msg);

int ctl_ledger_sweep(sqlite3 *conn, const char *member_id, int64_t now,
                     char *msg);

int ctl_ledger_balance(sqlite3 *conn, const char *member_id, int64_t now,
                       int64_t *out, char *msg);

/* Points earned (reason "earn") in the 365 days before now. */
int ctl_ledger_tier_points(sqlite3 *conn, const char *member_id, int64_t now,
                           int64_t *out, char *msg);

/* [{"date": "YYYY-MM-DD", "points": N}, ...] for lots expiring in the next
 * `days` days, grouped by local date, ascending. */
int ctl_ledger_expiring(sqlite3 *conn, const char *member_id, int64_t now,
                        int days, json_t **out, char *msg);

#endif
