/* Test helper: one signed request to the central, as demo-kiosk.
 *
 *   app_apiget URL PATH               GET
 *   app_apiget URL PATH POST JSON     POST with a fresh Idempotency-Key
 *                                     (what another kiosk or the car
 *                                     park's pay station would do)
 *
 * Prints the HTTP status on the first line and the JSON body on the second;
 * exits 0 for a 2xx answer, 1 otherwise (the service desk's view of a voucher:
 * GET /v1/vouchers/{code}). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"

int main(int argc, char **argv) {
  if (argc != 3 && argc != 5) {
    fprintf(stderr, "usage: app_apiget URL PATH [POST JSON]\n");
    return 2;
  }
  json_t *body = NULL;
  char key[64] = "";
  if (argc == 5) {
    json_error_t jerr;
    if (!(body = json_loads(argv[4], 0, &jerr))) {
      fprintf(stderr, "app_apiget: JSON: %s\n", jerr.text);
      return 2;
    }
    snprintf(key, sizeof key, "apiget-%ld-%ld", (long)getpid(), (long)time(NULL));
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
  const char *method = argc == 5 ? argv[3] : "GET";
  int rc = api_request(a, method, argv[2], body, body ? key : NULL, &r, msg);
  json_decref(body);
  int ok = rc == 0 && r.status >= 200 && r.status < 300;
  if (rc == 0) {
    char *text = r.body ? json_dumps(r.body, JSON_COMPACT) : NULL;
    printf("%ld\n%s\n", r.status, text ? text : "");
    free(text);
  } else {
    fprintf(stderr, "%s %s: %s\n", method, argv[2], msg);
  }
  api_response_clear(&r);
  api_close(a);
  return ok ? 0 : 1;
}
