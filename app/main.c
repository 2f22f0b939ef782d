/* kiosk: the mall member kiosk. Everything but this file is in kiosk_app. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "args.h"
#include "cfg.h"
#include "klog.h"
#include "kvkey.h"
#include "pin.h"
#include "script.h"
#include "script_run.h"
#include "ui.h"

static app the_app;

/* kiosk --hash-pin: the PIN on stdin (a terminal or a pipe), the config
 * line on stdout. */
static int hash_pin(void) {
  char line[64] = "", hash[PIN_HASH_MAX];
  kerr_msg msg = "";
  if (!fgets(line, sizeof line, stdin)) {
    fprintf(stderr, "kiosk: --hash-pin reads the PIN on stdin\n");
    return 1;
  }
  line[strcspn(line, "\r\n")] = '\0';
  int rc = pin_hash(line, hash, msg);
  sodium_memzero(line, sizeof line);
  if (rc != KERR_OK) {
    fprintf(stderr, "kiosk: %s\n", msg);
    return 1;
  }
  printf("pin_hash = %s\n", hash);
  return 0;
}

/* kiosk --voucher-key: the public half of the key this kiosk signs offline
 * vouchers with (kvkey.h), for the central's kiosk table. The default state
 * dir is the kiosk's own ($XDG_STATE_HOME/kiosk); --demo prints the demo
 * key that kiosk-central --demo already knows. */
static int voucher_key(const args *ar) {
  char dir[512];
  kvkey k;
  kerr_msg msg = "";
  const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
  if (ar->opt.state_dir)
    snprintf(dir, sizeof dir, "%s", ar->opt.state_dir);
  else if (xdg && *xdg)
    snprintf(dir, sizeof dir, "%s/kiosk", xdg);
  else
    snprintf(dir, sizeof dir, "%s/.local/state/kiosk", home && *home ? home : "/tmp");
  if (ar->opt.demo) {
    kvkey_demo(&k);
  } else if (kvkey_load(dir, &k, msg) != KERR_OK) {
    fprintf(stderr, "kiosk: %s\n", msg);
    return 1;
  }
  printf("%s\nregister it at the central: kiosk-central --kiosk ID:SECRET:%s\n",
         k.pk_b64, k.pk_b64);
  kvkey_wipe(&k);
  return 0;
}

int main(int argc, char **argv) {
  app *a = &the_app;
  a->start_ms = app_now_ms();
  kerr_msg msg = "";
  args ar;
  int rc = args_parse(argc, argv, &ar, msg);
  if (rc == ARGS_DONE) return 0;
  if (rc != ARGS_RUN) {
    fprintf(stderr, "%s\n", msg);
    return 2;
  }
  if (ar.hash_pin) return hash_pin();
  if (ar.voucher_key) return voucher_key(&ar);
  cfg_defaults(&a->cfg);
  if (ar.opt.demo) cfg_demo_identity(&a->cfg);
  const char *path = ar.config ? ar.config : CFG_DEFAULT_PATH;
  /* Demo mode runs on built-in values unless a config file is named. */
  if (!ar.opt.demo || ar.config || ar.check_config) {
    if (cfg_load(path, &a->cfg, ar.opt.demo, msg) != 0) {
      fprintf(stderr, "kiosk: %s\n", msg);
      return 1;
    }
  }
  if (ar.check_config) {
    printf("%s: ok\n", path);
    return 0;
  }
  if (ar.opt.windowed) a->cfg.fullscreen = 0;
  if (ar.opt.width) {
    a->cfg.width = ar.opt.width;
    a->cfg.height = ar.opt.height;
  }
  script *s = NULL;
  if (ar.opt.script && script_parse(ar.opt.script, &s, msg) != 0) {
    fprintf(stderr, "kiosk: %s\n", msg);
    return 2;
  }
  if (s && !(a->script = script_run_new(s))) {
    script_free(s);
    fprintf(stderr, "kiosk: out of memory\n");
    return 1;
  }
  if (app_open(a, &ar.opt, msg) != 0) {
    fprintf(stderr, "kiosk: %s\n", msg);
    app_close(a);
    return 1;
  }
  rc = ui_run(a);
  app_close(a);
  return rc;
}
