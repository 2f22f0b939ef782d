/*
 * ctl_idem: Idempotency-Key handling for the state-changing routes.
 *
 * Contract: ctl_idem_run() requires an Idempotency-Key header of 1 to 64
 * printable ASCII characters (400 invalid_request otherwise) and runs `work`
 * inside one write transaction. Keys are per kiosk. The first answer to a
 * key (2xx or 4xx, status and body) is stored in the same transaction as the
 * work, so it is durable exactly when the work is; a later request with the
 * same key and the same method, path and body gets that answer again, also
 * after a restart; with anything else it gets 422 idempotency_mismatch.
 * Because writers are serialised (ctl_db), concurrent duplicates run one
 * after the other and the second one finds the first one's answer: nothing
 * is charged twice. A 4xx answer rolls back whatever work wrote before it;
 * a 5xx answer (or a failed commit) stores nothing, so the kiosk may retry.
 */
#ifndef CTL_IDEM_H
#define CTL_IDEM_H

#include "ctl_env.h"
#include "ctl_req.h"

/* Runs on the write connection; sets the reply on req. Returns 0 or a
 * negative KERR code with msg (then the reply is replaced by a 500). */
typedef int (*ctl_idem_work)(const ctl_env *env, sqlite3 *conn, ctl_req *req,
                             char *msg);

void ctl_idem_run(const ctl_env *env, ctl_req *req, ctl_idem_work work);

/* The same with a context for the route, and a hook: when work answers
 * 4xx, its writes are rolled back as always, then `refused` (may be NULL)
 * runs in the same transaction and may write what a refusal must keep (an
 * offline voucher recorded void) and add to the answer before it is stored.
 * A nonzero return from refused fails the request like work's. */
typedef int (*ctl_idem_work_ctx)(const ctl_env *env, sqlite3 *conn,
                                 ctl_req *req, void *ctx, char *msg);
void ctl_idem_run_ctx(const ctl_env *env, ctl_req *req, ctl_idem_work_ctx work,
                      ctl_idem_work_ctx refused, void *ctx);

#endif
