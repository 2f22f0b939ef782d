/* libFuzzer: the kiosk's config file is written by an installer or a
 * technician and read as root-owned input at every start: any bytes must
 * either fill a config inside the documented ranges or fail with a
 * "file:line: what" message, never crash or leave a field unterminated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_loaded(const cfg *c, int demo) {
  fuzz_check_str(c->kiosk_id, sizeof c->kiosk_id);
  fuzz_check_str(c->secret, sizeof c->secret);
  fuzz_check_str(c->central_url, sizeof c->central_url);
  fuzz_check_str(c->ca_file, sizeof c->ca_file);
  fuzz_check_str(c->language, sizeof c->language);
  fuzz_check_str(c->font_regular, sizeof c->font_regular);
  fuzz_check_str(c->font_bold, sizeof c->font_bold);
  fuzz_check_str(c->printer_uri, sizeof c->printer_uri);
  fuzz_check_str(c->admin_pin_hash, sizeof c->admin_pin_hash);
  if (!cfg_lang_valid(c->language)) abort();
  if (c->printer_width != 576 && c->printer_width != 512 &&
      c->printer_width != 384)
    abort();
  if (c->countdown_s >= c->idle_timeout_s) abort();
  if (c->timeout_ms < 100 || c->timeout_ms > 60000) abort();
  if (c->central_url[0] && strncmp(c->central_url, "http://", 7) != 0 &&
      strncmp(c->central_url, "https://", 8) != 0)
    abort();
  if (!demo && (!c->kiosk_id[0] || !c->secret[0] || !c->central_url[0]))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path;
  if (size > 16384) return 0; /* a config is a page; inih reads line by line */
  path = fuzz_file(data, size, ".conf");
  for (int demo = 0; demo < 2; demo++) {
    cfg c;
    kerr_msg msg;
    int rc;
    cfg_defaults(&c);
    memset(msg, 0, sizeof msg);
    rc = cfg_load(path, &c, demo, msg);
    if (rc == KERR_OK) {
      check_loaded(&c, demo);
    } else {
      size_t n = strlen(path);
      fuzz_check_str(msg, sizeof msg);
      if (rc != KERR_CONFIG) abort();
      /* Every refusal names the file and a line an operator can open. */
      if (strncmp(msg, path, n) != 0 || msg[n] != ':') abort();
    }
  }
  return 0;
}
