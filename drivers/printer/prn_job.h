/*
 * prn_job: prints one slip with status checks around it.
 *
 *   CHECK ──status blocks──▶ REFUSED   nothing sent; the voucher stays owed
 *     │ ok, near end, or no status channel (file)
 *     ▼
 *   SEND ──write fails (stall, unplug, timeout, dropped)──▶ FAILED
 *     │ all bytes taken
 *     ▼
 *   VERIFY ──status blocks (paper ran out mid-job)──▶ FAILED
 *     │ ok (near end: warning in the result)
 *     ▼
 *   DONE
 *
 * Contract: prn_job_print() returns KERR_OK only in DONE. REFUSED and
 * FAILED return KERR_DEVICE / KERR_TIMEOUT / KERR_NET with msg saying what
 * the member and the admin need to know; res->phase tells whether bytes may
 * have reached paper (FAILED) or certainly did not (REFUSED), which is what
 * the print journal needs to decide between "owed" and "reprint with 重印".
 * A status read that fails after a complete send (connection dropped,
 * unplugged) is FAILED: the slip may or may not be on paper, so the journal
 * must treat it as a reprint (重印), never as printed. Transports without a
 * status channel (file) go straight from SEND to DONE with verified = 0.
 */
#ifndef PRN_JOB_H
#define PRN_JOB_H

#include "prn_escpos.h"
#include "prn_transport.h"

typedef enum { PRN_JOB_REFUSED, PRN_JOB_FAILED, PRN_JOB_DONE } prn_job_phase;

typedef struct prn_job_result {
  prn_job_phase phase;
  int have_status;     /* a DLE EOT answer was read before the job */
  prn_status before, after;
  int verified;        /* the after-status was read */
  int paper_near_end;  /* warn the admin screen and the heartbeat */
} prn_job_result;

int prn_job_print(prn_transport *t, const uint8_t *bytes, size_t len, prn_job_result *res,
                  char *msg);

/* "paper out, cover open" for a blocking status, in English for logs. */
void prn_job_describe(const prn_status *st, char *out, size_t outlen);

#endif
