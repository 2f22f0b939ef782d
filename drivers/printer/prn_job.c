#include "prn_job.h"

#include <stdio.h>
#include <string.h>


void prn_job_describe(const prn_status *st, char *out, size_t outlen) {
  struct {
    int on;
    const char *what;
  } f[] = {{st->paper_end, "paper out"},     {st->cover_open, "cover open"},
           {st->offline, "offline"},         {st->cutter_error, "cutter error"},
           {st->unrecoverable, "unrecoverable error"}, {st->error, "printer error"},
           {st->paper_near_end, "paper near end"}};
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
    if (!f[i].on)
      continue;
    int w = snprintf(out + o, outlen - o, "%s%s", o ? ", " : "", f[i].what);
    if (w < 0 || (size_t)w >= outlen - o)
      break;
    o += (size_t)w;
  }
  if (o == 0)
    snprintf(out, outlen, "ready");
}

int prn_job_print(prn_transport *t, const uint8_t *bytes, size_t len, prn_job_result *res,
                  char *msg) {
  char why[128];
  memset(res, 0, sizeof *res);
  res->phase = PRN_JOB_REFUSED;

  int rc = prn_transport_status(t, &res->before, msg);
  if (rc == KERR_OK) {
    res->have_status = 1;
    if (prn_escpos_status_blocks(&res->before)) {
      prn_job_describe(&res->before, why, sizeof why);
      return kerr_set(msg, KERR_DEVICE, "printer not ready: %s; nothing was printed", why);
    }
    res->paper_near_end = res->before.paper_near_end;
  } else if (rc != KERR_UNSUPPORTED) {
    return rc; /* could not even ask: the job was not sent */
  }

  res->phase = PRN_JOB_FAILED;
  rc = prn_transport_write(t, bytes, len, msg);
  if (rc)
    return rc;

  if (!res->have_status) {
    res->phase = PRN_JOB_DONE;
    return KERR_OK;
  }
  kerr_msg smsg;
  rc = prn_transport_status(t, &res->after, smsg);
  if (rc)
    return kerr_set(msg, rc, "sent %zu bytes but the printer did not confirm the job: %s",
                    len, smsg);
  res->verified = 1;
  if (prn_escpos_status_blocks(&res->after)) {
    prn_job_describe(&res->after, why, sizeof why);
    return kerr_set(msg, KERR_DEVICE, "printer reported %s during the job; the slip may be "
                    "incomplete", why);
  }
  res->paper_near_end |= res->after.paper_near_end;
  res->phase = PRN_JOB_DONE;
  return KERR_OK;
}
