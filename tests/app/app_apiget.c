/* Test helper: one signed GET to the central, as demo-kiosk.
 *
 *   app_apiget URL PATH
 *
 * Prints the HTTP status on the first line and the JSON body on the second;
 * exits 0 for a 2xx answer, 1 otherwise (the service desk's view of a voucher:
 * GET /v1/vouchers/{code}). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: app_apiget URL PATH\n");
    return 2;
  }
  api_config cfg = {.base_url = argv[1], .kiosk_id = "demo-kiosk",
                    .secret = "demo-secret", .timeout_ms = 5000};
  kerr_msg msg = "";
  api *a = NULL;
  if (api_open(&cfg, &a, msg) != 0) {
    fprintf(stderr, "api_open: %s\n", msg);
    return 1;
  }
  api_response r;
  memset(&r, 0, sizeof r);
  int rc = api_request(a, "GET", argv[2], NULL, NULL, &r, msg);
  int ok = rc == 0 && r.status >= 200 && r.status < 300;
  if (rc == 0) {
    char *body = r.body ? json_dumps(r.body, JSON_COMPACT) : NULL;
    printf("%ld\n%s\n", r.status, body ? body : "");
    free(body);
  } else {
    fprintf(stderr, "GET %s: %s\n", argv[2], msg);
  }
  api_response_clear(&r);
  api_close(a);
  return ok ? 0 : 1;
}
