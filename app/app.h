/*
 * app: the kiosk's state on the UI thread and the glue between its parts.
 *
 * Data flows one way: the API worker and the scanner thread post results as
 * SDL events (events.h) -> app_handle_event() hands them to the session state
 * machine (session.h) -> the app switches screens to match the session ->
 * screens draw. Screens call the app_* actions below; they never call the
 * network, the scanner or the clock directly.
 *
 * Contract: everything here runs on the UI thread. app_open() builds the
 * whole kiosk (config already loaded), app_close() releases all of it,
 * including the demo central it may have started.
 */
#ifndef APP_H
#define APP_H

#include <SDL.h>
#include <stdint.h>

#include "api.h"
#include "cfg.h"
#include "draw.h"
#include "i18n.h"
#include "mcode.h"
#include "screen.h"
#include "session.h"
#include "text.h"
#include "theme.h"
#include "widget.h"

typedef struct apiw apiw;
typedef struct scanw scanw;
typedef struct demo_central demo_central;
typedef struct script_run script_run;
typedef struct catalog catalog;
typedef struct txn txn;
typedef struct pin pin;
typedef struct hbw hbw;
typedef struct scan_replay scan_replay;

enum { APP_ZH = 0, APP_EN = 1 };
enum { APP_CONFIG_LOADING = 0, APP_CONFIG_OK = 1, APP_CONFIG_FAILED = -1 };

#define APP_MAX_DEMO 4

typedef struct {
  char id[MCODE_ID_MAX + 1];
  char tier[16];
  char name_masked[64];
} app_demo_member;

typedef struct {
  int demo;          /* --demo */
  int windowed;      /* --windowed */
  int width, height; /* --size, 0 = from config */
  const char *central_url;
  const char *state_dir;
  const char *lang;
  const char *script;
} app_options;

struct app {
  cfg cfg;
  app_options opt;
  char assets[512];
  char state_dir[512];
  char central_url[CFG_STR_MAX];

  SDL_Window *win;
  SDL_Renderer *ren;
  int w, h;
  float s; /* window pixels per design pixel (short side 1080) */
  theme th;
  text *tx;
  draw *dr;

  i18n *cat[2];
  int lang;

  session *ses;
  const struct screen_ops *stack[SCREEN_DEPTH];
  int depth;
  wset ws;

  apiw *api;
  int api_inflight;
  scanw *scan;
  int scan_inflight;
  demo_central *central;

  int config_state;
  char mall[2][128];
  unsigned char pubkey[32];
  mcode_policy policy;
  int64_t central_offset_s; /* the central's clock minus ours, from its config */
  app_demo_member demo_members[APP_MAX_DEMO];
  int n_demo;
  int demo_loading; /* index+1 of the card whose code is being fetched */

  /* Codes that opened a session here are refused again (scan_replay.h);
   * the code being resolved is kept until the session opens. */
  scan_replay *replay;
  char resolving[MCODE_MAX_LEN + 1];
  size_t resolving_len;
  int64_t resolving_until;

  char pending_scan[MCODE_MAX_LEN + 1];
  int has_pending_scan;
  char notice[64]; /* msgid shown on the attract screen, "" for none */
  uint64_t notice_until;
  char toast[64];
  uint64_t toast_until;

  int countdown_shown;      /* idle countdown seconds last drawn, 0 none */
  uint64_t scan_started_ms; /* for the scan-to-member figure in the log */
  uint64_t start_ms;
  int frames;
  int dirty;
  int quit;
  int exit_code;
  script_run *script;

  /* Journeys (issue 7): catalog cache and images, transactions and the
   * printer worker (catalog.h, txn.h). */
  catalog *catalog;
  txn *txn;

  /* Parking and admin (issue 7, parts 5 and 8): what parking costs, from
   * the central's config, and the admin PIN guard (pin.h; made when the
   * admin screen first opens). */
  int park_free_hours[4]; /* a day, by tier index (theme_tier_index) */
  int park_points_per_hour;
  pin *pin;

  /* Health (issue 8): the heartbeat worker, and the generation of its
   * snapshot last put in systemd's STATUS line. */
  hbw *hb;
  unsigned hb_gen;

  /* Storage faults (issue 4): the state dir's watcher (storage.h), the
   * fault the UI last acted on, and its change count. */
  struct storage *store;
  int store_fault; /* storage_fault; STORAGE_OK when usable */
  unsigned store_gen;
  uint64_t store_kicked; /* started_ms of the failed save last probed for */

  /* The member cache (net/mcache.h through mcw.h): the lookup waited for
   * (session generation, 0 none), and the session shown from the cache
   * while the central was unreachable, with when the member was last seen. */
  struct mcw *mcw;
  unsigned mc_looking;
  unsigned mc_offline_gen;
  int64_t mc_seen_at;
};

int app_open(app *a, const app_options *opt, char *msg);
void app_close(app *a);

/* Design pixels to window pixels. */
int app_px(const app *a, int design);
/* The current language's text for msgid, and the other language's. */
const char *app_t(const app *a, const char *msgid);
const char *app_t_other(const app *a, const char *msgid);
/* Picks the current language from a {"zh","en"} pair. */
const char *app_pick(const app *a, const char *zh, const char *en);
uint64_t app_now_ms(void);
/* How every worker of this kiosk reaches the central (base URL, kiosk id and
 * secret, timeout, ca_file or NULL); the strings stay owned by a. */
api_config app_api_config(const app *a);

void app_dirty(app *a);
void app_set_lang(app *a, int lang);
/* The scanner's (or a script's) payload, through the one verification path. */
void app_scan_payload(app *a, const char *payload, size_t len);
/* Demo card i (0-based): fetch a fresh code and put it through the scanner. */
void app_demo_scan(app *a, int index);
/* Ends the member's session now and goes back to attract. */
void app_end_session(app *a);
/* 1 when transactions can be saved: the queue is open and the state dir
 * has no storage fault (storage.h); else the kiosk is out of service. */
int app_in_service(const app *a);
/* 1 when the member on screen came from the member cache (the central was
 * unreachable at scan time); *seen_at (may be NULL) when the cached profile
 * was last fresh. A later profile from the central clears it. */
int app_member_offline(const app *a, int64_t *seen_at);
void app_toast(app *a, const char *msgid);
/* Fetches the member's profile again (balance after a transaction). */
void app_refresh_member(app *a);

/* Requests of the parking and admin screens, off the UI thread (apiw). The
 * answer comes back to scr_parking_answer() or scr_admin_answer() with the
 * session generation of the time of asking. */
enum { APP_TAG_PARKING = 100, APP_TAG_ADMIN = 101, APP_TAG_BOARD = 102 };
int app_request(app *a, int tag, const char *method, const char *path);
void scr_parking_answer(app *a, unsigned gen, int rc, long status,
                        const json_t *body);
void scr_admin_answer(app *a, int rc, long status, const json_t *body);

/* Routes one SDL event; 1 when the frame must be redrawn. */
int app_handle_event(app *a, const SDL_Event *ev);
/* Timers (session idle, countdown, notices); returns the next deadline. */
uint64_t app_tick(app *a, uint64_t now_ms);
/* 1 when no network request or scan is in flight. */
int app_settled(const app *a);
/* Draws a whole frame into the renderer (no present). */
void app_draw(app *a);

#endif
