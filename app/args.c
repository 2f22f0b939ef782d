#include "args.h"

#include <string.h>

#include "cfg.h"

void args_usage(FILE *f) {
  fputs(
      "usage: kiosk [options]\n"
      "  --demo              demo mode: start kiosk-central --demo and show demo\n"
      "                      member cards (no config file needed)\n"
      "  --central URL       use a running central instead\n"
      "  --config FILE       configuration (default " CFG_DEFAULT_PATH ")\n"
      "  --check-config      validate the configuration and exit 0 or 1\n"
      "  --state-dir DIR     local state (default $XDG_STATE_HOME/kiosk)\n"
      "  --windowed          a window instead of full screen\n"
      "  --size WxH          window size (default 1080x1920, portrait)\n"
      "  --lang zh_CN|en     start language\n"
      "  --script FILE       run a test or tour script, then exit\n"
      "  --hash-pin          read an admin PIN on stdin and print the\n"
      "                      [admin] pin_hash line for the config\n"
      "  --voucher-key       print this kiosk's offline voucher public key (in\n"
      "                      --state-dir; made on first use) for kiosk-central\n"
      "  --help, --version\n",
      f);
}

static int need(int argc, char **argv, int *i, const char **val, char *msg) {
  if (*i + 1 >= argc)
    return kerr_set(msg, ARGS_BAD, "kiosk: %s needs a value (see --help)",
                    argv[*i]);
  *val = argv[++*i];
  return ARGS_RUN;
}

int args_parse(int argc, char **argv, args *out, char *msg) {
  memset(out, 0, sizeof *out);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = NULL;
    int rc = ARGS_RUN;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      args_usage(stdout);
      return ARGS_DONE;
    } else if (!strcmp(a, "--version")) {
      printf("kiosk %s\n", KIOSK_VERSION);
      return ARGS_DONE;
    } else if (!strcmp(a, "--demo")) {
      out->opt.demo = 1;
    } else if (!strcmp(a, "--windowed")) {
      out->opt.windowed = 1;
    } else if (!strcmp(a, "--check-config")) {
      out->check_config = 1;
    } else if (!strcmp(a, "--hash-pin")) {
      out->hash_pin = 1;
    } else if (!strcmp(a, "--voucher-key")) {
      out->voucher_key = 1;
    } else if (!strcmp(a, "--central")) {
      if ((rc = need(argc, argv, &i, &v, msg))) return rc;
      if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
        return kerr_set(msg, ARGS_BAD, "kiosk: --central needs an http(s):// URL, not %s", v);
      out->opt.central_url = v;
    } else if (!strcmp(a, "--config")) {
      if ((rc = need(argc, argv, &i, &out->config, msg))) return rc;
    } else if (!strcmp(a, "--state-dir")) {
      if ((rc = need(argc, argv, &i, &out->opt.state_dir, msg))) return rc;
    } else if (!strcmp(a, "--script")) {
      if ((rc = need(argc, argv, &i, &out->opt.script, msg))) return rc;
    } else if (!strcmp(a, "--size")) {
      if ((rc = need(argc, argv, &i, &v, msg))) return rc;
      if (cfg_parse_size(v, &out->opt.width, &out->opt.height))
        return kerr_set(msg, ARGS_BAD, "kiosk: --size needs WxH (240..8192), not %s", v);
    } else if (!strcmp(a, "--lang")) {
      if ((rc = need(argc, argv, &i, &out->opt.lang, msg))) return rc;
      if (!cfg_lang_valid(out->opt.lang))
        return kerr_set(msg, ARGS_BAD, "kiosk: --lang must be zh_CN or en, not %s",
                        out->opt.lang);
    } else {
      return kerr_set(msg, ARGS_BAD, "kiosk: unknown option %s (see --help)", a);
    }
  }
  return ARGS_RUN;
}
