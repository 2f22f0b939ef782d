/* Sends "ESC @ Hello\n" jobs to a USB printer through prn_job, for the
 * umockdev scripts in umockdev/. usage: usb_job URI OUTCOME...
 * One job per OUTCOME, which is what that job must give:
 *   ok          printed and status checked
 *   stall       KERR_DEVICE naming a stall
 *   unplugged   KERR_DEVICE naming an unplug
 *   paper-out   refused before sending: paper out
 *   notfound    no printer found
 * Exits 0 when every job gave its outcome. */
#include <stdio.h>
#include <string.h>

#include "prn_job.h"
#include "prn_transport.h"

static int check(const char *want, int rc, const prn_job_result *res, const char *msg) {
  if (!strcmp(want, "ok"))
    return rc == KERR_OK && res->verified;
  if (!strcmp(want, "stall"))
    return rc == KERR_DEVICE && strstr(msg, "stalled") && res->phase == PRN_JOB_FAILED;
  if (!strcmp(want, "unplugged"))
    return rc == KERR_DEVICE && strstr(msg, "unplugged") && res->phase == PRN_JOB_FAILED;
  if (!strcmp(want, "paper-out"))
    return rc == KERR_DEVICE && strstr(msg, "paper out") && res->phase == PRN_JOB_REFUSED;
  return 0;
}

int main(int argc, char **argv) {
  static const unsigned char job[] = "\x1b@Hello\n";
  if (argc < 3) {
    fprintf(stderr, "usage: usb_job URI OUTCOME...\n");
    return 2;
  }
  kerr_msg msg = "";
  prn_transport *t = NULL;
  int rc = prn_transport_open(argv[1], NULL, &t, msg);
  if (!strcmp(argv[2], "notfound")) {
    printf("open: %s\n", msg);
    return rc == KERR_NOT_FOUND && strstr(msg, "no printer found") ? 0 : 1;
  }
  if (rc) {
    printf("open failed: %s\n", msg);
    return 1;
  }
  int bad = 0;
  for (int i = 2; i < argc; i++) {
    prn_job_result res;
    msg[0] = '\0';
    rc = prn_job_print(t, job, sizeof job - 1, &res, msg);
    int ok = check(argv[i], rc, &res, msg);
    printf("job %d: want %s, got %s (%s)%s\n", i - 1, argv[i], kerr_str(rc), msg,
           ok ? "" : "  <-- wrong");
    bad |= !ok;
  }
  prn_transport_close(t);
  return bad;
}
