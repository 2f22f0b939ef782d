/* The offers screen (issue 10): the catalog's limited-time redemptions
 * (限时兑换) and flash sales (积分秒杀) as cards: picture, name, the offer
 * price with the member's tier price struck through, for a flash sale the
 * units left, and a countdown to the start (距开始) or the end (距结束).
 * Running offers come first, then upcoming ones by start, sold out last.
 *
 * A card opens the item screen (scr_item), which charges the offer price
 * while the offer runs and says why not otherwise (a flash sale not started
 * or sold out); the central prices and counts the stock itself.
 *
 * REALITY: the countdown is the only motion: the screen redraws once a
 * second, on the wall clock's second, and not at all between (idle CPU).
 * When an offer starts, ends or sells out the catalog is asked again (one
 * conditional GET on the catalog worker) and the cards are laid out anew. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "catalog.h"
#include "jui.h"
#include "screen.h"
#include "tmpl.h"

#define MAX_CARDS 12

static struct {
  int top;
  int n;
  int idx[MAX_CARDS];         /* catalog indexes in display order */
  catalog_offer state[MAX_CARDS]; /* as laid out */
  SDL_Rect card[MAX_CARDS];
  SDL_Rect empty;
  uint64_t next_ms; /* the next redraw, on the wall clock's second */
} S;

static int64_t now_unix(void) { return (int64_t)time(NULL); }

/* Running 0, upcoming 1, sold out 2: the order of the cards. */
static int rank(catalog_offer o) {
  return o == CATALOG_OFFER_RUNNING ? 0 : o == CATALOG_OFFER_UPCOMING ? 1 : 2;
}

static int before(const catalog_item *x, const catalog_item *y, int64_t now) {
  int rx = rank(catalog_offer_state(x, now)), ry = rank(catalog_offer_state(y, now));
  if (rx != ry) return rx < ry;
  int64_t kx = rx == 1 ? x->offer_from : x->offer_to;
  int64_t ky = ry == 1 ? y->offer_from : y->offer_to;
  return kx != ky ? kx < ky : strcmp(x->id, y->id) < 0;
}

static void collect(app *a, int64_t now) {
  S.n = 0;
  for (int i = 0; i < catalog_count(a) && S.n < MAX_CARDS; i++) {
    const catalog_item *it = catalog_at(a, i);
    if (catalog_offer_state(it, now) == CATALOG_OFFER_NONE) continue;
    int k = S.n++;
    while (k > 0 && before(it, catalog_at(a, S.idx[k - 1]), now)) {
      S.idx[k] = S.idx[k - 1];
      k--;
    }
    S.idx[k] = i;
  }
  for (int k = 0; k < S.n; k++)
    S.state[k] = catalog_offer_state(catalog_at(a, S.idx[k]), now);
}

static void enter(app *a) {
  S.next_ms = 0;
  catalog_refresh(a); /* flash stock changes: always fresh */
}

static void layout(app *a) {
  int top = screen_header_layout(a, 1);
  S.top = top;
  int y = jui_title_layout(a, top);
  int m = app_px(a, a->th.margin), gap = app_px(a, a->th.space_l);
  collect(a, now_unix());
  int cols = a->w > a->h ? 2 : 1;
  int cw = (a->w - 2 * m - (cols - 1) * gap) / cols;
  int ch = app_px(a, cols == 2 ? 300 : 330);
  int rows_fit = (a->h - m - y + gap) / (ch + gap);
  if (S.n > rows_fit * cols) S.n = rows_fit * cols;
  S.empty = (SDL_Rect){m, y, a->w - 2 * m, app_px(a, 200)};
  for (int k = 0; k < S.n; k++) {
    S.card[k] = (SDL_Rect){m + (k % cols) * (cw + gap),
                           y + (k / cols) * (ch + gap), cw, ch};
    char id[WIDGET_ID_MAX];
    snprintf(id, sizeof id, "offer-%s", catalog_at(a, S.idx[k])->id);
    wset_add(&a->ws, id, S.card[k]);
  }
}

/* Seconds as mm:ss under an hour, else hh:mm:ss, days first beyond one. */
static void span(app *a, int64_t s, char *out, size_t cap) {
  if (s < 0) s = 0;
  int64_t d = s / 86400, h = s % 86400 / 3600, mi = s % 3600 / 60, se = s % 60;
  char hms[32];
  if (!d && !h)
    snprintf(hms, sizeof hms, "%02lld:%02lld", (long long)mi, (long long)se);
  else
    snprintf(hms, sizeof hms, "%02lld:%02lld:%02lld", (long long)h,
             (long long)mi, (long long)se);
  if (!d) {
    snprintf(out, cap, "%s", hms);
    return;
  }
  char dn[24];
  snprintf(dn, sizeof dn, "%lld", (long long)d);
  tmpl_fill(out, cap, app_t(a, "offers.days"),
            (const char *[]){"days", dn, "time", hms, NULL});
}

static void draw_offer(app *a, int k, const session_member *m, int64_t now) {
  const theme *th = &a->th;
  const catalog_item *it = catalog_at(a, S.idx[k]);
  if (!it) return;
  char id[WIDGET_ID_MAX];
  snprintf(id, sizeof id, "offer-%s", it->id);
  SDL_Rect r = S.card[k];
  int pressed = wset_is_pressed(&a->ws, id);
  int rad = app_px(a, th->radius);
  if (pressed) r.y += app_px(a, 4);
  else draw_shadow(a->dr, r, rad, app_px(a, 14), 90);
  draw_rrect(a->dr, r, rad, pressed ? th->surface_hi : th->surface);
  catalog_offer st = catalog_offer_state(it, now);
  int flash = !strcmp(it->offer_kind, "flash");
  int p = app_px(a, 24);
  SDL_Rect img = {r.x + p, r.y + p, r.h - 2 * p, r.h - 2 * p};
  jui_image(a, it, img);
  if (st != CATALOG_OFFER_RUNNING)
    draw_rrect(a->dr, img, app_px(a, th->radius_small), (SDL_Color){0, 0, 0, 90});

  int x = img.x + img.w + p, w = r.x + r.w - p - x, y = r.y + p;
  int sm = app_px(a, th->type_small), t = app_px(a, th->type_title);
  int h2 = app_px(a, th->type_h2), body = app_px(a, th->type_body);
  /* Kind and state badges. */
  int px = x;
  px += widget_pill(a, px, y, app_t(a, flash ? "offers.kind.flash" : "offers.kind.limited"),
                    flash ? th->danger : th->accent,
                    flash ? (SDL_Color){255, 255, 255, 255} : th->accent_text, sm) +
        app_px(a, 12);
  const char *state_id = st == CATALOG_OFFER_RUNNING    ? "offers.state.running"
                         : st == CATALOG_OFFER_UPCOMING ? "offers.state.upcoming"
                                                        : "offers.state.sold_out";
  widget_pill(a, px, y, app_t(a, state_id), th->surface_hi,
              st == CATALOG_OFFER_RUNNING ? th->success : th->text_muted, sm);
  y += text_line_height(a->tx, sm, 1) + app_px(a, 26);
  /* Name, one line, shrunk to fit. */
  int tp = t, tw = 0;
  for (; tp > t * 7 / 10; tp -= 2) {
    text_measure(a->tx, tp, 1, jui_name(a, it), &tw, NULL);
    if (tw <= w) break;
  }
  text_draw(a->tx, tp, 1, th->text, jui_name(a, it), x, y, TEXT_LEFT);
  y += text_line_height(a->tx, t, 1) + app_px(a, 6);
  /* The offer price, the member's tier price struck through. */
  char n[32], line[96];
  int64_t was = m ? catalog_price(it, m->tier) : it->price[0];
  int64_t price = it->offer_points < was ? it->offer_points : was;
  tmpl_number(price, n, sizeof n);
  tmpl_fill(line, sizeof line, app_t(a, "catalog.price"), (const char *[]){"points", n, NULL});
  int pw = text_draw(a->tx, h2, 1, th->accent, line, x, y, TEXT_LEFT);
  if (price < was) {
    tmpl_number(was, n, sizeof n);
    int lh = text_line_height(a->tx, body, 0);
    int sx = x + pw + app_px(a, 18);
    int sy = y + text_line_height(a->tx, h2, 1) - lh - app_px(a, 6);
    int sw = text_draw(a->tx, body, 0, th->text_muted, n, sx, sy, TEXT_LEFT);
    draw_fill(a->dr, (SDL_Rect){sx - 2, sy + lh * 55 / 100, sw + 4, app_px(a, 3)},
              th->text_muted);
  }
  y += text_line_height(a->tx, h2, 1) + app_px(a, 10);
  /* Countdown (and the units left of a flash sale), or why not. */
  char when[64], cd[96];
  if (st == CATALOG_OFFER_UPCOMING) {
    span(a, it->offer_from - now, when, sizeof when);
    tmpl_fill(cd, sizeof cd, app_t(a, "offers.starts_in"), (const char *[]){"time", when, NULL});
  } else if (st == CATALOG_OFFER_RUNNING) {
    span(a, it->offer_to - now, when, sizeof when);
    tmpl_fill(cd, sizeof cd, app_t(a, "offers.ends_in"), (const char *[]){"time", when, NULL});
  } else {
    snprintf(cd, sizeof cd, "%s", app_t(a, "offers.why.sold_out"));
  }
  int cw = text_draw(a->tx, body, 1, st == CATALOG_OFFER_SOLD_OUT ? th->danger : th->text,
                     cd, x, y, TEXT_LEFT);
  if (flash && st != CATALOG_OFFER_SOLD_OUT) {
    char left[64];
    snprintf(n, sizeof n, "%lld", (long long)it->flash_stock);
    tmpl_fill(left, sizeof left, app_t(a, "offers.left"), (const char *[]){"n", n, NULL});
    text_draw(a->tx, body, 0, th->text_muted, left, x + cw + app_px(a, 24), y, TEXT_LEFT);
  }
  y += text_line_height(a->tx, body, 1) + app_px(a, 6);
  /* The member's own reason, when there is one (tier, points, not yet). */
  const char *why = m ? catalog_why(it, m->tier, m->points, now) : NULL;
  if (why && strcmp(why, "offers.why.sold_out") != 0 && y + text_line_height(a->tx, sm, 0) <= r.y + r.h)
    text_draw(a->tx, sm, 1, th->danger, app_t(a, why), x, y, TEXT_LEFT);
}

static void paint(app *a) {
  const session_member *m = session_member_of(a->ses);
  int64_t now = now_unix();
  screen_background(a);
  screen_header_draw(a, 1);
  jui_title_draw(a, S.top, app_t(a, "offers.title"));
  for (int k = 0; k < S.n; k++) draw_offer(a, k, m, now);
  if (!S.n)
    text_wrap(a->tx, app_px(a, a->th.type_body), 0, a->th.text_muted,
              app_t(a, "offers.none"), S.empty, TEXT_CENTER, 1);
}

/* Milliseconds to the wall clock's next second. */
static uint64_t to_next_second(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return 1000 - (uint64_t)(ts.tv_nsec / 1000000) % 1000;
}

static uint64_t tick(app *a, uint64_t now_ms) {
  if (!S.n) return S.next_ms = 0, UINT64_MAX; /* nothing counts down */
  if (S.next_ms && now_ms < S.next_ms) return S.next_ms;
  if (S.next_ms) {
    int64_t now = now_unix();
    int changed = 0;
    for (int k = 0; k < S.n; k++)
      changed |= catalog_offer_state(catalog_at(a, S.idx[k]), now) != S.state[k];
    if (changed) {
      catalog_refresh(a); /* the relayout follows the new catalog */
      screen_relayout(a);
    } else {
      app_dirty(a);
    }
  }
  S.next_ms = now_ms + to_next_second();
  return S.next_ms;
}

static void click(app *a, const char *id) {
  if (screen_header_click(a, id)) return;
  if (!strcmp(id, "btn-back")) {
    screen_pop(a);
    return;
  }
  if (!strncmp(id, "offer-", 6) && catalog_find(a, id + 6)) {
    jui_select(id + 6);
    screen_push(a, &scr_item);
  }
}

const screen_ops scr_offers = {.name = "offers",
                               .enter = enter,
                               .layout = layout,
                               .draw = paint,
                               .click = click,
                               .tick = tick};
