/*
 * cfg: the kiosk's configuration file (INI, read with inih).
 *
 *   [kiosk]   id, secret                      (required unless --demo)
 *   [central] url (required unless --demo), timeout_ms, ca_file
 *   [display] renderer = software|accelerated, fullscreen, size = WxH
 *   [ui]      language, font_regular, font_bold, font_face,
 *             idle_timeout_s, countdown_s, notice_s
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

#include "kerr.h"

#define CFG_STR_MAX 512

typedef struct {
  char kiosk_id[64];
  char secret[128];
  char central_url[CFG_STR_MAX];
  long timeout_ms;
  char ca_file[CFG_STR_MAX];
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
/* 1 for zh_CN and en. */
int cfg_lang_valid(const char *lang);

#endif
