/* The receipt points screen (自助积分): asks for the QR code of a shop's
 * receipt; a scanned KR1. code (engage_scan) is claimed at the central and
 * the screen shows the points with how they were reckoned (amount × the
 * shop's rate × the tier × a double-points campaign), or why not. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "engage.h"
#include "jui.h"
#include "screen.h"
#include "tmpl.h"

static struct {
  int top;
  SDL_Rect art, text, buttons;
} S;

static void enter(app *a) {
  (void)a;
  engage_clear();
}

static void exit_(app *a) {
  (void)a;
  if (!engage_busy()) engage_clear();
}

static void layout(app *a) {
  const engage *e = engage_get();
  int top = screen_header_layout(a, 1);
  S.top = top;
  int y = jui_title_layout(a, top);
  int mg = app_px(a, a->th.margin), bh = app_px(a, a->th.button_h);
  int land = a->w > a->h;
  int art = app_px(a, land ? 340 : 380);
  int tw = land ? a->w * 70 / 100 : a->w - 2 * mg;
  S.buttons = (SDL_Rect){(a->w - tw) / 2, a->h - mg - bh, tw, bh};
  if (land) {
    /* Side by side: the picture left, the words right of it. */
    int col = a->w * 34 / 100;
    S.art = (SDL_Rect){mg + (col - mg - art) / 2,
                       y + (S.buttons.y - y - art) / 2 - app_px(a, 20), art, art};
    S.text = (SDL_Rect){col + mg, y + app_px(a, 30), a->w - col - 2 * mg, 0};
    S.buttons = (SDL_Rect){col + mg, a->h - mg - bh, a->w - col - 2 * mg, bh};
    tw = S.buttons.w;
  } else {
    S.art = (SDL_Rect){a->w / 2 - art / 2, y + app_px(a, 60), art, art};
    S.text = (SDL_Rect){(a->w - tw) / 2, S.art.y + art + app_px(a, 60), tw, 0};
  }
  if (e->phase == ENGAGE_WAITING) return;
  if (e->phase == ENGAGE_FAILED) {
    int w = (tw - app_px(a, 32)) / 2;
    wset_add(&a->ws, "btn-retry", (SDL_Rect){S.buttons.x, S.buttons.y, w, bh});
    wset_add(&a->ws, "btn-done",
             (SDL_Rect){S.buttons.x + w + app_px(a, 32), S.buttons.y, w, bh});
  } else {
    wset_add(&a->ws, "btn-done", S.buttons);
  }
}

/* A receipt slip with a QR corner: what to hold up to the scanner. */
static void receipt_art(app *a, SDL_Rect r) {
  const theme *th = &a->th;
  int w = r.w * 62 / 100, x = r.x + (r.w - w) / 2;
  SDL_Rect slip = {x, r.y, w, r.h};
  draw_shadow(a->dr, slip, app_px(a, 12), app_px(a, 20), 120);
  draw_rrect(a->dr, slip, app_px(a, 12), (SDL_Color){255, 255, 255, 255});
  int p = w / 9, lh = app_px(a, 10);
  SDL_Color ink = {190, 196, 214, 255};
  for (int i = 0; i < 5; i++)
    draw_rrect(a->dr, (SDL_Rect){x + p, r.y + p + i * lh * 3, (i % 2 ? w / 2 : w - 2 * p), lh},
               lh / 2, ink);
  int q = w - 2 * p, qy = r.y + r.h - p - q * 2 / 3;
  int qs = q * 2 / 3, qx = x + (w - qs) / 2;
  SDL_Color dark = th->bg_top;
  int f = qs / 3;
  for (int i = 0; i < 3; i++) {
    int fx = qx + (i == 1 ? qs - f : 0), fy = qy + (i == 2 ? qs - f : 0);
    draw_fill(a->dr, (SDL_Rect){fx, fy, f, f}, dark);
    draw_fill(a->dr, (SDL_Rect){fx + f / 6, fy + f / 6, f * 2 / 3, f * 2 / 3},
              (SDL_Color){255, 255, 255, 255});
    draw_fill(a->dr, (SDL_Rect){fx + f / 3, fy + f / 3, f / 3, f / 3}, dark);
  }
  draw_fill(a->dr, (SDL_Rect){qx + qs - f * 2 / 3, qy + qs - f * 2 / 3, f / 2, f / 2}, dark);
  int t = app_px(a, 8);
  draw_rrect(a->dr, (SDL_Rect){r.x, qy + qs / 2 - t / 2, r.w, t}, t / 2, th->accent);
}

/* "128.50 元 · 星河小馆": the sale the points are for. */
static void sale_line(app *a, const json_t *ans, char *out, size_t cap) {
  json_int_t cents = json_integer_value(json_object_get(ans, "amount_cents"));
  const json_t *name = json_object_get(json_object_get(ans, "shop"), "name");
  const char *shop = app_pick(a, json_string_value(json_object_get(name, "zh")),
                              json_string_value(json_object_get(name, "en")));
  char amt[32];
  snprintf(amt, sizeof amt, "%lld.%02lld", (long long)(cents / 100),
           (long long)(cents % 100));
  tmpl_fill(out, cap, app_t(a, "receipt.sale"),
            (const char *[]){"amount", amt, "shop", shop, NULL});
}

/* "餐饮 ×1.0 · 金卡 ×2.0 · 活动 ×2": the central's reckoning. */
static void rule_line(app *a, const json_t *ans, char *out, size_t cap) {
  json_int_t rate = json_integer_value(json_object_get(ans, "rate_tenths"));
  json_int_t tier = json_integer_value(json_object_get(ans, "tier_multiplier_tenths"));
  json_int_t camp = json_integer_value(json_object_get(ans, "campaign_factor"));
  const char *cat =
      json_string_value(json_object_get(json_object_get(ans, "shop"), "category"));
  char key[48], r[48], t[48], c[24];
  snprintf(key, sizeof key, "receipt.category.%s", cat ? cat : "other");
  snprintf(r, sizeof r, "%lld.%lld", (long long)(rate / 10), (long long)(rate % 10));
  snprintf(t, sizeof t, "%lld.%lld", (long long)(tier / 10), (long long)(tier % 10));
  snprintf(c, sizeof c, "%lld", (long long)camp);
  tmpl_fill(out, cap, app_t(a, camp > 1 ? "receipt.rule_campaign" : "receipt.rule"),
            (const char *[]){"category", app_t(a, key), "rate", r, "tier", t,
                             "campaign", c, NULL});
}

static void paint(app *a) {
  const theme *th = &a->th;
  const engage *e = engage_get();
  screen_background(a);
  screen_header_draw(a, 1);
  jui_title_draw(a, S.top, app_t(a, "receipt.title"));
  int h1 = app_px(a, th->type_h1), h2 = app_px(a, th->type_h2);
  int body = app_px(a, th->type_body), disp = app_px(a, th->type_display);
  int cx = S.art.x + S.art.w / 2, cy = S.art.y + S.art.h / 2, r = S.art.w / 3;
  int y = S.text.y;
  char line[256], n[32];
  SDL_Rect box = {S.text.x, 0, S.text.w, 0};
  switch (e->phase) {
  case ENGAGE_NONE:
    receipt_art(a, S.art);
    box.y = y;
    y += text_wrap(a->tx, h1, 1, th->text, app_t(a, "receipt.scan_title"), box,
                   TEXT_CENTER, 1);
    box.y = y + app_px(a, 16);
    text_wrap(a->tx, body, 0, th->text_muted, app_t(a, "receipt.scan_body"), box,
              TEXT_CENTER, 1);
    break;
  case ENGAGE_WAITING:
    jui_spinner(a, cx, cy, r, th->accent);
    box.y = y;
    text_wrap(a->tx, h1, 1, th->text, app_t(a, "receipt.waiting"), box,
              TEXT_CENTER, 1);
    break;
  case ENGAGE_DONE: {
    jui_mark(a, cx, cy, r, JUI_OK);
    box.y = y;
    y += text_wrap(a->tx, h1, 1, th->text, app_t(a, "receipt.done.title"), box,
                   TEXT_CENTER, 1);
    snprintf(n, sizeof n, "+%lld",
             (long long)json_integer_value(json_object_get(e->answer, "points_awarded")));
    tmpl_fill(line, sizeof line, app_t(a, "receipt.points"),
              (const char *[]){"points", n, NULL});
    if (a->w > a->h) disp = app_px(a, th->type_h1 + 24);
    text_draw(a->tx, disp, 1, th->accent, line, S.text.x + S.text.w / 2, y, TEXT_CENTER);
    y += text_line_height(a->tx, disp, 1) + app_px(a, 8);
    sale_line(a, e->answer, line, sizeof line);
    box.y = y;
    y += text_wrap(a->tx, h2 * 3 / 4, 1, th->text, line, box, TEXT_CENTER, 1);
    rule_line(a, e->answer, line, sizeof line);
    box.y = y + app_px(a, 8);
    y += app_px(a, 8) + text_wrap(a->tx, body, 0, th->text_muted, line, box,
                                  TEXT_CENTER, 1);
    tmpl_number(json_integer_value(json_object_get(e->answer, "points_balance")), n,
                sizeof n);
    tmpl_fill(line, sizeof line, app_t(a, "receipt.balance"),
              (const char *[]){"points", n, NULL});
    text_draw(a->tx, body, 1, th->text_muted, line, S.text.x + S.text.w / 2,
              S.buttons.y - app_px(a, 40) - text_line_height(a->tx, body, 1),
              TEXT_CENTER);
    break;
  }
  case ENGAGE_QUEUED: /* saved in the queue; credited once online */
    jui_mark(a, cx, cy, r, JUI_CLOCK);
    box.y = y;
    y += text_wrap(a->tx, h1, 1, th->text, app_t(a, "receipt.queued.title"), box,
                   TEXT_CENTER, 1);
    box.y = y + app_px(a, 16);
    text_wrap(a->tx, h2, 1, th->text_muted, app_t(a, "checkin.queued.body"), box,
              TEXT_CENTER, 1);
    break;
  case ENGAGE_REJECTED:
  case ENGAGE_FAILED:
    jui_mark(a, cx, cy, r, e->phase == ENGAGE_FAILED ? JUI_CLOCK : JUI_FAIL);
    box.y = y;
    y += text_wrap(a->tx, h1, 1, th->text,
                   app_t(a, e->phase == ENGAGE_FAILED ? "receipt.failed.title"
                                                      : "receipt.rejected.title"),
                   box, TEXT_CENTER, 1);
    box.y = y + app_px(a, 12);
    y = box.y + text_wrap(a->tx, h2, 1, th->danger, app_t(a, e->why), box,
                          TEXT_CENTER, 1);
    box.y = y + app_px(a, 16);
    text_wrap(a->tx, body, 0, th->text_muted,
              app_t(a, e->phase == ENGAGE_FAILED ? "receipt.failed.body"
                                                 : "receipt.rejected.body"),
              box, TEXT_CENTER, 1);
    break;
  }
  int px = app_px(a, th->type_title);
  widget_button(a, "btn-retry", app_t(a, "engage.retry"), BUTTON_SECONDARY, px);
  widget_button(a, "btn-done",
                app_t(a, e->phase == ENGAGE_NONE ? "engage.back_home" : "result.done"),
                e->phase == ENGAGE_NONE ? BUTTON_SECONDARY : BUTTON_PRIMARY, px);
}

static void click(app *a, const char *id) {
  if (screen_header_click(a, id)) return;
  if (!strcmp(id, "btn-retry")) {
    engage_retry(a);
    screen_relayout(a);
  } else if (!strcmp(id, "btn-done") || !strcmp(id, "btn-back")) {
    if (engage_busy()) return; /* the answer is on its way */
    engage_clear();
    screen_home(a);
  }
}

const screen_ops scr_receipt = {.name = "receipt",
                                .enter = enter,
                                .exit = exit_,
                                .layout = layout,
                                .draw = paint,
                                .click = click};
