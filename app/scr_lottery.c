/* The points lottery (积分抽奖): the cost, the prizes with their odds and
 * what is left (GET /v1/lottery), and a wheel. btn-draw sends the draw
 * (POST /v1/lottery/draws, decided by the central); the wheel turns while
 * the answer is awaited and then slows down onto the prize the central
 * chose, in at most 3 s, redrawn only while it moves. A voucher prize
 * prints (engage.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "engage.h"
#include "jui.h"
#include "klog.h"
#include "screen.h"
#include "tmpl.h"

#define FRAME_MS 33      /* 30 frames a second, only while turning */
#define SPIN_RAD_MS 0.012 /* about two turns a second while waiting */
#define LAND_MS 2400     /* slowing down onto the prize */

static struct {
  int top;
  int cx, cy, r;
  SDL_Rect info, buttons;
  double angle;       /* the wheel's turn, radians */
  uint64_t last_ms;   /* of the last step while spinning */
  int spinning;       /* waiting for the central */
  int landing;        /* slowing down onto target */
  double from, to;
  uint64_t land_start;
  int landed;         /* the prize is under the pointer */
} W;

static int prize_index(const engage *e, const char *id) {
  for (int i = 0; i < e->n_prizes; i++)
    if (id && !strcmp(e->prizes[i].id, id)) return i;
  return -1;
}

static void enter(app *a) {
  engage_clear();
  W.spinning = W.landing = W.landed = 0;
  W.angle = 0;
  engage_fetch(a, ENGAGE_TAG_LOTTERY); /* odds and stock change: always fresh */
}

static void exit_(app *a) {
  (void)a;
  W.spinning = W.landing = 0;
  if (!engage_busy()) engage_clear();
}

/* The answer is in: land on the prize, starting at the current speed. */
static void start_landing(const engage *e) {
  const char *id = json_string_value(
      json_object_get(json_object_get(e->answer, "prize"), "id"));
  int k = prize_index(e, id), n = e->n_prizes > 0 ? e->n_prizes : 1;
  if (k < 0) k = 0;
  double seg = 2 * M_PI / n;
  /* Segment k's middle under the pointer (straight up). */
  double want = -M_PI / 2 - (k * seg + seg / 2);
  double base = SPIN_RAD_MS * LAND_MS / 2; /* matches the spin's speed */
  double target = W.angle + base;
  double d = fmod(want - target, 2 * M_PI);
  if (d < 0) d += 2 * M_PI;
  W.from = W.angle;
  W.to = target + d;
  W.land_start = app_now_ms();
  W.spinning = 0;
  W.landing = 1;
}

static void layout(app *a) {
  const engage *e = engage_get();
  int top = screen_header_layout(a, 1);
  W.top = top;
  int y = jui_title_layout(a, top);
  int mg = app_px(a, a->th.margin), bh = app_px(a, a->th.button_h);
  int gap = app_px(a, a->th.space_l);
  if (a->h >= a->w) {
    W.r = app_px(a, 300);
    W.cx = a->w / 2;
    W.cy = y + app_px(a, 40) + W.r;
    int iy = W.cy + W.r + app_px(a, 40);
    W.buttons = (SDL_Rect){mg, a->h - mg - bh, a->w - 2 * mg, bh};
    W.info = (SDL_Rect){mg, iy, a->w - 2 * mg, W.buttons.y - gap - iy};
  } else {
    int lw = (a->w - 2 * mg) * 42 / 100;
    W.r = (a->h - y - 2 * mg) / 2;
    if (W.r > lw / 2) W.r = lw / 2;
    W.cx = mg + lw / 2;
    W.cy = y + (a->h - y - mg) / 2;
    int rx = mg + lw + gap;
    W.buttons = (SDL_Rect){rx, a->h - mg - bh, a->w - mg - rx, bh};
    W.info = (SDL_Rect){rx, y, a->w - mg - rx, W.buttons.y - gap - y};
  }
  /* The answer arrived while the wheel turned: land now. */
  if (W.spinning && e->phase != ENGAGE_WAITING) {
    if (e->phase == ENGAGE_DONE) start_landing(e);
    else W.spinning = 0;
  }
  if (e->phase == ENGAGE_WAITING || W.spinning || W.landing) return;
  int w = (W.buttons.w - app_px(a, 32)) / 2;
  const char *first = e->phase == ENGAGE_FAILED ? "btn-retry" : "btn-draw";
  if (e->lottery_state == 2 || e->phase == ENGAGE_FAILED)
    wset_add(&a->ws, first, (SDL_Rect){W.buttons.x, W.buttons.y, w, bh});
  wset_add(&a->ws, "btn-done",
           (SDL_Rect){W.buttons.x + w + app_px(a, 32), W.buttons.y, w, bh});
}

static void wedge(app *a, double a0, double a1, int r, SDL_Color c) {
  enum { STEPS = 16 };
  SDL_Vertex v[STEPS + 2];
  int idx[STEPS * 3];
  v[0] = (SDL_Vertex){{(float)W.cx, (float)W.cy}, c, {0, 0}};
  for (int i = 0; i <= STEPS; i++) {
    double t = a0 + (a1 - a0) * i / STEPS;
    v[i + 1] = (SDL_Vertex){{(float)(W.cx + cos(t) * r), (float)(W.cy + sin(t) * r)},
                            c, {0, 0}};
  }
  for (int i = 0; i < STEPS; i++) {
    idx[3 * i] = 0;
    idx[3 * i + 1] = i + 1;
    idx[3 * i + 2] = i + 2;
  }
  SDL_RenderGeometry(a->ren, NULL, v, STEPS + 2, idx, STEPS * 3);
}

static void wheel(app *a, const engage *e) {
  const theme *th = &a->th;
  int n = e->n_prizes > 0 ? e->n_prizes : 6;
  double seg = 2 * M_PI / n;
  int rim = app_px(a, 18);
  draw_shadow(a->dr, (SDL_Rect){W.cx - W.r, W.cy - W.r, 2 * W.r, 2 * W.r}, W.r,
              app_px(a, 24), 120);
  draw_circle(a->dr, W.cx, W.cy, W.r, th->accent);
  const SDL_Color fills[3] = {th->surface_hi, {54, 66, 122, 255}, {70, 58, 130, 255}};
  int won = -1;
  if (W.landed && e->phase == ENGAGE_DONE)
    won = prize_index(e, json_string_value(
                             json_object_get(json_object_get(e->answer, "prize"), "id")));
  int sm = app_px(a, th->type_small - (a->lang == APP_EN ? 4 : 0));
  for (int i = 0; i < n; i++) {
    double a0 = W.angle + i * seg;
    /* An odd count would put two of a colour side by side at the seam. */
    SDL_Color c = fills[n % 2 && i == n - 1 ? 2 : i % 2];
    if (i == won)
      c = (SDL_Color){(Uint8)((th->accent.r + 255) / 2), (Uint8)((th->accent.g + 230) / 2),
                      (Uint8)(th->accent.b / 2 + 60), 255};
    wedge(a, a0, a0 + seg, W.r - rim, c);
  }
  /* Labels upright at each segment's middle: turning text would need a
   * texture per angle. */
  for (int i = 0; i < e->n_prizes; i++) {
    double mid = W.angle + i * seg + seg / 2;
    int lx = W.cx + (int)(cos(mid) * (W.r - rim) * 0.62);
    int ly = W.cy + (int)(sin(mid) * (W.r - rim) * 0.62);
    const engage_prize *z = &e->prizes[i];
    SDL_Color fg = i == won ? th->accent_text : z->in_stock ? th->text : th->text_muted;
    /* Wrapped to the segment's width there, so longer English names stay
     * inside their own segment. */
    int lw = (int)(2 * (W.r - rim) * 0.62 * sin(seg / 2) * 0.86);
    if (lw > W.r * 9 / 10) lw = W.r * 9 / 10;
    const char *label = app_pick(a, z->name.zh, z->name.en);
    SDL_Rect lb = {lx - lw / 2, 0, lw, 0};
    int h = text_wrap(a->tx, sm, 1, fg, label, lb, TEXT_CENTER, 0);
    lb.y = ly - h / 2;
    text_wrap(a->tx, sm, 1, fg, label, lb, TEXT_CENTER, 1);
  }
  for (int i = 0; i < n; i++) {
    double t = W.angle + i * seg;
    draw_circle(a->dr, W.cx + (int)(cos(t) * (W.r - rim / 2)),
                W.cy + (int)(sin(t) * (W.r - rim / 2)), rim / 3,
                (SDL_Color){255, 255, 255, 230});
  }
  /* The hub and the pointer at the top. */
  draw_circle(a->dr, W.cx, W.cy, W.r / 6, th->accent);
  draw_circle(a->dr, W.cx, W.cy, W.r / 6 - app_px(a, 8), th->bg_top);
  int pw = app_px(a, 34), ph = app_px(a, 56);
  SDL_Vertex tri[3] = {
      {{(float)(W.cx - pw), (float)(W.cy - W.r - app_px(a, 14))}, th->danger, {0, 0}},
      {{(float)(W.cx + pw), (float)(W.cy - W.r - app_px(a, 14))}, th->danger, {0, 0}},
      {{(float)W.cx, (float)(W.cy - W.r + ph - app_px(a, 14))}, th->danger, {0, 0}}};
  SDL_RenderGeometry(a->ren, NULL, tri, 3, NULL, 0);
}

/* Cost, then each prize with its odds and what is left. */
static int prize_list(app *a, const engage *e, SDL_Rect box) {
  const theme *th = &a->th;
  int body = app_px(a, th->type_body), sm = app_px(a, th->type_small);
  char line[200], n1[32], n2[32];
  tmpl_number(e->lottery_cost, n1, sizeof n1);
  snprintf(n2, sizeof n2, "%lld", (long long)e->lottery_per_day);
  tmpl_fill(line, sizeof line,
            app_t(a, e->lottery_per_day > 0 ? "lottery.cost_per_day" : "lottery.cost"),
            (const char *[]){"points", n1, "per_day", n2, NULL});
  int y = box.y;
  text_draw(a->tx, body, 1, th->accent, line, box.x, y, TEXT_LEFT);
  y += text_line_height(a->tx, body, 1) + app_px(a, 12);
  int lh = text_line_height(a->tx, sm, 0) + app_px(a, a->w > a->h ? 2 : 8);
  for (int i = 0; i < e->n_prizes && y + lh <= box.y + box.h; i++) {
    const engage_prize *z = &e->prizes[i];
    SDL_Color fg = z->in_stock ? th->text : th->text_muted;
    text_draw(a->tx, sm, 1, fg, app_pick(a, z->name.zh, z->name.en), box.x, y,
              TEXT_LEFT);
    /* Odds in percent with up to two decimals: 5000 ppm -> 0.5%. */
    long long ppm = (long long)z->odds_ppm;
    if (ppm % 10000 == 0) snprintf(n1, sizeof n1, "%lld%%", ppm / 10000);
    else if (ppm % 1000 == 0) snprintf(n1, sizeof n1, "%lld.%lld%%", ppm / 10000, ppm % 10000 / 1000);
    else snprintf(n1, sizeof n1, "%lld.%02lld%%", ppm / 10000, ppm % 10000 / 100);
    tmpl_fill(line, sizeof line, app_t(a, "lottery.odds"),
              (const char *[]){"odds", n1, NULL});
    text_draw(a->tx, sm, 0, fg, line, box.x + box.w * 55 / 100, y, TEXT_LEFT);
    if (!z->in_stock) {
      snprintf(line, sizeof line, "%s", app_t(a, "lottery.gone"));
    } else if (z->remaining < 0) {
      snprintf(line, sizeof line, "%s", app_t(a, "lottery.unlimited"));
    } else {
      snprintf(n2, sizeof n2, "%lld", (long long)z->remaining);
      tmpl_fill(line, sizeof line, app_t(a, "lottery.left"),
                (const char *[]){"left", n2, NULL});
    }
    text_draw(a->tx, sm, 0, th->text_muted, line, box.x + box.w, y, TEXT_RIGHT);
    y += lh;
  }
  return y - box.y;
}

/* What the draw gave, or why not. */
static void outcome(app *a, const engage *e, SDL_Rect box) {
  const theme *th = &a->th;
  int h2 = app_px(a, a->w > a->h ? th->type_title : th->type_h2);
  int body = app_px(a, th->type_body);
  char line[256], n[32];
  int y = box.y;
  if (e->phase == ENGAGE_REJECTED || e->phase == ENGAGE_FAILED) {
    y += text_wrap(a->tx, h2, 1, th->danger, app_t(a, e->why),
                   (SDL_Rect){box.x, y, box.w, 0}, TEXT_CENTER, 1);
    if (e->phase == ENGAGE_FAILED)
      text_wrap(a->tx, body, 0, th->text_muted, app_t(a, "lottery.failed_body"),
                (SDL_Rect){box.x, y + app_px(a, 8), box.w, 0}, TEXT_CENTER, 1);
    return;
  }
  if (e->phase != ENGAGE_DONE || !W.landed) {
    if (e->phase == ENGAGE_WAITING || W.landing)
      text_wrap(a->tx, h2, 1, th->text, app_t(a, "lottery.drawing"),
                (SDL_Rect){box.x, y, box.w, 0}, TEXT_CENTER, 1);
    return;
  }
  const json_t *pz = json_object_get(e->answer, "prize");
  const char *kind = json_string_value(json_object_get(pz, "kind"));
  const json_t *nm = json_object_get(pz, "name");
  const char *name = app_pick(a, json_string_value(json_object_get(nm, "zh")),
                              json_string_value(json_object_get(nm, "en")));
  int thanks = kind && !strcmp(kind, "thanks");
  tmpl_fill(line, sizeof line, app_t(a, thanks ? "lottery.won_thanks" : "lottery.won"),
            (const char *[]){"prize", name, NULL});
  y += text_wrap(a->tx, h2, 1, thanks ? th->text : th->accent, line,
                 (SDL_Rect){box.x, y, box.w, 0}, TEXT_CENTER, 1);
  const char *note = NULL;
  if (kind && !strcmp(kind, "voucher")) {
    note = e->print == ENGAGE_PRINTING  ? "result.printing.title"
           : e->print == ENGAGE_PRINTED ? "lottery.take_voucher"
                                        : e->print_why ? e->print_why : "result.print.error";
  }
  tmpl_number(json_integer_value(json_object_get(e->answer, "points_balance")), n,
              sizeof n);
  tmpl_fill(line, sizeof line, app_t(a, "receipt.balance"),
            (const char *[]){"points", n, NULL});
  y += app_px(a, 4);
  if (note)
    y += text_wrap(a->tx, body, 1, e->print == ENGAGE_PRINT_FAILED ? th->danger : th->text,
                   app_t(a, note), (SDL_Rect){box.x, y, box.w, 0}, TEXT_CENTER, 1);
  text_wrap(a->tx, body, 0, th->text_muted, line, (SDL_Rect){box.x, y, box.w, 0},
            TEXT_CENTER, 1);
}

static void paint(app *a) {
  const theme *th = &a->th;
  const engage *e = engage_get();
  screen_background(a);
  screen_header_draw(a, 1);
  jui_title_draw(a, W.top, app_t(a, "lottery.title"));
  if (e->lottery_state != 2) {
    if (e->lottery_state == -1)
      text_wrap(a->tx, app_px(a, th->type_h2), 1, th->danger,
                app_t(a, "engage.why.network"), W.info, TEXT_CENTER, 1);
    else
      jui_spinner(a, W.cx, W.cy, W.r / 3, th->accent);
  } else {
    wheel(a, e);
    int lh = prize_list(a, e, W.info);
    SDL_Rect rest = {W.info.x, W.info.y + lh + app_px(a, 24), W.info.w, 0};
    outcome(a, e, rest);
  }
  int px = app_px(a, th->type_title);
  char label[96], n[32];
  tmpl_number(e->lottery_cost, n, sizeof n);
  tmpl_fill(label, sizeof label, app_t(a, "lottery.draw"),
            (const char *[]){"points", n, NULL});
  widget_button(a, "btn-draw", label, BUTTON_PRIMARY, px);
  widget_button(a, "btn-retry", app_t(a, "engage.retry"), BUTTON_PRIMARY, px);
  widget_button(a, "btn-done", app_t(a, "result.done"), BUTTON_SECONDARY, px);
}

static uint64_t tick(app *a, uint64_t now) {
  if (W.spinning) {
    if (W.last_ms) W.angle += SPIN_RAD_MS * (double)(now - W.last_ms);
    W.last_ms = now;
    app_dirty(a);
    return now + FRAME_MS;
  }
  if (!W.landing) return UINT64_MAX;
  double u = (double)(now - W.land_start) / LAND_MS;
  if (u >= 1) {
    W.angle = fmod(W.to, 2 * M_PI);
    W.landing = 0;
    W.landed = 1;
    klog_info("lottery", "wheel landed");
    screen_relayout(a);
    return UINT64_MAX;
  }
  W.angle = W.from + (W.to - W.from) * (1 - (1 - u) * (1 - u));
  app_dirty(a);
  return now + FRAME_MS;
}

static void click(app *a, const char *id) {
  if (screen_header_click(a, id)) return;
  const session_member *m = session_member_of(a->ses);
  if (!strcmp(id, "btn-draw") && m) {
    W.landed = 0;
    if (engage_claim(a, ENGAGE_DRAW, json_pack("{s:s}", "member_id", m->id)) ==
        KERR_OK) {
      W.spinning = 1;
      W.last_ms = 0;
    }
    screen_relayout(a);
  } else if (!strcmp(id, "btn-retry")) {
    if (engage_retry(a) == KERR_OK) {
      W.spinning = 1;
      W.last_ms = 0;
    }
    screen_relayout(a);
  } else if (!strcmp(id, "btn-done") || !strcmp(id, "btn-back")) {
    if (engage_busy() || W.spinning || W.landing) return; /* let it land */
    engage_clear();
    screen_home(a);
  }
}

const screen_ops scr_lottery = {.name = "lottery",
                                .enter = enter,
                                .exit = exit_,
                                .layout = layout,
                                .draw = paint,
                                .click = click,
                                .tick = tick};
