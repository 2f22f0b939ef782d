/*
 * kiosk-central: the reference central membership server.
 *
 * Flags are parsed here and nothing else happens here: the database
 * (ctl_db), the key (ctl_keys), demo data (ctl_demo) and the HTTP server
 * (ctl_http) do the work. SIGTERM and SIGINT are blocked in every thread and
 * taken with sigwait() by main, which then stops the server cleanly.
 */
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl_clock.h"
#include "ctl_conf.h"
#include "ctl_console.h"
#include "ctl_demo.h"
#include "ctl_engage.h"
#include "ctl_env.h"
#include "ctl_http.h"
#include "ctl_staff.h"
#include "klog.h"

static void usage(FILE *f) {
  fputs(
      "usage: kiosk-central [options]\n"
      "Reference central membership server for the mall kiosks.\n\n"
      "  --config FILE        read settings from FILE first: a [central] section\n"
      "                       of KEY = VALUE lines, KEY a long option below\n"
      "                       (kiosk = ID:SECRET; flags: yes/no); keeps\n"
      "                       secrets out of ps; the command line wins\n"
      "  --listen HOST:PORT   IPv4 address and port (default 127.0.0.1:8080;\n"
      "                       port 0 picks a free one)\n"
      "  --db FILE            SQLite database (default kiosk-central.db)\n"
      "  --demo               seed demo members, catalog and cars into an empty\n"
      "                       database; accept kiosk demo-kiosk:demo-secret\n"
      "                       with the public demo voucher key;\n"
      "                       enable /v1/demo/*; console accounts desk/desk-demo\n"
      "                       and admin/admin-demo\n"
      "  --kiosk ID:SECRET[:VOUCHER_PUBKEY]\n"
      "                       accept this kiosk (repeatable); VOUCHER_PUBKEY is\n"
      "                       the key its offline vouchers are signed with\n"
      "                       (`kiosk --voucher-key` prints it)\n"
      "  --threads N          worker threads (default 8)\n"
      "  --timeout S          close a connection silent for S seconds, or whose\n"
      "                       request is not whole S seconds after it began\n"
      "                       (default 10)\n"
      "  --assets DIR         catalog images (DIR/items/*.png); the staff\n"
      "                       console is served from DIR/console when present\n"
      "  --console DIR        the staff console's files (served at /console/)\n"
      "  --staff USER:ROLE:HASH\n"
      "                       a console account (repeatable); ROLE is desk or\n"
      "                       admin, HASH comes from --hash-password\n"
      "  --hash-password      read a password from stdin, print its hash, exit\n"
      "  --offline-after S    the console shows a kiosk offline after S seconds\n"
      "                       without a heartbeat (default 180)\n"
      "  --secure-cookies     mark console session cookies Secure (serve the\n"
      "                       console over HTTPS or through a TLS proxy)\n"
      "  --tls-cert FILE      serve HTTPS only, with this PEM certificate (then\n"
      "                       its chain); needs --tls-key\n"
      "  --tls-key FILE       the PEM private key of --tls-cert\n"
      "  --streak-bonus DAYS:POINTS\n"
      "                       check-in streak bonus: POINTS more on every\n"
      "                       DAYS-th day in a row (default 3:30; 3:0 = none)\n"
      "  --lottery-cost N     points per lottery draw (default 500)\n"
      "  --lottery-per-day N  draws per member and day (default 5; 0 = no\n"
      "                       limit)\n"
      "  --signing-seed HEX   TESTS ONLY: use this 32-byte Ed25519 seed (64 hex\n"
      "                       digits) instead of the key stored in the database\n"
      "  --clock-offset S     TESTS ONLY: run the server's clock S seconds ahead\n"
      "                       (negative: behind), to see vouchers and points\n"
      "                       expire\n"
      "  --help, --version\n\n"
      "Once ready it prints 'listening on http://HOST:PORT' on stdout\n"
      "(https:// with --tls-cert).\n",
      f);
}

static int bad_flag(const char *fmt, const char *arg) {
  fputs("kiosk-central: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs(" (try --help)\n", stderr);
  return 2;
}

/* kiosk-central --hash-password: one line from stdin, its hash on stdout. */
static int hash_password(void) {
  char line[256], hash[crypto_pwhash_STRBYTES];
  kerr_msg msg;
  size_t n;
  int rc;
  if (sodium_init() < 0 || !fgets(line, sizeof line, stdin)) {
    fputs("kiosk-central: no password on stdin\n", stderr);
    return 2;
  }
  n = strcspn(line, "\r\n");
  line[n] = '\0';
  rc = ctl_staff_hash(line, hash, msg);
  sodium_memzero(line, sizeof line);
  if (rc) {
    fprintf(stderr, "kiosk-central: %s\n", msg);
    return 2;
  }
  puts(hash);
  return 0;
}

static int parse_listen(const char *arg, char *host, size_t cap, int *port) {
  const char *colon = strrchr(arg, ':');
  char *end = NULL;
  long p;
  size_t n;
  if (!colon) return -1;
  n = (size_t)(colon - arg);
  if (n == 0 || n >= cap) return -1;
  p = strtol(colon + 1, &end, 10);
  if (end == colon + 1 || *end || p < 0 || p > 65535) return -1;
  memcpy(host, arg, n);
  host[n] = '\0';
  if (strcmp(host, "localhost") == 0) snprintf(host, cap, "127.0.0.1");
  *port = (int)p;
  return 0;
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'F'},
      {"listen", required_argument, NULL, 'l'},
      {"db", required_argument, NULL, 'd'},
      {"demo", no_argument, NULL, 'D'},
      {"kiosk", required_argument, NULL, 'k'},
      {"threads", required_argument, NULL, 't'},
      {"timeout", required_argument, NULL, 'T'},
      {"signing-seed", required_argument, NULL, 's'},
      {"assets", required_argument, NULL, 'a'},
      {"clock-offset", required_argument, NULL, 'c'},
      {"console", required_argument, NULL, 'C'},
      {"staff", required_argument, NULL, 'S'},
      {"hash-password", no_argument, NULL, 'H'},
      {"offline-after", required_argument, NULL, 'O'},
      {"secure-cookies", no_argument, NULL, 'Z'},
      {"streak-bonus", required_argument, NULL, 'B'},
      {"lottery-cost", required_argument, NULL, 'L'},
      {"lottery-per-day", required_argument, NULL, 'P'},
      {"tls-cert", required_argument, NULL, 'x'},
      {"tls-key", required_argument, NULL, 'y'},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  static ctl_env env; /* big (kiosk table); static keeps it off the stack */
  char host[64] = "127.0.0.1";
  const char *db_path = "kiosk-central.db", *seed = NULL, *console = NULL;
  const char *staff[32];
  static char console_buf[1024];
  struct stat sb;
  size_t nstaff = 0, si;
  int port = 8080, threads = 8, timeout = 10, bound = 0, opt, sig, rc;
  unsigned char seed_bin[32];
  kerr_msg msg;
  sigset_t stop;
  ctl_http *http = NULL;
  ctl_http_tls tls = {NULL, NULL};
  sqlite3 *conn;

  if (ctl_conf_expand(&argc, &argv, opts, msg) != 0)
    return bad_flag("%s", msg);
  opterr = 0;
  while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (opt) {
    case 'l':
      if (parse_listen(optarg, host, sizeof host, &port) != 0)
        return bad_flag("--listen wants HOST:PORT, got '%s'", optarg);
      break;
    case 'd': db_path = optarg; break;
    case 'F': break; /* read by ctl_conf_expand */
    case 'a': env.assets_dir = optarg; break;
    case 'D': env.demo = 1; break;
    case 'k':
      if (ctl_env_add_kiosk(&env, optarg, msg) != 0)
        return bad_flag("%s", msg);
      break;
    case 't': {
      char *end = NULL;
      long n = strtol(optarg, &end, 10);
      if (end == optarg || *end || n < 1 || n > 256)
        return bad_flag("--threads wants 1..256, got '%s'", optarg);
      threads = (int)n;
      break;
    }
    case 'T': {
      char *end = NULL;
      long n = strtol(optarg, &end, 10);
      if (end == optarg || *end || n < 1 || n > 3600)
        return bad_flag("--timeout wants 1..3600 seconds, got '%s'", optarg);
      timeout = (int)n;
      break;
    }
    case 's':
      if (ctl_keys_parse_seed(optarg, seed_bin) != 0)
        return bad_flag("--signing-seed wants 64 hex digits%s", "");
      seed = optarg;
      break;
    case 'c': {
      char *end = NULL;
      long long s = strtoll(optarg, &end, 10);
      /* A century either way is plenty and keeps time_t arithmetic sane. */
      if (end == optarg || *end || s < -3155760000LL || s > 3155760000LL)
        return bad_flag("--clock-offset wants seconds, got '%s'", optarg);
      ctl_clock_shift((int64_t)s);
      break;
    }
    case 'C': console = optarg; break;
    case 'S':
      if (nstaff == sizeof staff / sizeof staff[0])
        return bad_flag("at most 32 --staff accounts%s", "");
      if (ctl_staff_parse(optarg, msg) != 0) return bad_flag("%s", msg);
      staff[nstaff++] = optarg;
      break;
    case 'H': return hash_password();
    case 'O': {
      char *end = NULL;
      long n = strtol(optarg, &end, 10);
      if (end == optarg || *end || n < 1 || n > 86400)
        return bad_flag("--offline-after wants 1..86400 seconds, got '%s'",
                        optarg);
      ctl_console_set_offline_after((int)n);
      break;
    }
    case 'Z': ctl_staff_secure_cookies(1); break;
    case 'B':
      if (ctl_engage_set_streak(optarg, msg) != 0) return bad_flag("%s", msg);
      break;
    case 'L':
    case 'P': {
      const ctl_engage_conf *ec = ctl_engage_get();
      char *end = NULL;
      long n = strtol(optarg, &end, 10);
      if (end == optarg || *end || n < 0 || n > 1000000)
        return bad_flag("--lottery-cost and --lottery-per-day want 0..1000000,"
                        " got '%s'",
                        optarg);
      ctl_engage_set_lottery(opt == 'L' ? n : ec->lottery_cost,
                             opt == 'P' ? n : ec->lottery_per_day);
      break;
    }
    case 'x': tls.cert_file = optarg; break;
    case 'y': tls.key_file = optarg; break;
    case 'h': usage(stdout); return 0;
    case 'V': printf("kiosk-central %s\n", KIOSK_VERSION); return 0;
    case ':':
      return bad_flag("option %s needs a value", argv[optind - 1]);
    default:
      return bad_flag("unknown option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc) return bad_flag("unexpected argument '%s'", argv[optind]);
  if (!tls.cert_file != !tls.key_file)
    return bad_flag("%s", tls.cert_file ? "--tls-cert needs --tls-key"
                                        : "--tls-key needs --tls-cert");
  if (sodium_init() < 0) {
    fputs("kiosk-central: libsodium failed to initialise\n", stderr);
    return 1;
  }

  /* Block before any thread exists so every MHD thread inherits the mask. */
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);

  if (!env.assets_dir) env.assets_dir = CENTRAL_ASSETS;
  if (!console) {
    snprintf(console_buf, sizeof console_buf, "%s/console", env.assets_dir);
    console = stat(console_buf, &sb) == 0 && S_ISDIR(sb.st_mode)
                  ? console_buf
                  : CENTRAL_CONSOLE;
  }
  ctl_console_set_dir(console);
  env.parking_fee_per_hour = 10;
  env.parking_points_per_hour = 300;
  if (env.demo && ctl_env_add_kiosk(&env, "demo-kiosk:demo-secret", msg) != 0)
    return bad_flag("%s", msg);
  if (env.demo) ctl_env_demo_voucher_key(&env);
  if ((rc = ctl_db_open(db_path, threads + 2, &env.db, msg)) != 0) {
    klog_error("central", "%s", msg);
    return 1;
  }
  conn = ctl_db_acquire(env.db);
  rc = ctl_keys_load(conn, seed, &env.keys, msg);
  ctl_db_release(env.db, conn);
  if (rc == 0 && env.demo) rc = ctl_demo_seed(env.db, ctl_clock_now(), msg);
  if (rc == 0 && env.demo)
    rc = ctl_staff_seed_demo(env.db, ctl_clock_now(), msg);
  for (si = 0; rc == 0 && si < nstaff; si++)
    rc = ctl_staff_add(env.db, staff[si], ctl_clock_now(), msg);
  if (rc == 0)
    rc = ctl_http_start(&env, host, port, threads, timeout,
                        tls.cert_file ? &tls : NULL, &http, &bound, msg);
  if (rc) {
    klog_error("central", "%s", msg);
    ctl_db_close(env.db);
    return 1;
  }
  printf("listening on %s://%s:%d\n", tls.cert_file ? "https" : "http", host,
         bound);
  fflush(stdout);
  klog_info("central", "serving %s%s with %d threads", db_path,
            env.demo ? " (demo)" : "", threads);

  while (sigwait(&stop, &sig) != 0) {
  }
  klog_info("central", "signal %d: stopping", sig);
  ctl_http_stop(http);
  ctl_db_close(env.db);
  sodium_memzero(&env.keys, sizeof env.keys);
  return 0;
}
