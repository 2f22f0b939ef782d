/* The parking screen: the member types the plate on an on-screen keyboard
 * (province characters first, then letters and digits), checked as typed;
 * the kiosk asks the central for the car's stay (entry time, time parked,
 * fee due, or 未查询到该车辆的停车记录); the member picks the hours to cover,
 * the tier's free hours go first and the rest costs points; confirm hands a
 * parking coupon to the transaction layer (txn.h), whose result screen
 * prints the receipt.
 *
 *   ENTRY --btn-done (valid plate)--> LOOKING --200--> STAY --btn-confirm--> result
 *     ^                                 |  404 -> NOT_FOUND     |
 *     +--- btn-retype / btn-back -------+  else -> FAILED  <----+ (btn-back)
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "jui.h"
#include "kbd.h"
#include "klog.h"
#include "plate.h"
#include "screen.h"
#include "tmpl.h"
#include "txn.h"

typedef enum { ENTRY, LOOKING, STAY, NOT_FOUND, FAILED } stage;

static struct {
  stage st;
  char plate[PLATE_MAX + 1]; /* as typed */
  plate_info info;
  char asked[PLATE_MAX + 1]; /* the normalised plate looked up */
  unsigned sent, answered;   /* requests in flight answer in order */
  int64_t entered_at, minutes, billable, covered, due, fee_per_hour, fee_due;
  int hours;                 /* chosen */
  int confirmed;             /* a coupon went to the result screen */
  unsigned gen;              /* session of the confirmed coupon */
} P;

static struct {
  SDL_Rect plate, hint, keys, done, panel, chooser, sum, help;
  int top, landscape;
} L;

static const char *const province_rows[] = {
    "京 津 沪 渝 冀 豫 云 辽", "黑 湘 皖 鲁 新 苏 浙 赣",
    "鄂 桂 甘 晋 蒙 陕 吉 闽", "贵 粤 青 藏 川 宁 琼 @back"};
static const char *const alnum_rows[] = {
    "1 2 3 4 5 6 7 8 9 0", "Q W E R T Y U P", "A S D F G H J K L",
    "Z X C V B N M @back", "挂 学 警 港 澳"};
static const kbd_def kbd_province = {"key-", province_rows, 4, 0, 0};
static const kbd_def kbd_alnum = {"key-", alnum_rows, 5, 0, 1};

#define MAX_CHARS 9 /* one past the longest plate, so "too long" can show */

static const kbd_def *keyboard(void) {
  return P.info.chars == 0 ? &kbd_province : &kbd_alnum;
}

static void forget(void) {
  memset(&P.plate, 0, sizeof P.plate);
  memset(&P.asked, 0, sizeof P.asked);
  unsigned sent = P.sent, answered = P.answered;
  memset(&P, 0, sizeof P);
  P.sent = sent;
  P.answered = answered;
  plate_check("", &P.info);
}

/* Called when no member is on screen any more: the plate goes too. */
void scr_parking_forget(void) { forget(); }

/* GET the stay of P.asked (percent-encoded: 粤 is %E7%B2%A4). */
static void send_lookup(app *a) {
  P.st = LOOKING;
  char path[160], *o = path + snprintf(path, sizeof path, "/v1/parking/sessions/");
  for (const unsigned char *c = (const unsigned char *)P.asked;
       *c && o < path + sizeof path - 4; c++) {
    if ((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))
      *o++ = (char)*c;
    else
      o += snprintf(o, 4, "%%%02X", *c);
  }
  *o = '\0';
  if (app_request(a, APP_TAG_PARKING, "GET", path) == KERR_OK) P.sent++;
  else P.st = FAILED;
}

static void enter(app *a) {
  if (P.confirmed && P.gen == session_generation(a->ses) && P.asked[0]) {
    /* Back from the result screen: show the stay as it is now. */
    P.confirmed = 0;
    send_lookup(a);
  } else {
    forget();
  }
}

static void look_up(app *a) {
  snprintf(P.asked, sizeof P.asked, "%s", P.info.norm);
  send_lookup(a);
  screen_relayout(a);
}

static void leave(app *a) {
  (void)a;
  if (!P.confirmed) forget();
}

/* Free hours (at most the tier's a day) and points for hours. */
static void price(app *a, int hours, int *free_h, int64_t *points) {
  const session_member *m = session_member_of(a->ses);
  int tier_free = m ? a->park_free_hours[theme_tier_index(m->tier)] : 0;
  *free_h = hours < tier_free ? hours : tier_free;
  *points = (int64_t)(hours - *free_h) * a->park_points_per_hour;
}

void scr_parking_answer(app *a, unsigned gen, int rc, long status,
                        const json_t *body) {
  if (++P.answered != P.sent || P.st != LOOKING ||
      gen != session_generation(a->ses))
    return; /* an older lookup, or the member moved on */
  if (rc != KERR_OK || (status != 200 && status != 404) ||
      (status == 200 && !json_is_object(body))) {
    P.st = status == 422 ? NOT_FOUND : FAILED;
  } else if (status == 404) {
    P.st = NOT_FOUND;
  } else {
    P.entered_at = json_integer_value(json_object_get(body, "entered_at"));
    P.minutes = json_integer_value(json_object_get(body, "minutes"));
    P.billable = json_integer_value(json_object_get(body, "hours_billable"));
    P.covered = json_integer_value(json_object_get(body, "hours_covered"));
    P.due = json_integer_value(json_object_get(body, "hours_due"));
    P.fee_per_hour = json_integer_value(json_object_get(body, "fee_per_hour"));
    P.fee_due = json_integer_value(json_object_get(body, "fee_due"));
    /* The central takes at most 24 hours per coupon. */
    P.hours = P.due > 24 ? 24 : (int)P.due;
    P.st = STAY;
  }
  /* The plate stays out of the log: it is the member's. */
  if (P.st == STAY)
    klog_info("parking", "stay found: %lld min, %lld h due, %lld yuan",
              (long long)P.minutes, (long long)P.due, (long long)P.fee_due);
  else
    klog_info("parking", "stay lookup: %s (HTTP %ld)",
              P.st == NOT_FOUND ? "car not in the car park" : "failed", status);
  if (screen_top(a) == &scr_parking) screen_relayout(a);
}

static void layout(app *a) {
  int top = screen_header_layout(a, 1);
  L.top = top;
  int y = jui_title_layout(a, top);
  int mg = app_px(a, a->th.margin), gap = app_px(a, a->th.space_l);
  int bh = app_px(a, a->th.button_h);
  L.landscape = a->w > a->h;
  SDL_Rect left, right;
  if (L.landscape) {
    int lw = (a->w - 2 * mg - gap) * 42 / 100;
    left = (SDL_Rect){mg, y, lw, a->h - mg - y};
    right = (SDL_Rect){mg + lw + gap, y, a->w - 2 * mg - lw - gap, a->h - mg - y};
  } else {
    left = (SDL_Rect){mg, y, a->w - 2 * mg, 0};
    right = left;
  }
  int ph = app_px(a, 170);
  L.plate = (SDL_Rect){left.x, left.y + app_px(a, 10), left.w, ph};
  L.hint = (SDL_Rect){left.x, L.plate.y + ph + app_px(a, 20), left.w,
                      app_px(a, 110)};
  L.done = (SDL_Rect){left.x, a->h - mg - bh, left.w, bh};
  if (P.st == ENTRY) {
    /* The keyboard spans nearly the whole width: keys of 12 mm or more. */
    SDL_Rect kb;
    if (L.landscape) {
      kb = right;
      kb.h = a->h - mg - right.y;
    } else {
      int kx = app_px(a, 24);
      int ky = L.hint.y + L.hint.h + app_px(a, 10);
      kb = (SDL_Rect){kx, ky, a->w - 2 * kx, L.done.y - gap - ky};
      int need = kbd_height(a, keyboard(), kb.w, kb.h);
      kb.y = L.done.y - gap - need; /* close to the hands, above done */
      if (kb.y < ky) kb.y = ky;
      kb.h = need;
    }
    L.keys = kb;
    /* What the member gets, in the room the keyboard leaves (portrait). */
    int hy = L.hint.y + L.hint.h;
    L.help = L.landscape ? (SDL_Rect){left.x, hy, left.w, L.done.y - gap - hy}
                         : (SDL_Rect){left.x, hy, left.w, kb.y - gap - hy};
    kbd_layout(a, keyboard(), kb);
    wset_add(&a->ws, "btn-done", L.done);
    return;
  }
  int bw = (left.w - app_px(a, 32)) / 2;
  if (P.st == NOT_FOUND || P.st == FAILED) {
    SDL_Rect b = L.landscape ? (SDL_Rect){right.x, L.done.y, right.w, bh} : L.done;
    bw = (b.w - app_px(a, 32)) / 2;
    wset_add(&a->ws, "btn-retype", (SDL_Rect){b.x, b.y, bw, bh});
    wset_add(&a->ws, P.st == FAILED ? "btn-retry" : "btn-done",
             (SDL_Rect){b.x + bw + app_px(a, 32), b.y, b.w - bw - app_px(a, 32), bh});
    return;
  }
  if (P.st != STAY) return;
  int sy = L.hint.y;
  if (L.landscape) {
    L.panel = (SDL_Rect){left.x, sy, left.w, a->h - mg - sy};
    L.chooser = (SDL_Rect){right.x, right.y + app_px(a, 10), right.w, app_px(a, 170)};
    L.sum = (SDL_Rect){right.x, L.chooser.y + L.chooser.h + gap, right.w, 0};
    L.done = (SDL_Rect){right.x, a->h - mg - bh, right.w, bh};
  } else {
    L.panel = (SDL_Rect){left.x, sy, left.w, app_px(a, 370)};
    L.chooser = (SDL_Rect){left.x, L.panel.y + L.panel.h + gap, left.w,
                           app_px(a, 170)};
    L.sum = (SDL_Rect){left.x, L.chooser.y + L.chooser.h + gap, left.w, 0};
  }
  L.sum.h = L.done.y - gap - L.sum.y;
  if (P.due <= 0) {
    wset_add(&a->ws, "btn-done", L.done);
    return;
  }
  /* − value + on the right, with room for "24 hours" between. */
  int qb = app_px(a, 130), val = app_px(a, 260), pad = app_px(a, 20);
  int cy = L.chooser.y + (L.chooser.h - qb) / 2;
  int px = L.chooser.x + L.chooser.w - pad - qb;
  wset_add(&a->ws, "qty-minus", (SDL_Rect){px - val - qb, cy, qb, qb});
  wset_add(&a->ws, "qty-plus", (SDL_Rect){px, cy, qb, qb});
  wset_add(&a->ws, "btn-confirm", L.done);
}

/* The plate as a row of cells, blue like a plate, green once it is a
 * new-energy one; the eighth cell is the new-energy place. */
static void draw_plate(app *a) {
  const theme *th = &a->th;
  const char *s = P.st == ENTRY ? P.plate : P.asked;
  plate_info in;
  plate_check(s, &in);
  int ne = in.chars >= 8 && in.state == PLATE_VALID;
  SDL_Color from = ne ? (SDL_Color){120, 214, 140, 255} : (SDL_Color){36, 98, 214, 255};
  SDL_Color to = ne ? (SDL_Color){236, 250, 236, 255} : (SDL_Color){22, 62, 160, 255};
  SDL_Color fg = ne ? (SDL_Color){16, 24, 16, 255} : (SDL_Color){255, 255, 255, 255};
  SDL_Rect r = L.plate;
  draw_shadow(a->dr, r, app_px(a, th->radius_small), app_px(a, 14), 120);
  draw_card(a->dr, r, app_px(a, th->radius_small), from, to);
  draw_rrect_outline(a->dr, (SDL_Rect){r.x + app_px(a, 10), r.y + app_px(a, 10),
                                       r.w - app_px(a, 20), r.h - app_px(a, 20)},
                     app_px(a, th->radius_small - 6), app_px(a, 3), fg);
  int cells = 8, pad = app_px(a, 30), cg = app_px(a, 10);
  int cw = (r.w - 2 * pad - (cells - 1) * cg - app_px(a, 24)) / cells;
  int ch = r.h - 2 * app_px(a, 34);
  int px = app_px(a, th->type_h1);
  if (px > cw * 9 / 10) px = cw * 9 / 10; /* a CJK glyph is a full em wide */
  const char *p = in.norm;
  for (int i = 0; i < cells; i++) {
    /* A dot after the second character, as on the plate itself. */
    int x = r.x + pad + i * (cw + cg) + (i >= 2 ? app_px(a, 24) : 0);
    SDL_Rect c = {x, r.y + app_px(a, 34), cw, ch};
    SDL_Color cell = fg;
    cell.a = 40;
    if (i == 7 && !*p) {
      draw_rrect_outline(a->dr, c, app_px(a, 10), app_px(a, 2), fg);
      text_draw(a->tx, app_px(a, th->type_small - 8), 0, fg,
                app_t(a, "parking.plate.new_energy"), c.x + c.w / 2,
                c.y + c.h / 2 - app_px(a, 14), TEXT_CENTER);
      continue;
    }
    draw_rrect(a->dr, c, app_px(a, 10), cell);
    if (!*p) continue;
    size_t n = 1;
    while (p[n] && ((unsigned char)p[n] & 0xC0) == 0x80) n++;
    char ch8[8];
    snprintf(ch8, sizeof ch8, "%.*s", (int)n, p);
    p += n;
    int lh = text_line_height(a->tx, px, 1);
    text_draw(a->tx, px, 1, fg, ch8, c.x + c.w / 2, c.y + (c.h - lh) / 2,
              TEXT_CENTER);
  }
  draw_circle(a->dr, r.x + pad + 2 * (cw + cg) + app_px(a, 7), r.y + r.h / 2,
              app_px(a, 6), fg);
}

static void draw_hint(app *a) {
  const theme *th = &a->th;
  SDL_Color c = P.info.state == PLATE_INVALID ? th->danger
                : P.info.state == PLATE_VALID ? th->success
                                              : th->text_muted;
  text_wrap(a->tx, app_px(a, th->type_body), P.info.state != PLATE_PARTIAL &&
                P.info.state != PLATE_EMPTY,
            c, app_t(a, P.info.why), L.hint, L.landscape ? TEXT_LEFT : TEXT_CENTER,
            1);
}

/* How parking is paid, with the member's own free hours. */
static void draw_help(app *a) {
  const theme *th = &a->th;
  const session_member *m = session_member_of(a->ses);
  if (!m || L.help.h < app_px(a, 200)) return;
  char line[300], tier[48], h[16], pts[32];
  snprintf(tier, sizeof tier, "tier.%s", m->tier);
  snprintf(h, sizeof h, "%d", a->park_free_hours[theme_tier_index(m->tier)]);
  tmpl_number(a->park_points_per_hour, pts, sizeof pts);
  tmpl_fill(line, sizeof line,
            app_t(a, h[0] != '0' ? "parking.help.free" : "parking.help.points"),
            (const char *[]){"tier", app_t(a, tier), "hours", h, "points", pts, NULL});
  int p = app_px(a, 36), body = app_px(a, th->type_body);
  SDL_Rect in = {L.help.x + p, 0, L.help.w - 2 * p, 0};
  int th_h = text_wrap(a->tx, body, 0, th->text_muted, line, in, TEXT_LEFT, 0);
  SDL_Rect box = {L.help.x, L.help.y + (L.help.h - th_h - 2 * p) / 2, L.help.w,
                  th_h + 2 * p};
  if (L.landscape) box.y = L.help.y + app_px(a, 20);
  draw_rrect(a->dr, box, app_px(a, th->radius), th->surface);
  in.y = box.y + p;
  text_wrap(a->tx, body, 0, th->text_muted, line, in, TEXT_LEFT, 1);
}

static void row(app *a, SDL_Rect box, int *y, const char *label,
                const char *value, SDL_Color vc) {
  const theme *th = &a->th;
  int body = app_px(a, th->type_body), h2 = app_px(a, th->type_title);
  int lh = text_line_height(a->tx, h2, 1);
  text_draw(a->tx, body, 0, th->text_muted, label, box.x,
            *y + (lh - text_line_height(a->tx, body, 0)) / 2, TEXT_LEFT);
  text_draw(a->tx, h2, 1, vc, value, box.x + box.w, *y, TEXT_RIGHT);
  *y += lh + app_px(a, 18);
}

static void draw_stay(app *a) {
  const theme *th = &a->th;
  widget_panel(a, L.panel, th->surface);
  int p = app_px(a, 40);
  SDL_Rect in = {L.panel.x + p, L.panel.y + p, L.panel.w - 2 * p, 0};
  int y = in.y;
  char v[96], n1[32], n2[32], n3[32];
  time_t t = (time_t)P.entered_at;
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(v, sizeof v, "%Y-%m-%d %H:%M", &tm);
  row(a, in, &y, app_t(a, "parking.stay.entered"), v, th->text);
  snprintf(n1, sizeof n1, "%lld", (long long)(P.minutes / 60));
  snprintf(n2, sizeof n2, "%lld", (long long)(P.minutes % 60));
  tmpl_fill(v, sizeof v, app_t(a, "parking.stay.duration_value"),
            (const char *[]){"hours", n1, "minutes", n2, NULL});
  row(a, in, &y, app_t(a, "parking.stay.duration"), v, th->text);
  snprintf(n1, sizeof n1, "%lld", (long long)P.fee_due);
  tmpl_fill(v, sizeof v, app_t(a, "parking.stay.fee_value"),
            (const char *[]){"yuan", n1, NULL});
  row(a, in, &y, app_t(a, "parking.stay.fee"), v,
      P.fee_due > 0 ? th->accent : th->success);
  snprintf(n1, sizeof n1, "%lld", (long long)P.due);
  snprintf(n2, sizeof n2, "%lld", (long long)P.fee_per_hour);
  snprintf(n3, sizeof n3, "%lld", (long long)P.covered);
  tmpl_fill(v, sizeof v,
            app_t(a, P.covered > 0 ? "parking.stay.due_covered" : "parking.stay.due"),
            (const char *[]){"hours", n1, "rate", n2, "covered", n3, NULL});
  text_wrap(a->tx, app_px(a, th->type_small), 0, th->text_muted, v,
            (SDL_Rect){in.x, y, in.w, 0}, TEXT_LEFT, 1);
}

static void draw_chooser(app *a) {
  const theme *th = &a->th;
  if (P.due <= 0) {
    text_wrap(a->tx, app_px(a, th->type_h2), 1, th->success,
              app_t(a, "parking.nothing_due"), L.chooser, TEXT_CENTER, 1);
    return;
  }
  widget_panel(a, L.chooser, th->surface);
  int p = app_px(a, 40), h2 = app_px(a, th->type_title);
  int cy = L.chooser.y + L.chooser.h / 2;
  text_draw(a->tx, app_px(a, th->type_body), 1, th->text,
            app_t(a, "parking.hours.label"), L.chooser.x + p,
            cy - text_line_height(a->tx, app_px(a, th->type_body), 1) / 2, TEXT_LEFT);
  char n[16], v[64];
  snprintf(n, sizeof n, "%d", P.hours);
  tmpl_fill(v, sizeof v, app_t(a, "parking.hours.value"),
            (const char *[]){"hours", n, NULL});
  const widget *mi = wset_find(&a->ws, "qty-minus");
  const widget *pl = wset_find(&a->ws, "qty-plus");
  if (mi && pl)
    text_draw(a->tx, h2, 1, th->text, v, (mi->r.x + mi->r.w + pl->r.x) / 2,
              cy - text_line_height(a->tx, h2, 1) / 2, TEXT_CENTER);
  widget_button(a, "qty-minus", "−", BUTTON_SECONDARY, app_px(a, th->type_h2));
  widget_button(a, "qty-plus", "+", BUTTON_SECONDARY, app_px(a, th->type_h2));
}

/* Free hours, the points for the rest, the balance after; *ok = affordable. */
static void draw_sum(app *a, int *ok) {
  const theme *th = &a->th;
  const session_member *m = session_member_of(a->ses);
  *ok = 0;
  if (!m || P.due <= 0) return;
  int free_h;
  int64_t pts;
  price(a, P.hours, &free_h, &pts);
  int body = app_px(a, th->type_body);
  int lh = text_line_height(a->tx, body, 0) + app_px(a, 14);
  int y = L.sum.y, x = L.sum.x, w = L.sum.w;
  char n1[32], n2[32], n3[32], line[200], tier[48];
  snprintf(tier, sizeof tier, "tier.%s", m->tier);
  snprintf(n1, sizeof n1, "%d", a->park_free_hours[theme_tier_index(m->tier)]);
  snprintf(n2, sizeof n2, "%d", free_h);
  tmpl_fill(line, sizeof line, app_t(a, "parking.sum.free"),
            (const char *[]){"tier", app_t(a, tier), "daily", n1, "hours", n2, NULL});
  y += text_wrap(a->tx, body, 0, th->text, line, (SDL_Rect){x, y, w, 0}, TEXT_LEFT, 1);
  y += app_px(a, 14);
  snprintf(n1, sizeof n1, "%d", P.hours - free_h);
  tmpl_number(a->park_points_per_hour, n2, sizeof n2);
  tmpl_number(pts, n3, sizeof n3);
  tmpl_fill(line, sizeof line, app_t(a, "parking.sum.points"),
            (const char *[]){"hours", n1, "rate", n2, "points", n3, NULL});
  y += text_wrap(a->tx, body, 1, th->accent, line, (SDL_Rect){x, y, w, 0}, TEXT_LEFT, 1);
  y += app_px(a, 14);
  tmpl_number(m->points, n1, sizeof n1);
  tmpl_number(m->points - pts, n2, sizeof n2);
  *ok = m->points >= pts && a->park_points_per_hour > 0;
  tmpl_fill(line, sizeof line,
            app_t(a, *ok ? "parking.sum.balance" : "parking.sum.short"),
            (const char *[]){"points", n1, "after", n2, NULL});
  text_wrap(a->tx, body, !*ok, *ok ? th->text_muted : th->danger, line,
            (SDL_Rect){x, y, w, 0}, TEXT_LEFT, 1);
  (void)lh;
}

static void draw_message(app *a, jui_mark_kind k, const char *title,
                         const char *body) {
  const theme *th = &a->th;
  SDL_Rect box = L.hint;
  if (L.landscape) box = (SDL_Rect){L.plate.x + L.plate.w + app_px(a, 40),
                                    L.plate.y, a->w - app_px(a, a->th.margin) -
                                    (L.plate.x + L.plate.w + app_px(a, 40)), 0};
  int r = app_px(a, 70);
  int y = box.y + app_px(a, 40);
  jui_mark(a, box.x + box.w / 2, y + r, r, k);
  y += 2 * r + app_px(a, 40);
  y += text_wrap(a->tx, app_px(a, th->type_h2), 1, th->text, app_t(a, title),
                 (SDL_Rect){box.x, y, box.w, 0}, TEXT_CENTER, 1);
  text_wrap(a->tx, app_px(a, th->type_body), 0, th->text_muted, app_t(a, body),
            (SDL_Rect){box.x, y + app_px(a, 16), box.w, 0}, TEXT_CENTER, 1);
}

static void paint(app *a) {
  const theme *th = &a->th;
  screen_background(a);
  screen_header_draw(a, 1);
  jui_title_draw(a, L.top, app_t(a, "parking.title"));
  draw_plate(a);
  int px = app_px(a, th->type_title);
  switch (P.st) {
  case ENTRY:
    draw_hint(a);
    draw_help(a);
    kbd_draw(a, keyboard());
    widget_button(a, "btn-done", app_t(a, "parking.lookup"),
                  P.info.state == PLATE_VALID ? BUTTON_PRIMARY : BUTTON_GHOST, px);
    break;
  case LOOKING: {
    SDL_Rect b = L.hint;
    int r = app_px(a, 60);
    jui_spinner(a, b.x + b.w / 2, b.y + app_px(a, 40) + r, r, th->accent);
    text_draw(a->tx, app_px(a, th->type_body), 0, th->text_muted,
              app_t(a, "parking.looking"), b.x + b.w / 2,
              b.y + app_px(a, 80) + 2 * r, TEXT_CENTER);
    break;
  }
  case NOT_FOUND:
    draw_message(a, JUI_FAIL, "parking.not_found", "parking.not_found_body");
    widget_button(a, "btn-retype", app_t(a, "parking.retype"), BUTTON_SECONDARY, px);
    widget_button(a, "btn-done", app_t(a, "parking.done"), BUTTON_PRIMARY, px);
    break;
  case FAILED:
    draw_message(a, JUI_FAIL, "parking.failed", "parking.failed_body");
    widget_button(a, "btn-retype", app_t(a, "parking.retype"), BUTTON_SECONDARY, px);
    widget_button(a, "btn-retry", app_t(a, "parking.retry"), BUTTON_PRIMARY, px);
    break;
  case STAY: {
    int ok = 0;
    draw_stay(a);
    draw_chooser(a);
    draw_sum(a, &ok);
    widget_button(a, "btn-confirm", app_t(a, "parking.confirm"),
                  ok ? BUTTON_PRIMARY : BUTTON_GHOST, px);
    widget_button(a, "btn-done", app_t(a, "parking.done"), BUTTON_PRIMARY, px);
    break;
  }
  }
}

static void type(app *a, const char *typed) {
  char next[sizeof P.plate];
  int n = snprintf(next, sizeof next, "%s%s", P.plate, typed);
  plate_info in;
  plate_check(next, &in);
  if (n >= (int)sizeof next || in.chars > MAX_CHARS) return;
  memcpy(P.plate, next, sizeof P.plate);
  P.info = in;
  screen_relayout(a);
}

static void backspace(app *a) {
  plate_backspace(P.plate);
  plate_check(P.plate, &P.info);
  screen_relayout(a);
}

static void confirm(app *a) {
  const session_member *m = session_member_of(a->ses);
  int free_h;
  int64_t pts;
  price(a, P.hours, &free_h, &pts);
  if (!m || P.hours < 1 || P.hours > P.due || pts > m->points ||
      a->park_points_per_hour <= 0) {
    app_toast(a, pts > (m ? m->points : 0) ? "parking.sum.short_toast"
                                           : "parking.confirm_unavailable");
    return;
  }
  if (txn_parking(a, P.asked, P.hours, free_h, pts) != KERR_OK) {
    app_toast(a, "parking.confirm_unavailable");
    return;
  }
  P.confirmed = 1;
  P.gen = session_generation(a->ses);
  screen_push(a, &scr_result);
}

static void click(app *a, const char *id) {
  if (screen_header_click(a, id)) return;
  char key[16];
  if (!strcmp(id, "btn-back")) {
    if (P.st == ENTRY) screen_pop(a);
    else {
      P.st = ENTRY;
      screen_relayout(a);
    }
    return;
  }
  switch (P.st) {
  case ENTRY:
    if (!strcmp(id, "btn-done")) {
      if (P.info.state == PLATE_VALID) {
        look_up(a);
      } else {
        /* The reason is on screen already, under the plate. */
        klog_info("parking", "plate not accepted as typed: %s", P.info.why);
      }
      return;
    }
    switch (kbd_hit(keyboard(), id, key, sizeof key)) {
    case KBD_CHAR: type(a, key); break;
    case KBD_SPECIAL: backspace(a); break;
    default: break;
    }
    return;
  case NOT_FOUND:
  case FAILED:
    if (!strcmp(id, "btn-retype")) {
      P.st = ENTRY;
      screen_relayout(a);
    } else if (!strcmp(id, "btn-retry")) {
      look_up(a);
    } else if (!strcmp(id, "btn-done")) {
      screen_pop(a);
    }
    return;
  case STAY:
    if (!strcmp(id, "qty-plus") && P.hours < P.due && P.hours < 24) P.hours++;
    else if (!strcmp(id, "qty-minus") && P.hours > 1) P.hours--;
    else if (!strcmp(id, "btn-confirm")) confirm(a);
    else if (!strcmp(id, "btn-done")) screen_pop(a);
    app_dirty(a);
    return;
  case LOOKING:
    return;
  }
}

/* A hardware keyboard (service staff, scripts' `type`) types too. */
static int event(app *a, const SDL_Event *ev) {
  if (P.st != ENTRY) return 0;
  if (ev->type == SDL_TEXTINPUT) {
    type(a, ev->text.text);
    return 1;
  }
  if (ev->type == SDL_KEYDOWN) {
    if (ev->key.keysym.sym == SDLK_BACKSPACE) backspace(a);
    else if (ev->key.keysym.sym == SDLK_RETURN && P.info.state == PLATE_VALID)
      look_up(a);
    else return 0;
    return 1;
  }
  return 0;
}

const screen_ops scr_parking = {.name = "parking",
                                .enter = enter,
                                .exit = leave,
                                .layout = layout,
                                .draw = paint,
                                .click = click,
                                .event = event};
