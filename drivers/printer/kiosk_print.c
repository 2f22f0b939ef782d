/* kiosk-print: prints a voucher or the test page, or reads printer status.
 * Exit status: 0 done, 1 any fault (one line on stderr), 2 bad usage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"
#include "prn_doc.h"
#include "prn_job.h"
#include "prn_layout.h"
#include "prn_raster.h"
#include "prn_text.h"
#include "prn_transport.h"
#include "prn_voucher.h"

static const char usage[] =
    "usage: kiosk-print --printer URI (--status | --test-page | --voucher FILE.json)\n"
    "                   [--width 576|512|384] [--mode raster|text] [--lang zh_CN|en]\n"
    "                   [--timeout SECONDS]\n"
    "  URI: usb:  usb:VID:PID  tcp:HOST:PORT  file:PATH (also writes PATH.png)\n"
    "  --status     print the printer's status; exit 1 when it cannot print\n"
    "  --test-page  print status, paper width, 中文测试, a QR code and CODE128\n"
    "  --voucher    print a gift voucher or parking receipt from JSON\n"
    "               (fields: drivers/printer/prn_voucher.h)\n"
    "  --width      paper width in dots (default 576: 80 mm at 203 dpi)\n"
    "  --mode       raster (default; Noto Sans CJK as an image) or text\n"
    "               (printer fonts, GB18030)\n"
    "  --lang       zh_CN (default; Chinese with English lines) or en\n"
    "  --timeout    seconds the printer may stop taking data (default 10)\n"
    "Exit: 0 done, 1 fault, 2 bad usage. Assets from $KIOSK_ASSETS if set.\n";

typedef enum { ACT_NONE, ACT_STATUS, ACT_TEST, ACT_VOUCHER } action;

static int die(const char *what) {
  fprintf(stderr, "kiosk-print: %s\n", what);
  return 1;
}

static int bad_usage(const char *what) {
  fprintf(stderr, "kiosk-print: %s (try --help)\n", what);
  return 2;
}

static int is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *assets_dir(void) {
  const char *env = getenv("KIOSK_ASSETS");
  if (env && *env)
    return env;
  if (is_dir(KIOSK_INSTALL_ASSETS "/i18n"))
    return KIOSK_INSTALL_ASSETS;
  return KIOSK_SOURCE_ASSETS;
}

static int load_lang(const char *lang, i18n **out, char *msg) {
  char dir[1200];
  snprintf(dir, sizeof dir, "%s/i18n/%s", assets_dir(), lang);
  return i18n_load_dir(dir, out, msg);
}

static int parse_int(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || !*s || *end || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

static int do_status(prn_transport *t) {
  prn_status st;
  kerr_msg msg;
  char why[128];
  int rc = prn_transport_status(t, &st, msg);
  if (rc == KERR_UNSUPPORTED) {
    printf("status: unknown (%s)\n", msg);
    return 0;
  }
  if (rc)
    return die(msg);
  prn_job_describe(&st, why, sizeof why);
  printf("status: %s\n", why);
  if (prn_escpos_status_blocks(&st)) {
    snprintf(msg, sizeof msg, "printer not ready: %s", why);
    return die(msg);
  }
  return 0;
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"printer", required_argument, 0, 'p'}, {"status", no_argument, 0, 's'},
      {"test-page", no_argument, 0, 't'},     {"voucher", required_argument, 0, 'v'},
      {"width", required_argument, 0, 'w'},   {"mode", required_argument, 0, 'm'},
      {"lang", required_argument, 0, 'l'},    {"timeout", required_argument, 0, 'T'},
      {"help", no_argument, 0, 'h'},          {"version", no_argument, 0, 'V'},
      {0, 0, 0, 0}};
  const char *uri = NULL, *voucher = NULL, *lang = "zh_CN";
  action act = ACT_NONE;
  long width = 576, timeout = 10;
  int raster = 1, c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    action next = ACT_NONE;
    switch (c) {
    case 'p':
      uri = optarg;
      break;
    case 's':
      next = ACT_STATUS;
      break;
    case 't':
      next = ACT_TEST;
      break;
    case 'v':
      next = ACT_VOUCHER;
      voucher = optarg;
      break;
    case 'w':
      if (parse_int(optarg, 1, 100000, &width) || (width != 576 && width != 512 && width != 384))
        return bad_usage("--width must be 576, 512 or 384");
      break;
    case 'm':
      if (strcmp(optarg, "raster") != 0 && strcmp(optarg, "text") != 0)
        return bad_usage("--mode must be raster or text");
      raster = strcmp(optarg, "raster") == 0;
      break;
    case 'l':
      if (strcmp(optarg, "zh_CN") != 0 && strcmp(optarg, "en") != 0)
        return bad_usage("--lang must be zh_CN or en");
      lang = optarg;
      break;
    case 'T':
      if (parse_int(optarg, 1, 600, &timeout))
        return bad_usage("--timeout must be 1..600 seconds");
      break;
    case 'h':
      fputs(usage, stdout);
      return 0;
    case 'V':
      printf("kiosk-print %s\n", KIOSK_VERSION);
      return 0;
    case ':':
      return bad_usage("an option is missing its value");
    default:
      return bad_usage("unknown option");
    }
    if (next != ACT_NONE) {
      if (act != ACT_NONE)
        return bad_usage("give only one of --status, --test-page, --voucher");
      act = next;
    }
  }
  if (optind < argc)
    return bad_usage("unexpected argument");
  if (!uri)
    return bad_usage("--printer URI is required");
  if (act == ACT_NONE)
    return bad_usage("give one of --status, --test-page, --voucher");

  kerr_msg msg;
  prn_uri parsed;
  if (prn_transport_parse(uri, &parsed, msg))
    return bad_usage(msg);

  /* Everything that can fail before the printer is touched comes first, so a
   * bad voucher file never leaves a half-started job. */
  prn_voucher v;
  if (act == ACT_VOUCHER && prn_voucher_load(voucher, &v, msg))
    return die(msg);
  i18n *pri = NULL, *sec = NULL;
  if (act != ACT_STATUS) {
    if (load_lang(lang, &pri, msg))
      return die(msg);
    if (strcmp(lang, "en") != 0 && load_lang("en", &sec, msg)) {
      i18n_free(pri);
      return die(msg);
    }
  }

  prn_opts po;
  prn_transport_defaults(&po);
  po.write_ms = (int)timeout * 1000;
  prn_transport *t = NULL;
  int rc = prn_transport_open(uri, &po, &t, msg);
  int ret = 0;
  prn_doc *d = NULL;
  prn_escpos *e = NULL;
  prn_raster *r = NULL;
  if (rc) {
    ret = die(msg);
    goto out;
  }
  if (act == ACT_STATUS) {
    ret = do_status(t);
    goto out;
  }
  if (prn_doc_new(&d) || prn_escpos_new(&e)) {
    ret = die("out of memory");
    goto out;
  }
  if (act == ACT_TEST) {
    prn_status st;
    kerr_msg smsg;
    int have = prn_transport_status(t, &st, smsg) == KERR_OK;
    rc = prn_layout_test_page(have ? &st : NULL, (int)width, raster, pri, sec, d, msg);
  } else {
    rc = prn_layout_voucher(&v, pri, sec, d, msg);
  }
  if (!rc && raster) {
    rc = prn_raster_new(NULL, NULL, &r, msg);
    if (!rc)
      rc = prn_raster_render(r, d, (int)width, e, NULL, msg);
  } else if (!rc) {
    rc = prn_text_render(d, (int)width, e, msg);
  }
  if (rc) {
    ret = die(msg);
    goto out;
  }
  size_t len;
  const uint8_t *bytes = prn_escpos_data(e, &len);
  prn_job_result res;
  rc = prn_job_print(t, bytes, len, &res, msg);
  if (rc) {
    ret = die(msg);
    goto out;
  }
  if (res.paper_near_end)
    fprintf(stderr, "kiosk-print: warning: paper near end\n");
  printf("printed %zu bytes to %s%s\n", len, uri, res.verified ? " (status checked)" : "");
out:
  prn_raster_free(r);
  prn_escpos_free(e);
  prn_doc_free(d);
  prn_transport_close(t);
  i18n_free(pri);
  i18n_free(sec);
  return ret;
}
