/* kiosk-print: prints a voucher or the test page, or reads printer status.
 * Exit status: 0 done, 1 any fault (one line on stderr), 2 bad usage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "prn_doc.h"
#include "prn_job.h"
#include "prn_journal.h"
#include "prn_layout.h"
#include "prn_raster.h"
#include "prn_text.h"
#include "prn_transport.h"
#include "prn_voucher.h"

static const char usage[] =
    "usage: kiosk-print --printer URI (--status | --test-page | --voucher FILE.json)\n"
    "                   [--width 576|512|384] [--mode raster|text] [--lang zh_CN|en]\n"
    "                   [--timeout SECONDS]\n"
    "       kiosk-print --journal DIR --printer URI (--voucher FILE.json [--txn ID]\n"
    "                   [--member ID] | --reprint CODE) [options above]\n"
    "       kiosk-print --journal DIR --list\n"
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
    "  --journal    the kiosk state dir: --voucher is owed in its print journal\n"
    "               first and printed through it (never twice without 重印)\n"
    "  --reprint    print an owed, failed or printed voucher from the journal;\n"
    "               it carries 重印 / REPRINT when an earlier slip may exist\n"
    "  --list       the journal's owed and failed vouchers, one per line\n"
    "Exit: 0 done, 1 fault, 2 bad usage. Assets from $KIOSK_ASSETS if set.\n";

typedef enum { ACT_NONE, ACT_STATUS, ACT_TEST, ACT_VOUCHER, ACT_REPRINT, ACT_LIST } action;

static int die(const char *what) {
  fprintf(stderr, "kiosk-print: %s\n", what);
  return 1;
}

static int bad_usage(const char *what) {
  fprintf(stderr, "kiosk-print: %s (try --help)\n", what);
  return 2;
}

static int load_lang(const char *lang, i18n **out, char *msg) {
  char dir[1200];
  /* The same folder the voucher's default logo comes from. */
  snprintf(dir, sizeof dir, "%s/i18n/%s", prn_voucher_assets_dir(), lang);
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

/* The voucher file as text, for the journal (prn_voucher_load has already
 * checked it). */
static char *read_text(const char *path, char *msg) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    kerr_set(msg, KERR_IO, "%s: %s", path, strerror(errno));
    return NULL;
  }
  char *buf = malloc(PRN_JOURNAL_JSON_MAX);
  size_t n = buf ? fread(buf, 1, PRN_JOURNAL_JSON_MAX - 1, f) : 0;
  int err = ferror(f);
  fclose(f);
  if (!buf || err || n == PRN_JOURNAL_JSON_MAX - 1) {
    free(buf);
    kerr_set(msg, KERR_INVALID, "%s: unreadable or over %d bytes", path,
             PRN_JOURNAL_JSON_MAX - 1);
    return NULL;
  }
  buf[n] = '\0';
  return buf;
}

static int list_row(void *ctx, const prn_journal_entry *e) {
  (void)ctx;
  printf("%s %s attempts=%d%s%s%s\n", e->code, prn_journal_state_name(e->state), e->attempts,
         e->maybe_printed ? " next=重印" : "", e->last_error[0] ? " error=" : "",
         e->last_error);
  return 0;
}

static int do_list(prn_journal *j) {
  kerr_msg msg;
  if (prn_journal_list(j, PRN_JOURNAL_DUE, list_row, NULL, msg))
    return die(msg);
  return 0;
}

/* Prints code through the journal; the row is already owed. An admin
 * reprint of a printed voucher first sends it back to failed (重印). */
static int journal_print(prn_journal *j, prn_transport *t, const char *code,
                         int admin_reprint, const prn_journal_layout *lo, const char *uri) {
  kerr_msg msg;
  char full[512];
  if (admin_reprint) {
    prn_journal_entry e;
    if (prn_journal_get(j, code, &e, msg))
      return die(msg);
    int printed = e.state == PRN_JOURNAL_PRINTED;
    prn_journal_entry_free(&e);
    if (printed && prn_journal_reprint(j, code, "reprint from kiosk-print", msg))
      return die(msg);
  }
  prn_journal_outcome out;
  if (prn_journal_print(j, t, code, lo, &out, msg)) {
    if (out.attempt > 0) {
      snprintf(full, sizeof full, "%.180s; voucher %s is %s in the journal", msg, code,
               prn_journal_state_name(out.state));
      return die(full);
    }
    return die(msg);
  }
  if (out.job.paper_near_end)
    fprintf(stderr, "kiosk-print: warning: paper near end\n");
  printf("printed %zu bytes to %s%s%s\n", out.len, uri,
         out.job.verified ? " (status checked)" : "", out.reprint ? " as 重印 / REPRINT" : "");
  return 0;
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"printer", required_argument, 0, 'p'}, {"status", no_argument, 0, 's'},
      {"test-page", no_argument, 0, 't'},     {"voucher", required_argument, 0, 'v'},
      {"width", required_argument, 0, 'w'},   {"mode", required_argument, 0, 'm'},
      {"lang", required_argument, 0, 'l'},    {"timeout", required_argument, 0, 'T'},
      {"help", no_argument, 0, 'h'},          {"version", no_argument, 0, 'V'},
      {"journal", required_argument, 0, 'j'}, {"reprint", required_argument, 0, 'r'},
      {"list", no_argument, 0, 'L'},          {"txn", required_argument, 0, 'x'},
      {"member", required_argument, 0, 'M'},  {0, 0, 0, 0}};
  const char *uri = NULL, *voucher = NULL, *lang = "zh_CN";
  const char *journal = NULL, *code = NULL, *txn = "kiosk-print", *member = NULL;
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
    case 'j':
      journal = optarg;
      break;
    case 'r':
      next = ACT_REPRINT;
      code = optarg;
      break;
    case 'L':
      next = ACT_LIST;
      break;
    case 'x':
      txn = optarg;
      break;
    case 'M':
      member = optarg;
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
        return bad_usage("give only one of --status, --test-page, --voucher, --reprint, "
                         "--list");
      act = next;
    }
  }
  if (optind < argc)
    return bad_usage("unexpected argument");
  if ((act == ACT_REPRINT || act == ACT_LIST) && !journal)
    return bad_usage("--reprint and --list need --journal DIR");
  if (journal && act != ACT_VOUCHER && act != ACT_REPRINT && act != ACT_LIST)
    return bad_usage("--journal goes with --voucher, --reprint or --list");
  kerr_msg msg;
  prn_journal *j = NULL;
  if (act == ACT_LIST) {
    if (prn_journal_open(journal, &j, msg))
      return die(msg);
    int lret = do_list(j);
    prn_journal_close(j);
    return lret;
  }
  if (!uri)
    return bad_usage("--printer URI is required");
  if (act == ACT_NONE)
    return bad_usage("give one of --status, --test-page, --voucher");

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

  /* The voucher is owed in the journal before the printer is touched: if the
   * printer cannot even be opened, it stays owed for the next try. */
  if (journal) {
    char *text = act == ACT_VOUCHER ? read_text(voucher, msg) : NULL;
    int jrc = act == ACT_VOUCHER && !text ? KERR_IO : prn_journal_open(journal, &j, msg);
    if (!jrc && text)
      jrc = prn_journal_owe(j, v.voucher_code, txn, member, text, msg);
    free(text);
    if (jrc) {
      prn_journal_close(j);
      i18n_free(pri);
      i18n_free(sec);
      return die(msg);
    }
    if (act == ACT_VOUCHER)
      code = v.voucher_code;
    /* Checked before the printer is opened, so a file: printer is not
     * truncated for a job that will not run. */
    prn_journal_entry e;
    jrc = prn_journal_get(j, code, &e, msg);
    if (!jrc) {
      if (act == ACT_VOUCHER && e.state == PRN_JOURNAL_PRINTED)
        jrc = kerr_set(msg, KERR_INVALID, "voucher %s was already printed; "
                       "--reprint %s prints it again as 重印 / REPRINT", code, code);
      prn_journal_entry_free(&e);
    }
    if (jrc) {
      prn_journal_close(j);
      i18n_free(pri);
      i18n_free(sec);
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
  if (rc && j) {
    char full[512];
    snprintf(full, sizeof full, "%.180s; voucher %s stays owed in the journal", msg, code);
    ret = die(full);
    goto out;
  }
  if (rc) {
    ret = die(msg);
    goto out;
  }
  if (act == ACT_STATUS) {
    ret = do_status(t);
    goto out;
  }
  if (j) {
    if (raster && (rc = prn_raster_new(NULL, NULL, &r, msg))) {
      ret = die(msg);
      goto out;
    }
    prn_journal_layout lo = {(int)width, raster, r, pri, sec};
    ret = journal_print(j, t, code, act == ACT_REPRINT, &lo, uri);
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
  prn_journal_close(j);
  i18n_free(pri);
  i18n_free(sec);
  return ret;
}
