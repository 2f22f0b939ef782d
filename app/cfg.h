/*
 * cfg: the kiosk's configuration file (INI, read with inih).
 *
 *   [kiosk]   id, secret                      (required unless --demo)
 *   [central] url (required unless --demo), timeout_ms, ca_file,
 *             heartbeat_s (how often the kiosk reports its health)
 *   [display] renderer = software|accelerated, fullscreen, size = WxH
 *   [ui]      language, font_regular, font_bold, font_face,
 *             idle_timeout_s, countdown_s, notice_s
 *   [printer] uri (file:PATH | tcp:HOST:PORT | usb: | usb:VID:PID),
 *             width = 576|512|384, mode = raster|text
 *   [offline] mode = off|offline_items, deadline_ms (the online answer's
 *             wait before a transaction counts as queued)
 *   [scanner] source: where member codes come from, a comma-separated
 *             list of camera:DEV | wedge:DEV | dir:PATH | image:FILE
 *             (scan_source.h); none by default (demo: the demo cards);
 *             preview = yes: file sources feed the attract screen's
 *             camera preview too (demos, tests; a camera always does)
 *   [admin]   pin_hash (crypto_pwhash_str of the PIN: kiosk --hash-pin;
 *             none: no admin screen, but 2580 in demo mode), allow_exit
 *
 * packaging/kiosk.conf.example documents every key. Contract: cfg_load()
 * either fills the whole struct or fails with KERR_CONFIG and a message
 * "file:line: what is wrong" for the first problem: an unknown section or
 * key, a key given twice, a value that does not parse or is out of range, a
 * syntax error, or a missing required key (reported at the line of its
 * section, or the file's last line when the section is absent). Values the
 * file leaves out keep what cfg_defaults() set.
 */
#ifndef CFG_H
#define CFG_H

#include <stddef.h>

#include "kerr.h"

#define CFG_STR_MAX 512

typedef struct {
  char kiosk_id[64];
  char secret[128];
  char central_url[CFG_STR_MAX];
  long timeout_ms;
  char ca_file[CFG_STR_MAX];
  int heartbeat_s;
  int renderer_accelerated;
  int fullscreen;
  int width, height; /* window size when not full screen */
  char language[8];  /* "zh_CN" or "en" */
  char font_regular[CFG_STR_MAX];
  char font_bold[CFG_STR_MAX];
  int font_face; /* face index inside a .ttc collection */
  int idle_timeout_s;
  int countdown_s;
  int notice_s;
  char printer_uri[CFG_STR_MAX]; /* "" = demo: file:<state>/printer/voucher,
                                    else usb: */
  int printer_width;             /* dots: 576, 512 or 384 */
  int printer_raster;            /* 1 raster (default), 0 printer text */
  int offline_items;             /* [offline] mode: 1 offline_items, 0 off */
  int online_deadline_ms;
  char scanner_sources[CFG_STR_MAX]; /* "" none, else a checked list */
  int scanner_preview_files;
  char admin_pin_hash[128]; /* "$argon2id$..." or "" */
  int admin_allow_exit;     /* the admin screen offers "exit to system" */
} cfg;

#define CFG_DEFAULT_PATH "/etc/kiosk/kiosk.conf"

/* Built-in values for every optional key (no kiosk id, secret or url). */
void cfg_defaults(cfg *c);
/* The demo identity the reference central knows: demo-kiosk / demo-secret. */
void cfg_demo_identity(cfg *c);

/* Reads path over c (call cfg_defaults first). With demo set the identity and
 * url may be missing. */
int cfg_load(const char *path, cfg *c, int demo, char *msg);

/* Parses "1080x1920"; 0 or KERR_INVALID. */
int cfg_parse_size(const char *s, int *w, int *h);
/* The next entry of a comma-separated [scanner] source list, trimmed, into
 * out: 1, or 0 when the list is used up (*list advances). */
int cfg_next_source(const char **list, char *out, size_t cap);
/* 1 for zh_CN and en. */
int cfg_lang_valid(const char *lang);

#endif
