/* The member screen: who is here, their tier card and points, points about
 * to expire, progress to the next tier, benefits, birthday banner, the
 * journeys (catalog, parking, check-in). The idle countdown is drawn over
 * every screen by screen.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "catalog.h"
#include "engage.h"
#include "jui.h"
#include "screen.h"
#include "tmpl.h"

static struct {
  SDL_Rect greet, card, bday, progress, expiring, benefits, buttons;
  SDL_Rect engage; /* receipt points, lottery, donations (issue 10) */
  SDL_Rect recs;
} L;

static int engage_h(app *a) { return app_px(a, a->th.button_h) * 3 / 4; }

static int greet_h(app *a) {
  return text_line_height(a->tx, app_px(a, a->th.type_h1), 1) +
         text_line_height(a->tx, app_px(a, a->th.type_small), 0);
}

/* The birthday banner's text column starts after the cake. */
static int bday_text_x(app *a) { return app_px(a, 40 + 56 + 32); }

/* The right part of the banner holds the gift's button or its status. */
static int bday_aside(int w) { return w * 36 / 100; }

static int bday_h(app *a, int w) {
  int h2 = app_px(a, a->th.type_title), sm = app_px(a, a->th.type_small);
  int body = text_wrap(a->tx, sm, 0, a->th.text, app_t(a, "member.birthday_body"),
                       (SDL_Rect){0, 0, w - bday_aside(w) - bday_text_x(a) - app_px(a, 40), 0},
                       TEXT_LEFT, 0);
  return text_line_height(a->tx, h2, 1) + body + app_px(a, 36);
}

/* Progress and expiring panels get what the benefits list leaves, within
 * reason: the benefits are the part that may be cut short. */
static int row1_h(app *a, const session_member *m, int avail, int gap) {
  int n = m ? m->n_benefits : 3;
  int lh = text_line_height(a->tx, app_px(a, a->th.type_body), 0);
  int benefits = app_px(a, 110) + n * (lh + app_px(a, 10));
  int r1 = avail - gap - benefits;
  if (r1 > app_px(a, 330)) r1 = app_px(a, 330);
  if (r1 < avail / 3) r1 = avail / 3;
  /* The tier progress needs its bar: benefits give way first. */
  if (r1 < app_px(a, 270)) r1 = avail - gap < app_px(a, 270) ? avail - gap : app_px(a, 270);
  return r1;
}

/* 猜你喜欢: the central's picks share the benefits' row, one tappable line
 * (rec-<item id>) each, as many as fit. */
static void split_recs(app *a, int gap) {
  const engage *e = engage_get();
  if (e->recs_state != 2 || !e->n_recs) return;
  int half = (L.benefits.w - gap) / 2;
  L.recs = (SDL_Rect){L.benefits.x + half + gap, L.benefits.y,
                      L.benefits.w - half - gap, L.benefits.h};
  L.benefits.w = half;
  int p = app_px(a, 36), t = app_px(a, a->th.type_title - 6);
  int y = L.recs.y + p * 2 / 3 + text_line_height(a->tx, t, 1) + app_px(a, 8);
  int rh = app_px(a, 58);
  for (int i = 0; i < e->n_recs && y + rh <= L.recs.y + L.recs.h - app_px(a, 8); i++) {
    char id[48];
    snprintf(id, sizeof id, "rec-%s", e->recs[i].item_id);
    wset_add(&a->ws, id, (SDL_Rect){L.recs.x + app_px(a, 16), y,
                                    L.recs.w - app_px(a, 32), rh});
    y += rh + app_px(a, 4);
  }
}

static void layout(app *a) {
  if (session_member_of(a->ses) && engage_get()->recs_state == 0)
    engage_fetch(a, ENGAGE_TAG_RECS);
  const session_member *m = session_member_of(a->ses);
  int top = screen_header_layout(a, 1);
  int mg = app_px(a, a->th.margin), gap = app_px(a, a->th.space_l);
  int bh = app_px(a, a->th.button_h);
  memset(&L, 0, sizeof L);
  if (a->h >= a->w) {
    int W = a->w - 2 * mg;
    L.greet = (SDL_Rect){mg, top, W, greet_h(a)};
    /* In the birthday month the banner and its gift button need room too. */
    L.card = (SDL_Rect){mg, top + L.greet.h + app_px(a, 16), W,
                        W * (m && m->birthday ? 40 : 46) / 100};
    int y = L.card.y + L.card.h + gap;
    if (m && m->birthday) {
      L.bday = (SDL_Rect){mg, y, W, bday_h(a, W)};
      y += L.bday.h + gap;
    }
    L.buttons = (SDL_Rect){mg, a->h - mg - bh, W, bh};
    L.engage = (SDL_Rect){mg, L.buttons.y - app_px(a, 24) - engage_h(a), W, engage_h(a)};
    int avail = L.engage.y - gap - y;
    int r1 = row1_h(a, m, avail, gap);
    int half = (W - gap) / 2;
    L.progress = (SDL_Rect){mg, y, half, r1};
    L.expiring = (SDL_Rect){mg + half + gap, y, W - half - gap, r1};
    L.benefits = (SDL_Rect){mg, y + r1 + gap, W, avail - r1 - gap};
    split_recs(a, gap);
  } else {
    int lw = (a->w - 2 * mg - gap) * 46 / 100;
    int rx = mg + lw + gap, rw = a->w - mg - rx;
    L.greet = (SDL_Rect){mg, top, lw, greet_h(a)};
    L.buttons = (SDL_Rect){mg, a->h - mg - bh, lw, bh};
    L.engage = (SDL_Rect){mg, L.buttons.y - app_px(a, 24) - engage_h(a), lw, engage_h(a)};
    int ch = lw * 52 / 100;
    int room = L.engage.y - gap - (top + L.greet.h + app_px(a, 16));
    if (ch > room) ch = room;
    L.card = (SDL_Rect){mg, top + L.greet.h + app_px(a, 16), lw, ch};
    int y = top;
    if (m && m->birthday) {
      L.bday = (SDL_Rect){rx, y, rw, bday_h(a, rw)};
      y += L.bday.h + gap;
    }
    int avail = a->h - mg - y;
    int r1 = row1_h(a, m, avail, gap);
    int half = (rw - gap) / 2;
    L.progress = (SDL_Rect){rx, y, half, r1};
    L.expiring = (SDL_Rect){rx + half + gap, y, rw - half - gap, r1};
    L.benefits = (SDL_Rect){rx, y + r1 + gap, rw, avail - r1 - gap};
    split_recs(a, gap);
  }
  int bw = (L.buttons.w - 2 * app_px(a, 24)) / 3;
  static const char *ids[3] = {"btn-catalog", "btn-parking", "btn-checkin"};
  for (int i = 0; i < 3; i++)
    wset_add(&a->ws, ids[i],
             (SDL_Rect){L.buttons.x + i * (bw + app_px(a, 24)), L.buttons.y,
                        bw, L.buttons.h});
  /* btn-offers only while an offer runs or is coming (catalog.h). */
  static const char *eids[4] = {"btn-receipt", "btn-lottery", "btn-donate",
                                "btn-offers"};
  int ne = catalog_offer_count(a, (int64_t)time(NULL)) > 0 ? 4 : 3;
  int ew = (L.engage.w - (ne - 1) * app_px(a, 24)) / ne;
  for (int i = 0; i < ne; i++)
    wset_add(&a->ws, eids[i],
             (SDL_Rect){L.engage.x + i * (ew + app_px(a, 24)), L.engage.y, ew,
                        L.engage.h});
  /* The birthday gift, once a year, from the birthday banner. */
  const engage *e = engage_get();
  if (L.bday.w && !e->birthday_gift_claimed &&
      !(e->op == ENGAGE_BIRTHDAY && e->phase == ENGAGE_WAITING)) {
    int gw = app_px(a, 260), gh = app_px(a, 96);
    wset_add(&a->ws, "btn-birthday",
             (SDL_Rect){L.bday.x + L.bday.w - gw - app_px(a, 32),
                        L.bday.y + (L.bday.h - gh) / 2, gw, gh});
  }
}

static const char *tier_label(app *a, const char *code) {
  char key[32];
  snprintf(key, sizeof key, "tier.%s", code);
  return app_t(a, key);
}

static void draw_card_block(app *a, const session_member *m) {
  const theme *th = &a->th;
  const theme_tier *tt = &th->tier[theme_tier_index(m->tier)];
  SDL_Rect r = L.card;
  int rad = app_px(a, th->radius + 8);
  draw_shadow(a->dr, r, rad, app_px(a, 28), 150);
  draw_card(a->dr, r, rad, tt->from, tt->to);
  int p = app_px(a, 48);
  int h2 = app_px(a, th->type_h2), sm = app_px(a, th->type_small);
  int body = app_px(a, th->type_body);
  char line[160];
  tmpl_fill(line, sizeof line, app_t(a, "member.tier_card"),
            (const char *[]){"tier", tier_label(a, m->tier), NULL});
  text_draw(a->tx, h2, 1, tt->text, line, r.x + p, r.y + p * 3 / 4, TEXT_LEFT);
  text_draw(a->tx, sm, 0, tt->muted, m->id, r.x + r.w - p,
            r.y + p * 3 / 4 + app_px(a, 14), TEXT_RIGHT);
  /* Points: the largest thing on the screen. */
  int disp = app_px(a, th->type_display + 20);
  int dlh = text_line_height(a->tx, disp, 1);
  if (r.h < app_px(a, 400)) {
    disp = app_px(a, th->type_display - 10);
    dlh = text_line_height(a->tx, disp, 1);
  }
  char pts[32];
  tmpl_number(m->points, pts, sizeof pts);
  int py = r.y + r.h - p * 3 / 4 - dlh;
  int lbl_lh = text_line_height(a->tx, body, 0);
  /* A short card (landscape, under the engagement row) has no room for
   * the label between the tier and the number. */
  if (py - lbl_lh + app_px(a, 16) >= r.y + p * 3 / 4 + text_line_height(a->tx, h2, 1))
    text_draw(a->tx, body, 0, tt->muted, app_t(a, "member.points_label"),
              r.x + p, py - lbl_lh + app_px(a, 16), TEXT_LEFT);
  int pw = text_draw(a->tx, disp, 1, tt->text, pts, r.x + p, py, TEXT_LEFT);
  text_draw(a->tx, h2, 1, tt->text, app_t(a, "member.points_unit"),
            r.x + p + pw + app_px(a, 16),
            py + dlh - text_line_height(a->tx, h2, 1) - app_px(a, 12),
            TEXT_LEFT);
  if (m->checkin_streak > 0) {
    char n[16], s[96];
    snprintf(n, sizeof n, "%d", m->checkin_streak);
    tmpl_fill(s, sizeof s, app_t(a, "member.streak"),
              (const char *[]){"days", n, NULL});
    int w = 0;
    text_measure(a->tx, sm, 1, s, &w, NULL);
    widget_pill(a, r.x + r.w - p - w - sm * 4 / 3,
                r.y + p * 3 / 4 + app_px(a, 14) + text_line_height(a->tx, sm, 0) +
                    app_px(a, 8),
                s, (SDL_Color){255, 255, 255, 70}, tt->text, sm);
  }
}

static void draw_greeting(app *a, const session_member *m) {
  const theme *th = &a->th;
  char hello[160];
  tmpl_fill(hello, sizeof hello, app_t(a, "member.hello"),
            (const char *[]){"name", m->name_masked, NULL});
  int h1 = app_px(a, th->type_h1), sm = app_px(a, th->type_small);
  text_draw(a->tx, h1, 1, th->text, hello, L.greet.x, L.greet.y, TEXT_LEFT);
  text_draw(a->tx, sm, 0, th->text_muted, m->phone_masked, L.greet.x,
            L.greet.y + text_line_height(a->tx, h1, 1) - app_px(a, 4),
            TEXT_LEFT);
}

static void draw_birthday(app *a) {
  const theme *th = &a->th;
  SDL_Rect r = L.bday;
  if (!r.w) return;
  draw_card(a->dr, r, app_px(a, th->radius), th->birthday_from, th->birthday_to);
  int p = app_px(a, 40);
  int h2 = app_px(a, th->type_title), sm = app_px(a, th->type_small);
  int lh = text_line_height(a->tx, h2, 1), lh2 = text_line_height(a->tx, sm, 0);
  int bodyh = text_wrap(a->tx, sm, 0, th->birthday_text,
                        app_t(a, "member.birthday_body"),
                        (SDL_Rect){0, 0, r.w - bday_aside(r.w) - bday_text_x(a) - p, 0},
                        TEXT_LEFT, 0);
  int y = r.y + (r.h - lh - bodyh) / 2;
  /* A small cake made of shapes: the font has no emoji. */
  int cx = r.x + p, cw = app_px(a, 56), chh = app_px(a, 40);
  int cy = r.y + r.h / 2 - chh / 2 + app_px(a, 10);
  draw_rrect(a->dr, (SDL_Rect){cx, cy, cw, chh}, app_px(a, 8), th->birthday_text);
  draw_rrect(a->dr, (SDL_Rect){cx + cw / 2 - app_px(a, 3), cy - app_px(a, 26),
                               app_px(a, 6), app_px(a, 22)},
             app_px(a, 3), th->birthday_text);
  draw_circle(a->dr, cx + cw / 2, cy - app_px(a, 32), app_px(a, 6),
              (SDL_Color){255, 255, 255, 255});
  int tx = r.x + bday_text_x(a);
  text_draw(a->tx, h2, 1, th->birthday_text, app_t(a, "member.birthday_title"),
            tx, y, TEXT_LEFT);
  text_wrap(a->tx, sm, 0, th->birthday_text, app_t(a, "member.birthday_body"),
            (SDL_Rect){tx, y + lh, r.x + r.w - bday_aside(r.w) - p - tx, lh2},
            TEXT_LEFT, 1);
  (void)lh2;
}

/* Draws a panel with its title; returns the content box. */
static SDL_Rect panel(app *a, SDL_Rect r, const char *title) {
  const theme *th = &a->th;
  widget_panel(a, r, th->surface);
  int p = app_px(a, 36), t = app_px(a, th->type_title - 6);
  text_draw(a->tx, t, 1, th->text, title, r.x + p, r.y + p * 2 / 3, TEXT_LEFT);
  int head = p * 2 / 3 + text_line_height(a->tx, t, 1) + app_px(a, 12);
  return (SDL_Rect){r.x + p, r.y + head, r.w - 2 * p, r.h - head - p / 2};
}

static void draw_progress(app *a, const session_member *m) {
  const theme *th = &a->th;
  SDL_Rect c = panel(a, L.progress, app_t(a, "member.progress_title"));
  int body = app_px(a, th->type_body), sm = app_px(a, th->type_small);
  int h2 = app_px(a, th->type_h2);
  char line[200], n1[32], n2[32];
  double ratio = 1.0;
  SDL_Color bar = th->tier[theme_tier_index(m->tier)].from;
  int y = c.y;
  if (m->has_next && m->next_threshold > 0) {
    tmpl_fill(line, sizeof line, app_t(a, "member.progress_to"),
              (const char *[]){"tier", tier_label(a, m->next_tier), NULL});
    text_draw(a->tx, sm, 0, th->text_muted, line, c.x, y, TEXT_LEFT);
    y += text_line_height(a->tx, sm, 0);
    tmpl_number(m->next_missing, n1, sizeof n1);
    int w = text_draw(a->tx, h2, 1, th->text, n1, c.x, y, TEXT_LEFT);
    int lh = text_line_height(a->tx, h2, 1);
    text_draw(a->tx, sm, 1, th->text_muted, app_t(a, "member.points_word"),
              c.x + w + app_px(a, 10), y + lh - text_line_height(a->tx, sm, 1) -
                                           app_px(a, 8),
              TEXT_LEFT);
    y += lh;
    ratio = (double)m->tier_points / (double)m->next_threshold;
    bar = th->tier[theme_tier_index(m->next_tier)].from;
  } else {
    y += text_wrap(a->tx, body, 1, th->text, app_t(a, "member.progress_top"),
                   (SDL_Rect){c.x, y, c.w, 0}, TEXT_LEFT, 1);
  }
  if (ratio < 0) ratio = 0;
  if (ratio > 1) ratio = 1;
  y += app_px(a, 12);
  int bh = app_px(a, 20);
  draw_rrect(a->dr, (SDL_Rect){c.x, y, c.w, bh}, bh / 2, th->surface_hi);
  int fw = (int)(c.w * ratio);
  if (fw < bh) fw = bh;
  draw_rrect(a->dr, (SDL_Rect){c.x, y, fw, bh}, bh / 2, bar);
  y += bh + app_px(a, 12);
  tmpl_number(m->tier_points, n1, sizeof n1);
  tmpl_number(m->next_threshold, n2, sizeof n2);
  tmpl_fill(line, sizeof line,
            app_t(a, m->has_next ? "member.progress_year" : "member.progress_year_top"),
            (const char *[]){"points", n1, "threshold", n2, NULL});
  /* The yearly figure is the first thing to go when the panel is short. */
  int lh = text_wrap(a->tx, sm, 0, th->text_muted, line,
                     (SDL_Rect){c.x, y, c.w, 0}, TEXT_LEFT, 0);
  if (y + lh <= L.progress.y + L.progress.h - app_px(a, 12))
    text_wrap(a->tx, sm, 0, th->text_muted, line, (SDL_Rect){c.x, y, c.w, 0},
              TEXT_LEFT, 1);
}

static void draw_expiring(app *a, const session_member *m) {
  const theme *th = &a->th;
  SDL_Rect c = panel(a, L.expiring, app_t(a, "member.expiring_title"));
  int body = app_px(a, th->type_body), sm = app_px(a, th->type_small);
  if (!m->n_expiring) {
    text_wrap(a->tx, body, 0, th->text_muted, app_t(a, "member.expiring_none"),
              c, TEXT_LEFT, 1);
    return;
  }
  int y = c.y;
  for (int i = 0; i < m->n_expiring; i++) {
    char n[32], line[200];
    tmpl_number(m->expiring[i].points, n, sizeof n);
    tmpl_fill(line, sizeof line, app_t(a, "member.expiring_line"),
              (const char *[]){"points", n, "date", m->expiring[i].date, NULL});
    int h = text_wrap(a->tx, i ? sm : body, i == 0, i ? th->text_muted : th->accent,
                      line, (SDL_Rect){c.x, y, c.w, 0}, TEXT_LEFT, 0);
    if (y + h > c.y + c.h) break;
    text_wrap(a->tx, i ? sm : body, i == 0, i ? th->text_muted : th->accent, line,
              (SDL_Rect){c.x, y, c.w, 0}, TEXT_LEFT, 1);
    y += h + app_px(a, 12);
  }
}

static void draw_benefits(app *a, const session_member *m) {
  const theme *th = &a->th;
  char title[160];
  tmpl_fill(title, sizeof title, app_t(a, "member.benefits_title"),
            (const char *[]){"tier", tier_label(a, m->tier), NULL});
  SDL_Rect c = panel(a, L.benefits, title);
  int body = app_px(a, th->type_body);
  int y = c.y, dot = app_px(a, 8), ind = app_px(a, 36);
  int lh = text_line_height(a->tx, body, 0);
  SDL_Color mark = th->tier[theme_tier_index(m->tier)].from;
  for (int i = 0; i < m->n_benefits; i++) {
    const char *t = app_pick(a, m->benefits[i].zh, m->benefits[i].en);
    SDL_Rect box = {c.x + ind, y, c.w - ind, 0};
    int h = text_wrap(a->tx, body, 0, th->text, t, box, TEXT_LEFT, 0);
    if (y + h > c.y + c.h) break;
    draw_circle(a->dr, c.x + dot, y + lh / 2, dot, mark);
    text_wrap(a->tx, body, 0, th->text, t, box, TEXT_LEFT, 1);
    y += h + app_px(a, 10);
  }
}

static void draw_recs(app *a) {
  const engage *e = engage_get();
  const theme *th = &a->th;
  if (!L.recs.w || L.recs.h < app_px(a, 120)) return;
  panel(a, L.recs, app_t(a, "recs.title"));
  int body = app_px(a, th->type_body), sm = app_px(a, th->type_small);
  for (int i = 0; i < e->n_recs; i++) {
    char id[48], n[32], line[64];
    snprintf(id, sizeof id, "rec-%s", e->recs[i].item_id);
    const widget *w = wset_find(&a->ws, id);
    if (!w) break;
    SDL_Rect r = w->r;
    if (wset_is_pressed(&a->ws, id)) r.y += app_px(a, 4);
    draw_rrect(a->dr, r, app_px(a, th->radius_small), th->surface_hi);
    int lh = text_line_height(a->tx, body, 1);
    tmpl_number(e->recs[i].points, n, sizeof n);
    tmpl_fill(line, sizeof line, app_t(a, "recs.points"),
              (const char *[]){"points", n, NULL});
    int pw = text_draw(a->tx, sm, 1, e->recs[i].affordable ? th->accent : th->text_muted,
                       line, r.x + r.w - app_px(a, 20),
                       r.y + (r.h - text_line_height(a->tx, sm, 1)) / 2, TEXT_RIGHT);
    SDL_Rect clip = {r.x, r.y, r.w - pw - app_px(a, 36), r.h};
    SDL_RenderSetClipRect(a->ren, &clip);
    text_draw(a->tx, body, 1, th->text,
              app_pick(a, e->recs[i].name.zh, e->recs[i].name.en),
              r.x + app_px(a, 20), r.y + (r.h - lh) / 2, TEXT_LEFT);
    SDL_RenderSetClipRect(a->ren, NULL);
  }
}

/* The birthday claim's progress where its button was. */
static void birthday_status(app *a) {
  const engage *e = engage_get();
  if (!L.bday.w || wset_find(&a->ws, "btn-birthday")) return;
  const char *k = "engage.birthday.claimed";
  if (e->op == ENGAGE_BIRTHDAY && e->phase == ENGAGE_WAITING) k = "engage.birthday.waiting";
  else if (e->op == ENGAGE_BIRTHDAY && e->phase == ENGAGE_DONE)
    k = e->print == ENGAGE_PRINTING ? "engage.birthday.printing"
        : e->print == ENGAGE_PRINT_FAILED && e->print_why ? e->print_why
                                                          : "engage.birthday.done";
  int sm = app_px(a, a->th.type_small);
  int w = bday_aside(L.bday.w) - app_px(a, 32);
  SDL_Rect box = {L.bday.x + L.bday.w - w - app_px(a, 32), 0, w, 0};
  int h = text_wrap(a->tx, sm, 1, a->th.birthday_text, app_t(a, k), box, TEXT_RIGHT, 0);
  box.y = L.bday.y + (L.bday.h - h) / 2;
  text_wrap(a->tx, sm, 1, a->th.birthday_text, app_t(a, k), box, TEXT_RIGHT, 1);
}

/* The central was unreachable at scan time (app_member_offline): a pill over
 * the card says the details are from the member cache, and from when. */
static void draw_offline(app *a) {
  int64_t seen = 0;
  if (!app_member_offline(a, &seen)) return;
  char when[32] = "", s[192];
  time_t t = (time_t)seen;
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(when, sizeof when, "%m-%d %H:%M", &tm);
  tmpl_fill(s, sizeof s, app_t(a, "mcache.offline"), (const char *[]){"time", when, NULL});
  int sm = app_px(a, a->th.type_small), w = 0;
  text_measure(a->tx, sm, 1, s, &w, NULL);
  widget_pill(a, L.card.x + L.card.w - w - sm * 4 / 3,
              L.card.y - text_line_height(a->tx, sm, 1) - app_px(a, 18), s,
              a->th.accent, a->th.accent_text, sm);
}

static void paint(app *a) {
  const session_member *m = session_member_of(a->ses);
  screen_background(a);
  screen_header_draw(a, 1);
  if (!m) return;
  draw_greeting(a, m);
  draw_offline(a);
  draw_card_block(a, m);
  draw_birthday(a);
  draw_progress(a, m);
  draw_expiring(a, m);
  if (L.benefits.h >= app_px(a, 120)) draw_benefits(a, m);
  draw_recs(a);
  birthday_status(a);
  int px = app_px(a, a->th.type_title);
  widget_button(a, "btn-catalog", app_t(a, "member.catalog"), BUTTON_PRIMARY, px);
  widget_button(a, "btn-parking", app_t(a, "member.parking"), BUTTON_SECONDARY,
                px);
  widget_button(a, "btn-checkin",
                app_t(a, m->checkin_today ? "member.checked_in" : "member.checkin"),
                BUTTON_SECONDARY, px);
  int epx = app_px(a, a->th.type_body - (a->lang == APP_EN ? 4 : 0));
  /* With btn-offers four buttons share the row: the words shrink to fit. */
  static const char *elabels[4] = {"engage.btn.receipt", "engage.btn.lottery",
                                   "engage.btn.donate", "offers.btn"};
  const widget *ew = wset_find(&a->ws, "btn-offers");
  for (int i = 0; ew && i < 4; i++) {
    int tw = 0;
    for (; epx > app_px(a, 20); epx -= 2) {
      text_measure(a->tx, epx, 1, app_t(a, elabels[i]), &tw, NULL);
      if (tw <= ew->r.w - app_px(a, 24)) break;
    }
  }
  widget_button(a, "btn-receipt", app_t(a, "engage.btn.receipt"), BUTTON_GHOST, epx);
  widget_button(a, "btn-lottery", app_t(a, "engage.btn.lottery"), BUTTON_GHOST, epx);
  widget_button(a, "btn-donate", app_t(a, "engage.btn.donate"), BUTTON_GHOST, epx);
  widget_button(a, "btn-offers", app_t(a, "offers.btn"), BUTTON_GHOST, epx);
  widget_button(a, "btn-birthday", app_t(a, "engage.btn.birthday"),
                BUTTON_PRIMARY, epx);
}

static void click(app *a, const char *id) {
  const session_member *m = session_member_of(a->ses);
  if (screen_header_click(a, id)) return;
  if (!strcmp(id, "btn-catalog")) {
    screen_push(a, &scr_catalog);
    return;
  }
  if (!strcmp(id, "btn-checkin")) {
    screen_push(a, &scr_checkin); /* its enter posts the check-in */
    return;
  }
  if (!strcmp(id, "btn-parking")) screen_push(a, &scr_parking);
  if (engage_busy()) return; /* the birthday gift's answer is on its way */
  if (!strcmp(id, "btn-receipt")) screen_push(a, &scr_receipt);
  if (!strcmp(id, "btn-lottery")) screen_push(a, &scr_lottery);
  if (!strcmp(id, "btn-donate")) screen_push(a, &scr_donate);
  if (!strcmp(id, "btn-offers")) screen_push(a, &scr_offers);
  if (!strncmp(id, "rec-", 4)) {
    if (catalog_find(a, id + 4)) {
      jui_select(id + 4);
      screen_push(a, &scr_item);
    } else {
      screen_push(a, &scr_catalog); /* the catalog is still loading */
    }
  }
  if (!strcmp(id, "btn-birthday") && m && !engage_busy())
    engage_claim(a, ENGAGE_BIRTHDAY, json_pack("{s:s}", "member_id", m->id));
}

const screen_ops scr_member = {
    .name = "member", .layout = layout, .draw = paint, .click = click};
