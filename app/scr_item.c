/* The item screen: the picture large, the description, the member's price
 * (an offer's price while one runs, the tier price struck through), points
 * now -> points after, the quantity within the item's limits, and a clear
 * confirm; or why the member cannot redeem it (a flash sale not started or
 * sold out among the reasons). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "catalog.h"
#include "jui.h"
#include "klog.h"
#include "screen.h"
#include "tmpl.h"
#include "txn.h"

static struct {
  int qty;
  int top;
  SDL_Rect img, info, qty_row, buttons;
  char logged[32]; /* the refusal is logged once per item shown */
} S;

static const catalog_item *item(app *a) { return catalog_find(a, jui_selected()); }

static const char *why(app *a, const catalog_item *it) {
  const session_member *m = session_member_of(a->ses);
  if (!m) return NULL;
  return catalog_why(it, m->tier, m->points, (int64_t)time(NULL));
}

static int64_t now_unix(void) { return (int64_t)time(NULL); }

static int max_qty(const catalog_item *it, const session_member *m) {
  return catalog_max_qty_at(it, m->tier, m->points, now_unix());
}

static void enter(app *a) {
  (void)a;
  S.qty = 1;
  S.logged[0] = '\0';
}

static void layout(app *a) {
  const catalog_item *it = item(a);
  const session_member *m = session_member_of(a->ses);
  int top = screen_header_layout(a, 1);
  S.top = top;
  int y = jui_title_layout(a, top);
  int mg = app_px(a, a->th.margin), gap = app_px(a, a->th.space_l);
  int bh = app_px(a, a->th.button_h);
  S.buttons = (SDL_Rect){mg, a->h - mg - bh, a->w - 2 * mg, bh};
  if (a->h >= a->w) {
    int side = app_px(a, 560);
    S.img = (SDL_Rect){(a->w - side) / 2, y, side, side};
    S.info = (SDL_Rect){mg, y + side + gap, a->w - 2 * mg, 0};
  } else {
    int side = S.buttons.y - gap - y;
    if (side > a->w * 40 / 100) side = a->w * 40 / 100;
    S.img = (SDL_Rect){mg, y, side, side};
    S.info = (SDL_Rect){mg + side + gap * 2, y, a->w - 2 * mg - side - gap * 2, 0};
  }
  S.info.h = S.buttons.y - gap - S.info.y;
  int qh = app_px(a, 120);
  S.qty_row = (SDL_Rect){S.info.x, S.buttons.y - gap - qh, S.info.w, qh};
  if (!it || !m) return;
  int w = (S.buttons.w - app_px(a, 32)) / 2;
  wset_add(&a->ws, "btn-cancel", (SDL_Rect){S.buttons.x, S.buttons.y, w, bh});
  const char *no = why(a, it);
  if (no) {
    if (strcmp(S.logged, it->id) != 0) {
      snprintf(S.logged, sizeof S.logged, "%s", it->id);
      klog_info("item", "item %s not redeemable: %s", it->id, no);
    }
    return;
  }
  wset_add(&a->ws, "btn-confirm",
           (SDL_Rect){S.buttons.x + w + app_px(a, 32), S.buttons.y, w, bh});
  int max = max_qty(it, m);
  if (S.qty > max) S.qty = max > 0 ? max : 1;
  int kb = qh;
  wset_add(&a->ws, "qty-minus",
           (SDL_Rect){S.qty_row.x + S.qty_row.w - 3 * kb - app_px(a, 40),
                      S.qty_row.y, kb, kb});
  wset_add(&a->ws, "qty-plus",
           (SDL_Rect){S.qty_row.x + S.qty_row.w - kb, S.qty_row.y, kb, kb});
}

static void draw_info(app *a, const catalog_item *it, const session_member *m) {
  const theme *th = &a->th;
  int h1 = app_px(a, th->type_h1), body = app_px(a, th->type_body);
  int sm = app_px(a, th->type_small), h2 = app_px(a, th->type_h2);
  SDL_Rect c = S.info;
  int y = c.y;
  y += text_wrap(a->tx, h1, 1, th->text, jui_name(a, it), (SDL_Rect){c.x, y, c.w, 0},
                 TEXT_LEFT, 1);
  y += app_px(a, 8);
  y += text_wrap(a->tx, body, 0, th->text_muted, jui_desc(a, it),
                 (SDL_Rect){c.x, y, c.w, 0}, TEXT_LEFT, 1);
  y += app_px(a, 24);
  char n[32], line[96];
  int64_t price = catalog_price_at(it, m->tier, now_unix());
  int64_t was = catalog_price(it, m->tier);
  /* A flash sale not running yet (or sold out) still shows its price: the
   * item cannot be had outside it, and the reason says so below. */
  if (!strcmp(it->offer_kind, "flash") && it->offer_points < price &&
      catalog_offer_state(it, now_unix()) != CATALOG_OFFER_NONE)
    price = it->offer_points;
  int offer = price < was; /* an offer runs and lowers the price */
  if (!offer) was = it->price[0];
  tmpl_number(price, n, sizeof n);
  tmpl_fill(line, sizeof line, app_t(a, "catalog.price"), (const char *[]){"points", n, NULL});
  int pw = text_draw(a->tx, h2, 1, th->accent, line, c.x, y, TEXT_LEFT);
  if (price < was) {
    tmpl_number(was, n, sizeof n);
    int lh = text_line_height(a->tx, body, 0);
    int sx = c.x + pw + app_px(a, 20);
    int sy = y + text_line_height(a->tx, h2, 1) - lh - app_px(a, 6);
    int sw = text_draw(a->tx, body, 0, th->text_muted, n, sx, sy, TEXT_LEFT);
    draw_fill(a->dr, (SDL_Rect){sx - 2, sy + lh * 55 / 100, sw + 4, app_px(a, 3)},
              th->text_muted);
    char t[64], key[32];
    snprintf(key, sizeof key, "tier.%s", m->tier);
    if (offer)
      snprintf(t, sizeof t, "%s",
               app_t(a, strcmp(it->offer_kind, "flash") ? "offers.price_limited"
                                                       : "offers.price_flash"));
    else
      tmpl_fill(t, sizeof t, app_t(a, "item.tier_price"),
                (const char *[]){"tier", app_t(a, key), NULL});
    text_draw(a->tx, sm, 1, th->text_muted, t, sx + sw + app_px(a, 20),
              sy + app_px(a, 2), TEXT_LEFT);
  }
  y += text_line_height(a->tx, h2, 1) + app_px(a, 24);

  const char *no = why(a, it);
  SDL_Rect box = {c.x, y, c.w, no ? app_px(a, 200) : app_px(a, 160)};
  /* A refusal has no quantity row: its box may reach down to the buttons. */
  int limit = (no ? S.buttons.y - app_px(a, a->th.space_l) : S.qty_row.y) - app_px(a, 16);
  if (box.y + box.h > limit) box.h = limit - box.y;
  if (no) {
    widget_panel(a, box, th->danger_bg);
    draw_rrect_outline(a->dr, box, app_px(a, th->radius), app_px(a, 3), th->danger);
    int p = app_px(a, 32);
    text_draw(a->tx, h2, 1, th->danger, app_t(a, no), box.x + p, box.y + p, TEXT_LEFT);
    text_wrap(a->tx, sm, 0, th->text, app_t(a, "item.cannot_hint"),
              (SDL_Rect){box.x + p, box.y + p + text_line_height(a->tx, h2, 1),
                         box.w - 2 * p, 0},
              TEXT_LEFT, 1);
    return;
  }
  widget_panel(a, box, th->surface);
  int p = app_px(a, 32);
  text_draw(a->tx, sm, 0, th->text_muted, app_t(a, "item.points_change"), box.x + p,
            box.y + p * 2 / 3, TEXT_LEFT);
  char now_s[32], after_s[32];
  tmpl_number(m->points, now_s, sizeof now_s);
  tmpl_number(m->points - price * S.qty, after_s, sizeof after_s);
  int ly = box.y + p * 2 / 3 + text_line_height(a->tx, sm, 0);
  int x = box.x + p;
  x += text_draw(a->tx, h2, 1, th->text, now_s, x, ly, TEXT_LEFT) + app_px(a, 24);
  int lh = text_line_height(a->tx, h2, 1);
  jui_stroke(a, x, ly + lh / 2, x + app_px(a, 50), ly + lh / 2, app_px(a, 8), th->accent);
  jui_stroke(a, x + app_px(a, 30), ly + lh / 2 - app_px(a, 18), x + app_px(a, 50),
             ly + lh / 2, app_px(a, 8), th->accent);
  jui_stroke(a, x + app_px(a, 30), ly + lh / 2 + app_px(a, 18), x + app_px(a, 50),
             ly + lh / 2, app_px(a, 8), th->accent);
  x += app_px(a, 50) + app_px(a, 24);
  text_draw(a->tx, h2, 1, th->accent, after_s, x, ly, TEXT_LEFT);

  /* Quantity: label on the left, - n + on the right. */
  SDL_Rect q = S.qty_row;
  int qw = text_draw(a->tx, body, 1, th->text, app_t(a, "item.quantity"), q.x,
                     q.y + (q.h - text_line_height(a->tx, body, 1)) / 2, TEXT_LEFT);
  int max = max_qty(it, m);
  char lim[64], mx[16];
  snprintf(mx, sizeof mx, "%d", max);
  tmpl_fill(lim, sizeof lim, app_t(a, "item.max_qty"), (const char *[]){"n", mx, NULL});
  text_draw(a->tx, sm, 0, th->text_muted, lim, q.x + qw + app_px(a, 20),
            q.y + (q.h - text_line_height(a->tx, sm, 0)) / 2, TEXT_LEFT);
  widget_button(a, "qty-minus", "−", S.qty > 1 ? BUTTON_SECONDARY : BUTTON_GHOST, h2);
  widget_button(a, "qty-plus", "+", S.qty < max ? BUTTON_SECONDARY : BUTTON_GHOST, h2);
  const widget *mi = wset_find(&a->ws, "qty-minus");
  if (mi) {
    snprintf(mx, sizeof mx, "%d", S.qty);
    int cx = mi->r.x + mi->r.w + (q.x + q.w - q.h - mi->r.x - mi->r.w) / 2;
    text_draw(a->tx, h2, 1, th->text, mx, cx, q.y + (q.h - lh) / 2, TEXT_CENTER);
  }
}

static void paint(app *a) {
  const catalog_item *it = item(a);
  const session_member *m = session_member_of(a->ses);
  screen_background(a);
  screen_header_draw(a, 1);
  jui_title_draw(a, S.top, app_t(a, "item.title"));
  if (!it || !m) return;
  draw_shadow(a->dr, S.img, app_px(a, a->th.radius), app_px(a, 24), 110);
  jui_image(a, it, S.img);
  draw_info(a, it, m);
  int px = app_px(a, a->th.type_title);
  widget_button(a, "btn-cancel", app_t(a, "item.cancel"), BUTTON_SECONDARY, px);
  widget_button(a, "btn-confirm", app_t(a, "item.confirm"), BUTTON_PRIMARY, px);
}

static void click(app *a, const char *id) {
  const catalog_item *it = item(a);
  const session_member *m = session_member_of(a->ses);
  if (screen_header_click(a, id)) return;
  if (!strcmp(id, "btn-back") || !strcmp(id, "btn-cancel")) {
    screen_pop(a);
    return;
  }
  if (!it || !m) return;
  int max = max_qty(it, m);
  if (!strcmp(id, "qty-plus") && S.qty < max) S.qty++;
  if (!strcmp(id, "qty-minus") && S.qty > 1) S.qty--;
  if (!strcmp(id, "btn-confirm") && !why(a, it) && S.qty <= max) {
    txn_redeem(a, it->id, S.qty);
    screen_replace(a, &scr_result);
    return;
  }
  app_dirty(a);
}

const screen_ops scr_item = {.name = "item",
                             .enter = enter,
                             .layout = layout,
                             .draw = paint,
                             .click = click};
