/* The attract screen: invitation to scan, language switch, the reason a code
 * was refused, and in demo mode the four demo member cards. With a camera
 * among the scanner sources, its live picture fills the aiming frame so the
 * member can aim the phone. Under the invitation, this month's top earners
 * (积分排行榜, GET /v1/leaderboard: opted-in members only, names masked by
 * the central) as a strip, fetched on the API worker every BOARD_MS while
 * the screen shows, and hidden when empty or when the central did not
 * answer. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "engage.h"
#include "hold.h"
#include "klog.h"
#include "scanw.h"
#include "screen.h"
#include "tmpl.h"
#include "ui.h"

/* The camera preview: pulled from the scanner at most 10 times a second
 * (scan_thread_preview), one streaming texture. */
#define PREVIEW_MS 100
static struct {
  SDL_Texture *tex;
  int w, h;
  uint64_t seq, pulled_ms;
  uint8_t grey[SCAN_PREVIEW_MAX * SCAN_PREVIEW_MAX];
  uint8_t rgb[SCAN_PREVIEW_MAX * SCAN_PREVIEW_MAX * 3];
} PV;

void scr_attract_close(void) {
  if (PV.tex) SDL_DestroyTexture(PV.tex);
  memset(&PV, 0, sizeof PV);
}

/* 1 when a newer frame went into the texture. */
static int pull_preview(app *a) {
  int w = 0, h = 0;
  if (scanw_preview(a->scan, PV.grey, sizeof PV.grey, &w, &h, &PV.seq) != 1)
    return 0;
  if (PV.tex && (w != PV.w || h != PV.h)) {
    SDL_DestroyTexture(PV.tex);
    PV.tex = NULL;
  }
  if (!PV.tex) {
    PV.tex = SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_RGB24,
                               SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!PV.tex) return 0;
    SDL_SetTextureScaleMode(PV.tex, SDL_ScaleModeLinear);
    PV.w = w;
    PV.h = h;
  }
  for (int i = 0; i < w * h; i++)
    PV.rgb[3 * i] = PV.rgb[3 * i + 1] = PV.rgb[3 * i + 2] = PV.grey[i];
  SDL_UpdateTexture(PV.tex, NULL, PV.rgb, w * 3);
  return 1;
}

/* The preview cropped to fill r (the middle of the picture is kept). */
static void draw_preview(app *a, SDL_Rect r) {
  SDL_Rect src = {0, 0, PV.w, PV.h};
  if ((long)PV.w * r.h > (long)PV.h * r.w) {
    src.w = PV.h * r.w / r.h;
    src.x = (PV.w - src.w) / 2;
  } else {
    src.h = PV.w * r.h / r.w;
    src.y = (PV.h - src.h) / 2;
  }
  SDL_RenderCopy(a->ren, PV.tex, &src, &r);
}

/* The leaderboard: at most BOARD_MAX entries, as many as the strip's width
 * holds (3 in portrait, 5 in landscape). */
#define BOARD_MAX 5
#define BOARD_MS (5 * 60 * 1000)
static struct {
  int n;
  struct {
    int64_t rank, points;
    char name[64], tier[16];
  } e[BOARD_MAX];
  int inflight;
  uint64_t next_ms; /* the next fetch; 0 = at once */
} BD;

void scr_attract_board(app *a, long status, const json_t *body) {
  BD.inflight = 0;
  BD.n = 0;
  const json_t *list = status == 200 ? json_object_get(body, "entries") : NULL;
  size_t i;
  const json_t *v;
  json_array_foreach(list, i, v) {
    const char *name = json_string_value(json_object_get(v, "name_masked"));
    const json_t *pts = json_object_get(v, "points");
    if (BD.n == BOARD_MAX) break;
    if (!name || !json_is_integer(pts)) continue;
    BD.e[BD.n].rank = json_integer_value(json_object_get(v, "rank"));
    BD.e[BD.n].points = json_integer_value(pts);
    snprintf(BD.e[BD.n].name, sizeof BD.e[BD.n].name, "%s", name);
    snprintf(BD.e[BD.n].tier, sizeof BD.e[BD.n].tier, "%s",
             json_string_value(json_object_get(json_object_get(v, "tier"), "code"))
                 ? json_string_value(json_object_get(json_object_get(v, "tier"), "code"))
                 : "standard");
    BD.n++;
  }
  klog_info("attract", "leaderboard: %d entries (HTTP %ld)", BD.n, status);
  if (screen_top(a) == &scr_attract) screen_relayout(a);
}

static void board_fetch(app *a, uint64_t now) {
  if (BD.inflight || a->config_state != APP_CONFIG_OK || now < BD.next_ms)
    return;
  BD.next_ms = now + BOARD_MS;
  if (apiw_submit(a->api, APP_TAG_BOARD, NULL, "GET", "/v1/leaderboard?limit=5",
                  NULL, NULL) != KERR_OK)
    return;
  a->api_inflight++;
  BD.inflight = 1;
}

static struct {
  SDL_Rect hero; /* scan illustration and title */
  SDL_Rect board; /* the leaderboard strip, w == 0 when hidden */
  SDL_Rect demo; /* demo cards area, w == 0 when not shown */
  SDL_Rect banner; /* the central's campaign, w == 0 when none */
  int portrait;
} L;

/* The hidden way into the admin screen (hold.h): the mall logo in the top
 * left corner is the widget admin-gesture. */
static uint64_t hold_since;

/* The invitation's only motion: the scan line sweeps the aiming tile down
 * and back, a step every ANIM_MS (10 fps) over the tile alone
 * (ui_dirty_rect), so an idle kiosk stays near no CPU. It holds still while
 * a code is checked, during a session and over the camera's own picture.
 * Measured by tests/bench/bench_ui.sh. */
#define ANIM_MS 100
#define ANIM_STEPS 15 /* one way, 1.5 s */
static struct {
  SDL_Rect tile; /* where it was last drawn */
  int step;
  uint64_t next_ms;
} AN = {.step = ANIM_STEPS / 2};

static void layout(app *a) {
  int top = screen_header_layout(a, 0);
  wset_add(&a->ws, "admin-gesture", (SDL_Rect){0, 0, app_px(a, 220), top});
  int m = app_px(a, a->th.margin);
  L.portrait = a->h >= a->w;
  int show_demo = a->opt.demo && a->n_demo > 0;
  if (L.portrait) {
    int hero_h = show_demo ? (a->h - top) * 56 / 100 : a->h - top - m;
    L.hero = (SDL_Rect){m, top, a->w - 2 * m, hero_h};
    L.demo = show_demo ? (SDL_Rect){m, top + hero_h, a->w - 2 * m,
                                    a->h - top - hero_h - m}
                       : (SDL_Rect){0, 0, 0, 0};
  } else {
    int half = show_demo ? a->w / 2 : a->w - 2 * m;
    L.hero = (SDL_Rect){m, top, half - m, a->h - top - m};
    L.demo = show_demo ? (SDL_Rect){half + m / 2, top, a->w - half - m - m / 2,
                                    a->h - top - m}
                       : (SDL_Rect){0, 0, 0, 0};
  }
  /* The campaign banner takes the top of the hero column. */
  const engage *e = engage_get();
  if (e->campaigns_state == 0 && a->config_state == APP_CONFIG_OK)
    engage_fetch(a, ENGAGE_TAG_CAMPAIGNS);
  L.banner = (SDL_Rect){0, 0, 0, 0};
  if (e->n_campaigns > 0) {
    int bh = app_px(a, 150), g = app_px(a, a->th.space_m);
    L.banner = (SDL_Rect){L.hero.x, L.hero.y, L.hero.w, bh};
    L.hero.y += bh + g;
    L.hero.h -= bh + g;
  }
  /* The leaderboard strip: the bottom of the demo column in landscape (the
   * cards give up some height), else the bottom of the hero column. */
  L.board = (SDL_Rect){0, 0, 0, 0};
  if (BD.n > 0) {
    int bh = app_px(a, 150), g = app_px(a, a->th.space_m);
    SDL_Rect *col = show_demo && !L.portrait ? &L.demo : &L.hero;
    L.board = (SDL_Rect){col->x, col->y + col->h - bh - g, col->w, bh};
    col->h -= bh + 2 * g;
  }
  if (!show_demo) return;
  int head = app_px(a, 150);
  int gap = app_px(a, a->th.space_l);
  int cw = (L.demo.w - gap) / 2;
  int ch = (L.demo.h - head - gap) / 2;
  int max_h = cw * 60 / 100;
  if (ch > max_h) ch = max_h;
  for (int i = 0; i < a->n_demo && i < 4; i++) {
    char id[24];
    snprintf(id, sizeof id, "demo-member-%d", i + 1);
    wset_add(&a->ws, id,
             (SDL_Rect){L.demo.x + (i % 2) * (cw + gap),
                        L.demo.y + head + (i / 2) * (ch + gap), cw, ch});
  }
}

/* A stylised QR symbol: three finder squares and a fixed pattern. It only
 * shows a member what to hold up; it encodes nothing. */
static void draw_qr_glyph(app *a, SDL_Rect r, SDL_Color fg) {
  const int n = 21;
  int mod = r.w / n;
  int ox = r.x + (r.w - mod * n) / 2, oy = r.y + (r.h - mod * n) / 2;
  unsigned seed = 0x2545F491u;
  for (int y = 0; y < n; y++) {
    for (int x = 0; x < n; x++) {
      int fx = x < 7 ? x : x >= n - 7 ? x - (n - 7) : -1;
      int fy = y < 7 ? y : y >= n - 7 ? y - (n - 7) : -1;
      int finder = fx >= 0 && fy >= 0 && !(x >= n - 7 && y >= n - 7);
      int on;
      if (finder) {
        int dx = fx < 3 ? fx : 6 - fx, dy = fy < 3 ? fy : 6 - fy;
        int d = dx < dy ? dx : dy;
        on = d != 1;
      } else if ((x == 7 || y == 7 || x == n - 8 || y == n - 8) &&
                 (x < 8 || y < 8) && !(x >= n - 8 && y >= n - 8)) {
        on = 0; /* the separators around the finders stay light */
      } else {
        seed = seed * 1103515245u + 12345u;
        on = (seed >> 16) & 1;
      }
      if (on)
        draw_fill(a->dr, (SDL_Rect){ox + x * mod, oy + y * mod, mod, mod}, fg);
    }
  }
}

static void draw_hero(app *a) {
  const theme *th = &a->th;
  SDL_Rect h = L.hero;
  int disp = app_px(a, L.portrait ? th->type_display : th->type_display - 12);
  for (int tw = 0; disp > app_px(a, 40); disp -= 4) {
    text_measure(a->tx, disp, 1, app_t(a, "attract.title"), &tw, NULL);
    if (tw <= h.w) break;
  }
  int h2 = app_px(a, th->type_h2), body = app_px(a, th->type_body);
  int frame = h.w < h.h ? h.w * 40 / 100 : h.h * 36 / 100;
  if (frame > app_px(a, 440)) frame = app_px(a, 440);
  int title_lh = text_line_height(a->tx, disp, 1);
  int sub_lh = text_line_height(a->tx, h2, 0);
  /* The words keep their room: the frame gives way on a short column. */
  int words = app_px(a, 56) + title_lh + sub_lh + app_px(a, 150);
  if (frame > h.h - words) frame = h.h - words;
  if (frame < app_px(a, 120)) frame = app_px(a, 120);
  int block = frame + words;
  int y = h.y + (h.h - block) / 2;
  if (y < h.y) y = h.y;
  int cx = h.x + h.w / 2;

  /* The aiming frame: a white tile with the QR glyph and gold corners. */
  SDL_Rect tile = {cx - frame / 2, y, frame, frame};
  draw_shadow(a->dr, tile, app_px(a, th->radius), app_px(a, 24), 120);
  draw_rrect(a->dr, tile, app_px(a, th->radius), (SDL_Color){255, 255, 255, 255});
  int pad = frame / 8;
  if (PV.tex && scanw_has_preview(a->scan))
    draw_preview(a, (SDL_Rect){tile.x + pad / 2, tile.y + pad / 2, frame - pad,
                               frame - pad});
  else
    draw_qr_glyph(a, (SDL_Rect){tile.x + pad, tile.y + pad, frame - 2 * pad,
                                frame - 2 * pad},
                  th->bg_top);
  int arm = frame / 5, t = app_px(a, 10), gap = app_px(a, 26);
  SDL_Rect o = {tile.x - gap, tile.y - gap, frame + 2 * gap, frame + 2 * gap};
  for (int i = 0; i < 4; i++) {
    int x = i & 1 ? o.x + o.w - arm : o.x, yy = i & 2 ? o.y + o.h - t : o.y;
    draw_rrect(a->dr, (SDL_Rect){x, yy, arm, t}, t / 2, th->accent);
    int vx = i & 1 ? o.x + o.w - t : o.x, vy = i & 2 ? o.y + o.h - arm : o.y;
    draw_rrect(a->dr, (SDL_Rect){vx, vy, t, arm}, t / 2, th->accent);
  }
  /* The scan line across the tile, where the sweep has got to. */
  AN.tile = tile;
  int k = AN.step % (2 * ANIM_STEPS);
  int pos = k <= ANIM_STEPS ? k : 2 * ANIM_STEPS - k;
  int ly = tile.y + pad / 2 + (frame - pad - t / 2) * pos / ANIM_STEPS;
  draw_rrect(a->dr, (SDL_Rect){tile.x + pad / 2, ly, frame - pad, t / 2},
             t / 4, (SDL_Color){th->accent.r, th->accent.g, th->accent.b, 200});

  y += frame + app_px(a, 64);
  text_draw(a->tx, disp, 1, th->text, app_t(a, "attract.title"), cx, y,
            TEXT_CENTER);
  y += title_lh;
  text_draw(a->tx, h2, 0, th->text_muted, app_t_other(a, "attract.title"), cx,
            y, TEXT_CENTER);
  y += sub_lh + app_px(a, 40);

  SDL_Rect line = {h.x + app_px(a, 40), y, h.w - app_px(a, 80), 0};
  int busy = session_state_of(a->ses) == SESSION_CHECKING || a->demo_loading ||
             a->has_pending_scan;
  if (a->notice[0]) {
    const char *why = app_t(a, a->notice);
    int th_h = text_wrap(a->tx, body, 1, th->danger, why, line, TEXT_CENTER, 0);
    SDL_Rect box = {line.x - app_px(a, 32), y - app_px(a, 20),
                    line.w + app_px(a, 64), th_h + app_px(a, 40)};
    draw_rrect(a->dr, box, app_px(a, th->radius_small), th->danger_bg);
    draw_rrect_outline(a->dr, box, app_px(a, th->radius_small), app_px(a, 3),
                       th->danger);
    text_wrap(a->tx, body, 1, th->danger, why, line, TEXT_CENTER, 1);
  } else if (busy) {
    text_wrap(a->tx, body, 1, th->accent, app_t(a, "attract.checking"), line,
              TEXT_CENTER, 1);
  } else if (a->config_state == APP_CONFIG_FAILED) {
    text_wrap(a->tx, body, 1, th->danger, app_t(a, "net.error.unreachable"),
              line, TEXT_CENTER, 1);
  } else {
    text_wrap(a->tx, body, 0, th->text_muted, app_t(a, "attract.hint"), line,
              TEXT_CENTER, 1);
  }
}

static void draw_demo(app *a) {
  const theme *th = &a->th;
  if (!L.demo.w) return;
  int title = app_px(a, th->type_title), sm = app_px(a, th->type_small);
  int h2 = app_px(a, th->type_h2), body = app_px(a, th->type_body);
  int y = L.demo.y;
  /* A thin rule and a label set the demo cards apart from the product. */
  draw_fill(a->dr, (SDL_Rect){L.demo.x, y, L.demo.w, app_px(a, 2)}, th->line);
  y += app_px(a, 28);
  int pw = widget_pill(a, L.demo.x, y, app_t(a, "attract.demo_badge"),
                       th->surface_hi, th->accent, sm);
  text_draw(a->tx, title, 1, th->text, app_t(a, "attract.demo_title"),
            L.demo.x + pw + app_px(a, 20), y - app_px(a, 4), TEXT_LEFT);
  text_draw(a->tx, sm, 0, th->text_muted, app_t(a, "attract.demo_hint"),
            L.demo.x, y + app_px(a, 64), TEXT_LEFT);
  for (int i = 0; i < a->n_demo && i < 4; i++) {
    char id[24];
    snprintf(id, sizeof id, "demo-member-%d", i + 1);
    const widget *w = wset_find(&a->ws, id);
    if (!w) continue;
    const app_demo_member *d = &a->demo_members[i];
    const theme_tier *tt = &th->tier[theme_tier_index(d->tier)];
    SDL_Rect r = w->r;
    int pressed = wset_is_pressed(&a->ws, id);
    if (pressed) r.y += app_px(a, 6);
    else draw_shadow(a->dr, r, app_px(a, th->radius), app_px(a, 18), 110);
    draw_card(a->dr, r, app_px(a, th->radius), tt->from, tt->to);
    if (pressed)
      draw_rrect(a->dr, r, app_px(a, th->radius), (SDL_Color){0, 0, 0, 50});
    int p = app_px(a, 32);
    char key[32];
    snprintf(key, sizeof key, "tier.%s", d->tier);
    text_draw(a->tx, h2, 1, tt->text, app_t(a, key), r.x + p, r.y + p * 2 / 3,
              TEXT_LEFT);
    int lh = text_line_height(a->tx, body, 0);
    text_draw(a->tx, body, 1, tt->text, d->name_masked, r.x + p,
              r.y + r.h - p / 2 - lh * 2, TEXT_LEFT);
    text_draw(a->tx, sm, 0, tt->muted, d->id, r.x + p, r.y + r.h - p / 2 - lh,
              TEXT_LEFT);
    const char *cta = a->demo_loading == i + 1 ? app_t(a, "attract.demo_loading")
                                               : app_t(a, "attract.demo_tap");
    text_draw(a->tx, sm, 1, tt->text, cta, r.x + r.w - p,
              r.y + r.h - p / 2 - lh, TEXT_RIGHT);
  }
}

/* The first campaign (running ones come first): title, text and whether it
 * runs now or soon. */
static void draw_banner(app *a) {
  const engage *e = engage_get();
  const theme *th = &a->th;
  if (!L.banner.w || !e->n_campaigns) return;
  const engage_campaign *c = &e->campaigns[0];
  SDL_Rect r = L.banner;
  draw_card(a->dr, r, app_px(a, th->radius), th->tier[3].from, th->tier[3].to);
  int p = app_px(a, 36), t = app_px(a, th->type_title), sm = app_px(a, th->type_small);
  int pw = widget_pill(a, r.x + p, r.y + p * 2 / 3,
                       app_t(a, c->active ? "campaign.now" : "campaign.soon"),
                       (SDL_Color){255, 255, 255, 60}, th->tier[3].text, sm);
  text_draw(a->tx, t, 1, th->tier[3].text, app_pick(a, c->title.zh, c->title.en),
            r.x + p + pw + app_px(a, 20), r.y + p * 2 / 3 - app_px(a, 4), TEXT_LEFT);
  text_wrap(a->tx, sm, 0, th->tier[3].muted, app_pick(a, c->body.zh, c->body.en),
            (SDL_Rect){r.x + p, r.y + p * 2 / 3 + text_line_height(a->tx, t, 1),
                       r.w - 2 * p, 0},
            TEXT_LEFT, 1);
}

/* The strip: its title, then one cell per entry: the rank on a round
 * badge (gold, silver, bronze for the first three), the masked name and
 * the points earned this month. */
static void draw_board(app *a) {
  const theme *th = &a->th;
  SDL_Rect r = L.board;
  if (!r.w || !BD.n) return;
  widget_panel(a, r, th->surface);
  int p = app_px(a, 28), sm = app_px(a, th->type_small);
  int body = app_px(a, th->type_body);
  text_draw(a->tx, sm, 1, th->text_muted, app_t(a, "board.title"), r.x + p,
            r.y + p / 2, TEXT_LEFT);
  int y = r.y + p / 2 + text_line_height(a->tx, sm, 1) + app_px(a, 4);
  int cols = r.w >= app_px(a, 1400) ? 5 : 3;
  int n = BD.n < cols ? BD.n : cols;
  int cw = (r.w - 2 * p) / cols;
  static const SDL_Color medal[3] = {
      {212, 175, 55, 255}, {176, 184, 196, 255}, {196, 128, 80, 255}};
  int rad = app_px(a, 30);
  for (int i = 0; i < n; i++) {
    int x = r.x + p + i * cw;
    int cy = y + rad + app_px(a, 4);
    SDL_Color c = BD.e[i].rank >= 1 && BD.e[i].rank <= 3 ? medal[BD.e[i].rank - 1]
                                                          : th->surface_hi;
    draw_circle(a->dr, x + rad, cy, rad, c);
    char rk[16];
    snprintf(rk, sizeof rk, "%lld", (long long)BD.e[i].rank);
    text_draw(a->tx, body, 1, (SDL_Color){30, 30, 36, 255}, rk, x + rad,
              cy - text_line_height(a->tx, body, 1) / 2, TEXT_CENTER);
    int tx = x + 2 * rad + app_px(a, 16);
    int lh = text_line_height(a->tx, body, 1);
    text_draw(a->tx, body, 1, th->text, BD.e[i].name, tx, cy - lh + app_px(a, 4),
              TEXT_LEFT);
    char num[32], line[64];
    tmpl_number(BD.e[i].points, num, sizeof num);
    tmpl_fill(line, sizeof line, app_t(a, "board.points"),
              (const char *[]){"points", num, NULL});
    text_draw(a->tx, sm, 0, th->accent, line, tx, cy + app_px(a, 4), TEXT_LEFT);
  }
}

static void paint(app *a) {
  screen_background(a);
  screen_header_draw(a, 0);
  draw_banner(a);
  draw_board(a);
  draw_hero(a);
  draw_demo(a);
  char foot[160];
  snprintf(foot, sizeof foot, "%s · %s %s", a->cfg.kiosk_id,
           app_t(a, "footer.version"), KIOSK_VERSION);
  text_draw(a->tx, app_px(a, a->th.type_small - 6), 0, a->th.text_muted, foot,
            a->w / 2, a->h - app_px(a, 52), TEXT_CENTER);
}

static int event(app *a, const SDL_Event *ev) {
  hold_event(a, ev, &hold_since);
  return 0; /* the widget set still sees it */
}

static int animating(app *a) {
  return AN.tile.w > 0 && session_state_of(a->ses) == SESSION_IDLE &&
         !a->demo_loading && !a->has_pending_scan && !scanw_has_preview(a->scan);
}

static uint64_t tick(app *a, uint64_t now) {
  board_fetch(a, now);
  /* Without the config the fetch waits for it (the loop runs tick again). */
  uint64_t next = BD.inflight || a->config_state != APP_CONFIG_OK ? UINT64_MAX
                                                                   : BD.next_ms;
  if (!animating(a)) {
    AN.next_ms = 0;
  } else {
    if (now >= AN.next_ms) {
      if (AN.next_ms) {
        AN.step = (AN.step + 1) % (2 * ANIM_STEPS);
        ui_dirty_rect(a, AN.tile);
      }
      AN.next_ms = now + ANIM_MS;
    }
    if (AN.next_ms < next) next = AN.next_ms;
  }
  if (scanw_has_preview(a->scan)) {
    if (now >= PV.pulled_ms + PREVIEW_MS) {
      PV.pulled_ms = now;
      if (pull_preview(a)) app_dirty(a);
    }
    if (PV.pulled_ms + PREVIEW_MS < next) next = PV.pulled_ms + PREVIEW_MS;
  }
  uint64_t held = hold_tick(a, now, &hold_since);
  return held < next ? held : next;
}

static void click(app *a, const char *id) {
  if (!strcmp(id, "admin-gesture")) {
    if (a->script) screen_push(a, &scr_admin);
    return;
  }
  if (screen_header_click(a, id)) return;
  int n;
  if (sscanf(id, "demo-member-%d", &n) == 1 && n >= 1 && n <= a->n_demo)
    app_demo_scan(a, n - 1);
}

const screen_ops scr_attract = {.name = "attract",
                                .layout = layout,
                                .draw = paint,
                                .click = click,
                                .event = event,
                                .tick = tick};
