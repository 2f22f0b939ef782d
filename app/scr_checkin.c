/* The check-in screen: the check-in goes through the queue on entry; then
 * the points awarded and the streak (连续签到 N 天) with the week's seven
 * days, or that the member already checked in today, or that the points
 * arrive once the kiosk is back online. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "engage.h"
#include "jui.h"
#include "klog.h"
#include "screen.h"
#include "tmpl.h"
#include "txn.h"

static struct {
  int local_already; /* the profile already said today: nothing was sent */
  int streak;
  SDL_Rect mark, text, buttons;
} S;

static void enter(app *a) {
  const session_member *m = session_member_of(a->ses);
  S.local_already = 0;
  if (!m) return;
  if (m->checkin_today) {
    S.local_already = 1;
    S.streak = m->checkin_streak;
    txn_clear(a);
    klog_info("checkin", "already checked in today (streak %d)", S.streak);
    return;
  }
  txn_checkin(a);
}

static void layout(app *a) {
  int top = screen_header_layout(a, 1);
  int mg = app_px(a, a->th.margin), bh = app_px(a, a->th.button_h);
  int r = app_px(a, 120);
  int my = a->h >= a->w ? top + app_px(a, 260) : top + app_px(a, 150);
  S.mark = (SDL_Rect){a->w / 2 - r, my - r, 2 * r, 2 * r};
  int tw = a->w >= a->h ? a->w * 60 / 100 : a->w - 2 * mg;
  S.text = (SDL_Rect){(a->w - tw) / 2, my + r + app_px(a, 70), tw, 0};
  S.buttons = (SDL_Rect){(a->w - tw) / 2, a->h - mg - bh, tw, bh};
  if (!txn_busy(a)) wset_add(&a->ws, "btn-done", S.buttons);
}

/* The last seven days from the profile (checkin.calendar), today last:
 * the day of the month in each dot, filled when checked in. */
static void calendar(app *a, int y) {
  const theme *th = &a->th;
  const engage *e = engage_get();
  int d = app_px(a, 84), gap = app_px(a, 22);
  int x = a->w / 2 - (7 * d + 6 * gap) / 2;
  int sm = app_px(a, th->type_small);
  for (int i = 0; i < 7; i++) {
    int cx = x + i * (d + gap) + d / 2, on = e->calendar[i].checked_in;
    if (i == 6) draw_circle(a->dr, cx, y + d / 2, d / 2 + app_px(a, 6), th->text);
    draw_circle(a->dr, cx, y + d / 2, d / 2, on ? th->accent : th->surface_hi);
    const char *day = strlen(e->calendar[i].date) == 10 ? e->calendar[i].date + 8 : "";
    char num[4];
    snprintf(num, sizeof num, "%s", day[0] == '0' ? day + 1 : day);
    text_draw(a->tx, sm, 1, on ? th->accent_text : th->text_muted, num, cx,
              y + d / 2 - text_line_height(a->tx, sm, 1) / 2, TEXT_CENTER);
  }
}

/* Seven dots: the days of the current run toward the seventh-day bonus. */
static void week(app *a, int streak, int y) {
  const theme *th = &a->th;
  if (engage_get()->has_calendar) {
    calendar(a, y);
    return;
  }
  int n = streak <= 0 ? 0 : (streak - 1) % 7 + 1;
  int d = app_px(a, 64), gap = app_px(a, 28);
  int x = a->w / 2 - (7 * d + 6 * gap) / 2;
  int sm = app_px(a, th->type_small);
  for (int i = 0; i < 7; i++) {
    int cx = x + i * (d + gap) + d / 2;
    SDL_Color c = i < n ? th->accent : th->surface_hi;
    draw_circle(a->dr, cx, y + d / 2, d / 2, c);
    char num[8];
    snprintf(num, sizeof num, "%d", i + 1);
    text_draw(a->tx, sm, 1, i < n ? th->accent_text : th->text_muted, num, cx,
              y + d / 2 - text_line_height(a->tx, sm, 1) / 2, TEXT_CENTER);
  }
}

static void paint(app *a) {
  const theme *th = &a->th;
  const txn_view *v = txn_current(a);
  screen_background(a);
  screen_header_draw(a, 1);
  int cx = S.mark.x + S.mark.w / 2, cy = S.mark.y + S.mark.h / 2, r = S.mark.w / 2;
  int h1 = app_px(a, th->type_h1), disp = app_px(a, th->type_display);
  int body = app_px(a, th->type_body), h2 = app_px(a, th->type_h2);
  const char *title = "checkin.failed.title", *note = "checkin.failed.body";
  int streak = S.streak, show_points = 0;
  txn_phase ph = S.local_already ? TXN_DONE : v ? v->phase : TXN_NONE;
  if (ph == TXN_SAVING || ph == TXN_WAITING || ph == TXN_NONE) {
    jui_spinner(a, cx, cy, r * 3 / 4, th->accent);
    title = "checkin.waiting";
    note = NULL;
  } else if (ph == TXN_DONE) {
    int already = S.local_already || (v && v->already);
    if (!S.local_already && v) streak = v->streak;
    jui_mark(a, cx, cy, r, already ? JUI_CLOCK : JUI_OK);
    title = already ? "checkin.already.title" : "checkin.done.title";
    note = already ? "checkin.already.body" : NULL;
    show_points = !already;
  } else if (ph == TXN_QUEUED) {
    jui_mark(a, cx, cy, r, JUI_CLOCK);
    title = "checkin.queued.title";
    note = "checkin.queued.body";
  } else {
    jui_mark(a, cx, cy, r, JUI_FAIL);
  }
  int y = S.text.y;
  y += text_wrap(a->tx, h1, 1, th->text, app_t(a, title), S.text, TEXT_CENTER, 1);
  char n[32], line[160];
  if (show_points) {
    snprintf(n, sizeof n, "%d", v->points_awarded);
    tmpl_fill(line, sizeof line, app_t(a, "checkin.points"),
              (const char *[]){"points", n, NULL});
    text_draw(a->tx, disp, 1, th->accent, line, a->w / 2, y, TEXT_CENTER);
    y += text_line_height(a->tx, disp, 1);
  }
  if (streak > 0 && ph == TXN_DONE) {
    snprintf(n, sizeof n, "%d", streak);
    tmpl_fill(line, sizeof line, app_t(a, "member.streak"),
              (const char *[]){"days", n, NULL});
    y += app_px(a, 12);
    text_draw(a->tx, h2, 1, th->text, line, a->w / 2, y, TEXT_CENTER);
    y += text_line_height(a->tx, h2, 1) + app_px(a, 24);
    week(a, streak, y);
    y += app_px(a, engage_get()->has_calendar ? 84 : 64) + app_px(a, 24);
    const engage *e = engage_get();
    const char *hint = app_t(a, "checkin.bonus_hint");
    if (e->bonus_points > 0 && e->bonus_next_in > 0) {
      char dd[16], pp[16];
      snprintf(dd, sizeof dd, "%d", e->bonus_next_in);
      snprintf(pp, sizeof pp, "%d", e->bonus_points);
      tmpl_fill(line, sizeof line, app_t(a, "checkin.next_bonus"),
                (const char *[]){"days", dd, "points", pp, NULL});
      hint = line;
    }
    y += text_wrap(a->tx, app_px(a, th->type_small), 0, th->text_muted, hint,
                   (SDL_Rect){S.text.x, y, S.text.w, 0}, TEXT_CENTER, 1);
  }
  if (note) {
    y += app_px(a, 24);
    text_wrap(a->tx, body, 0, th->text_muted, app_t(a, note),
              (SDL_Rect){S.text.x, y, S.text.w, 0}, TEXT_CENTER, 1);
  }
  const session_member *m = session_member_of(a->ses);
  if (m && ph == TXN_DONE) {
    tmpl_number(m->points, n, sizeof n);
    tmpl_fill(line, sizeof line, app_t(a, "checkin.balance"),
              (const char *[]){"points", n, NULL});
    text_draw(a->tx, body, 1, th->text_muted, line, a->w / 2,
              S.buttons.y - app_px(a, 40) - text_line_height(a->tx, body, 1),
              TEXT_CENTER);
  }
  widget_button(a, "btn-done", app_t(a, "result.done"), BUTTON_PRIMARY,
                app_px(a, th->type_title));
}

static void click(app *a, const char *id) {
  if (screen_header_click(a, id)) return;
  if (!strcmp(id, "btn-done")) {
    txn_clear(a);
    screen_home(a);
  }
}

const screen_ops scr_checkin = {.name = "checkin",
                                .enter = enter,
                                .layout = layout,
                                .draw = paint,
                                .click = click};
