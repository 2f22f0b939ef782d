/* Donations (公益积分): the charity projects with what members gave so far
 * and the mall's total (GET /v1/charities); the member picks a project
 * (charity-<id>) and the points in steps (qty-plus, qty-minus), confirms
 * (btn-confirm, POST /v1/donations) and gets the thank-you with the
 * donation's number, and a printed thank-you slip (the printer's "thanks"
 * layout, drivers/printer/prn_slip.h: project, points, the mall's total for
 * the project, date, masked member id, a QR of the donation id), handed to
 * the printer worker once per donation. REALITY: the printer worker's
 * answer comes back to engage.c, which only follows voucher slips, so the
 * screen says the slip is printing, not whether it came out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "engage.h"
#include "jui.h"
#include "klog.h"
#include "prnw.h"
#include "screen.h"
#include "tmpl.h"
#include "txn.h"

static const int64_t steps[] = {10, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
#define NSTEPS ((int)(sizeof steps / sizeof steps[0]))

static struct {
  int top;
  int step;      /* index into steps */
  char pick[16]; /* the chosen project */
  char slip_for[32]; /* the donation whose thank-you slip went to the printer */
  int slip;          /* 1 handed to the printer, -1 could not be */
  SDL_Rect banner, list, amount, buttons, result;
} D;

/* The thank-you slip of the donation on screen (the central's answer),
 * once: the printer worker journals and prints it off the UI thread. */
static void print_slip(app *a, const engage *e) {
  const json_t *ans = e->answer;
  const char *id = json_string_value(json_object_get(ans, "donation_id"));
  const session_member *m = session_member_of(a->ses);
  if (e->op != ENGAGE_DONATION || e->phase != ENGAGE_DONE || !id || !m ||
      !strcmp(id, D.slip_for))
    return;
  snprintf(D.slip_for, sizeof D.slip_for, "%s", id);
  const json_t *nm = json_object_get(ans, "charity_name");
  const char *zh = json_string_value(json_object_get(nm, "zh"));
  const char *en = json_string_value(json_object_get(nm, "en"));
  time_t at = (time_t)json_integer_value(json_object_get(ans, "created_at"));
  if (at <= 0) at = time(NULL);
  struct tm tm;
  char when[32];
  localtime_r(&at, &tm);
  strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
  json_int_t bal = json_integer_value(json_object_get(ans, "points_balance"));
  json_t *j = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s}", "kind",
      "thanks", "mall_name_zh",
      a->mall[APP_ZH][0] ? a->mall[APP_ZH] : app_t(a, "header.mall_default"),
      "mall_name_en", a->mall[APP_EN], "item_name_zh", zh ? zh : "",
      "item_name_en", en ? en : "", "points_charged",
      json_integer_value(json_object_get(ans, "points")), "points_balance",
      bal < 0 ? 0 : bal, "project_total",
      json_integer_value(json_object_get(ans, "charity_total_points")),
      "member_id", m->id, "voucher_code", id, "kiosk_id", a->cfg.kiosk_id,
      "time", when);
  char *slip = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  prnw *pw = txn_printer(a);
  int rc = slip && pw ? prnw_submit(pw, id, id, m->id, slip, 1) : KERR_NOMEM;
  free(slip);
  D.slip = rc == KERR_OK ? 1 : -1;
  if (rc == KERR_OK)
    klog_info("donate", "thank-you slip handed to the printer");
  else
    klog_warn("donate", "no thank-you slip: %s", pw ? kerr_str(rc) : "no printer");
}

static void enter(app *a) {
  engage_clear();
  D.slip = 0;
  D.step = 2;
  D.pick[0] = '\0';
  engage_fetch(a, ENGAGE_TAG_CHARITIES);
}

static void exit_(app *a) {
  (void)a;
  if (!engage_busy()) engage_clear();
}

static int card_h(app *a) { return app_px(a, a->w > a->h ? 160 : 190); }

static void layout(app *a) {
  const engage *e = engage_get();
  print_slip(a, e);
  int top = screen_header_layout(a, 1);
  D.top = top;
  int y = jui_title_layout(a, top);
  int mg = app_px(a, a->th.margin), bh = app_px(a, a->th.button_h);
  int gap = app_px(a, a->th.space_m);
  int land = a->w > a->h;
  if (!D.pick[0] && e->n_charities > 0)
    snprintf(D.pick, sizeof D.pick, "%s", e->charities[0].id);
  int lw = land ? (a->w - 2 * mg) * 56 / 100 : a->w - 2 * mg;
  D.banner = (SDL_Rect){mg, y, lw, app_px(a, 120)};
  D.list = (SDL_Rect){mg, y + D.banner.h + gap, lw, 0};
  int ch = card_h(a);
  for (int i = 0; i < e->n_charities; i++) {
    char id[32];
    snprintf(id, sizeof id, "charity-%s", e->charities[i].id);
    if (e->phase != ENGAGE_DONE)
      wset_add(&a->ws, id, (SDL_Rect){D.list.x, D.list.y + i * (ch + gap), lw, ch});
  }
  D.list.h = e->n_charities * (ch + gap);
  int rx = land ? mg + lw + app_px(a, 48) : mg;
  int rw = land ? a->w - mg - rx : a->w - 2 * mg;
  D.buttons = (SDL_Rect){rx, a->h - mg - bh, rw, bh};
  int ay = land ? y : D.list.y + D.list.h + gap;
  D.amount = (SDL_Rect){rx, ay, rw, app_px(a, 230)};
  /* The thank-you takes the list's place in portrait. */
  D.result = (SDL_Rect){rx, y + app_px(a, land ? 0 : 80), rw, D.buttons.y - y};
  if (e->phase == ENGAGE_WAITING) return;
  if (e->phase == ENGAGE_DONE) {
    wset_add(&a->ws, "btn-done", D.buttons);
    return;
  }
  int sq = app_px(a, 120);
  int my = D.amount.y + app_px(a, 70);
  wset_add(&a->ws, "qty-minus", (SDL_Rect){D.amount.x, my, sq, sq});
  wset_add(&a->ws, "qty-plus", (SDL_Rect){D.amount.x + D.amount.w - sq, my, sq, sq});
  int w = (rw - app_px(a, 32)) / 2;
  wset_add(&a->ws, "btn-cancel", (SDL_Rect){rx, D.buttons.y, w, bh});
  if (e->charities_state == 2 && D.pick[0])
    wset_add(&a->ws, e->phase == ENGAGE_FAILED ? "btn-retry" : "btn-confirm",
             (SDL_Rect){rx + w + app_px(a, 32), D.buttons.y, w, bh});
}

static void banner(app *a, const engage *e) {
  const theme *th = &a->th;
  draw_card(a->dr, D.banner, app_px(a, th->radius), th->birthday_from,
            th->birthday_to);
  char n1[32], n2[32], line[200];
  tmpl_number(e->mall_total, n1, sizeof n1);
  tmpl_number(e->mall_donors, n2, sizeof n2);
  tmpl_fill(line, sizeof line, app_t(a, "donate.mall_total"),
            (const char *[]){"points", n1, "donors", n2, NULL});
  int px = app_px(a, a->w > a->h ? th->type_body : th->type_title);
  SDL_Rect box = {D.banner.x + app_px(a, 36), 0, D.banner.w - app_px(a, 72), 0};
  int h = text_wrap(a->tx, px, 1, th->birthday_text, line, box, TEXT_LEFT, 0);
  box.y = D.banner.y + (D.banner.h - h) / 2;
  text_wrap(a->tx, px, 1, th->birthday_text, line, box, TEXT_LEFT, 1);
}

static void cards(app *a, const engage *e) {
  const theme *th = &a->th;
  int body = app_px(a, th->type_body), sm = app_px(a, th->type_small);
  int p = app_px(a, 28);
  for (int i = 0; i < e->n_charities; i++) {
    const engage_charity *c = &e->charities[i];
    char id[32], n1[32], n2[32], line[200];
    snprintf(id, sizeof id, "charity-%s", c->id);
    const widget *w = wset_find(&a->ws, id);
    SDL_Rect r = w ? w->r
                   : (SDL_Rect){D.list.x, D.list.y + i * (card_h(a) + app_px(a, th->space_m)),
                                D.list.w, card_h(a)};
    int chosen = !strcmp(c->id, D.pick);
    widget_panel(a, r, chosen ? th->surface_hi : th->surface);
    if (chosen)
      draw_rrect_outline(a->dr, r, app_px(a, th->radius), app_px(a, 4), th->accent);
    int y = r.y + p * 2 / 3;
    text_draw(a->tx, body, 1, th->text, app_pick(a, c->name.zh, c->name.en),
              r.x + p, y, TEXT_LEFT);
    /* Given so far of the goal, and by how many, top right. */
    char given[96];
    tmpl_number(c->donated, n1, sizeof n1);
    tmpl_number(c->goal, n2, sizeof n2);
    tmpl_fill(given, sizeof given, app_t(a, "donate.progress"),
              (const char *[]){"points", n1, "goal", n2, NULL});
    tmpl_number(c->donors, n1, sizeof n1);
    tmpl_fill(line, sizeof line, app_t(a, "donate.donors"),
              (const char *[]){"donors", n1, NULL});
    int dw = text_draw(a->tx, sm, 0, th->text_muted, line, r.x + r.w - p,
                       y + app_px(a, 4), TEXT_RIGHT);
    text_draw(a->tx, sm, 1, th->text, given, r.x + r.w - p - dw - app_px(a, 24),
              y + app_px(a, 4), TEXT_RIGHT);
    y += text_line_height(a->tx, body, 1);
    text_draw(a->tx, sm, 0, th->text_muted, app_pick(a, c->desc.zh, c->desc.en),
              r.x + p, y, TEXT_LEFT);
    y += text_line_height(a->tx, sm, 0) + app_px(a, 8);
    int bh = app_px(a, 14), bw = r.w - 2 * p;
    double ratio = c->goal > 0 ? (double)c->donated / (double)c->goal : 0;
    if (ratio > 1) ratio = 1;
    y = r.y + r.h - p * 2 / 3 - bh;
    draw_rrect(a->dr, (SDL_Rect){r.x + p, y, bw, bh}, bh / 2, th->bg_top);
    int fw = (int)(bw * ratio);
    if (fw > 0)
      draw_rrect(a->dr, (SDL_Rect){r.x + p, y, fw < bh ? bh : fw, bh}, bh / 2,
                 th->success);
  }
}

static void amount(app *a) {
  const theme *th = &a->th;
  int body = app_px(a, th->type_body), disp = app_px(a, th->type_h1);
  text_draw(a->tx, body, 1, th->text_muted, app_t(a, "donate.amount"), D.amount.x,
            D.amount.y, TEXT_LEFT);
  widget_button(a, "qty-minus", "−", BUTTON_SECONDARY, app_px(a, th->type_h2));
  widget_button(a, "qty-plus", "+", BUTTON_SECONDARY, app_px(a, th->type_h2));
  char n[32], line[64];
  tmpl_number(steps[D.step], n, sizeof n);
  tmpl_fill(line, sizeof line, app_t(a, "donate.points"),
            (const char *[]){"points", n, NULL});
  int my = D.amount.y + app_px(a, 70) + app_px(a, 60);
  text_draw(a->tx, disp, 1, th->accent, line, D.amount.x + D.amount.w / 2,
            my - text_line_height(a->tx, disp, 1) / 2, TEXT_CENTER);
}

static void result(app *a, const engage *e) {
  const theme *th = &a->th;
  int h1 = app_px(a, th->type_h1), h2 = app_px(a, th->type_h2);
  int body = app_px(a, th->type_body);
  SDL_Rect box = D.result;
  int y = box.y + app_px(a, 20);
  int r = app_px(a, 70);
  jui_mark(a, box.x + box.w / 2, y + r, r, JUI_OK);
  y += 2 * r + app_px(a, 50);
  char line[256], n1[32], n2[32];
  y += text_wrap(a->tx, h1, 1, th->text, app_t(a, "donate.thanks"),
                 (SDL_Rect){box.x, y, box.w, 0}, TEXT_CENTER, 1);
  const json_t *ans = e->answer;
  const json_t *nm = json_object_get(ans, "charity_name");
  tmpl_number(json_integer_value(json_object_get(ans, "points")), n1, sizeof n1);
  tmpl_fill(line, sizeof line, app_t(a, "donate.gave"),
            (const char *[]){"points", n1, "charity",
                             app_pick(a, json_string_value(json_object_get(nm, "zh")),
                                      json_string_value(json_object_get(nm, "en"))),
                             NULL});
  y += app_px(a, 12) + text_wrap(a->tx, h2 * 3 / 4, 1, th->accent, line,
                                 (SDL_Rect){box.x, y + app_px(a, 12), box.w, 0},
                                 TEXT_CENTER, 1);
  const char *sid = json_string_value(json_object_get(ans, "donation_id"));
  tmpl_fill(line, sizeof line, app_t(a, "donate.slip_id"),
            (const char *[]){"id", sid ? sid : "", NULL});
  y += app_px(a, 24);
  y += text_wrap(a->tx, h2 * 3 / 4, 1, th->text, line, (SDL_Rect){box.x, y, box.w, 0},
                 TEXT_CENTER, 1);
  y += app_px(a, 8) + text_wrap(a->tx, body, 0, th->text_muted,
                                app_t(a, D.slip == 1 ? "donate.slip_printing"
                                                     : "donate.no_slip"),
                                (SDL_Rect){box.x, y + app_px(a, 8), box.w, 0},
                                TEXT_CENTER, 1);
  tmpl_number(json_integer_value(json_object_get(ans, "charity_total_points")), n1,
              sizeof n1);
  tmpl_number(json_integer_value(json_object_get(ans, "points_balance")), n2, sizeof n2);
  tmpl_fill(line, sizeof line, app_t(a, "donate.after"),
            (const char *[]){"total", n1, "balance", n2, NULL});
  text_wrap(a->tx, body, 0, th->text_muted, line,
            (SDL_Rect){box.x, y + app_px(a, 24), box.w, 0}, TEXT_CENTER, 1);
}

static void paint(app *a) {
  const theme *th = &a->th;
  const engage *e = engage_get();
  screen_background(a);
  screen_header_draw(a, 1);
  jui_title_draw(a, D.top, app_t(a, "donate.title"));
  if (e->charities_state != 2) {
    if (e->charities_state == -1)
      text_wrap(a->tx, app_px(a, th->type_h2), 1, th->danger,
                app_t(a, "engage.why.network"), D.list, TEXT_CENTER, 1);
    else
      jui_spinner(a, a->w / 2, a->h / 2, app_px(a, 80), th->accent);
  } else if (e->phase == ENGAGE_DONE) {
    if (a->w > a->h) {
      banner(a, e);
      cards(a, e);
    }
    result(a, e);
  } else {
    banner(a, e);
    cards(a, e);
    amount(a);
    if (e->phase == ENGAGE_WAITING)
      jui_spinner(a, D.amount.x + D.amount.w / 2, D.amount.y + D.amount.h + app_px(a, 80),
                  app_px(a, 50), th->accent);
    if (e->phase == ENGAGE_REJECTED || e->phase == ENGAGE_FAILED)
      text_wrap(a->tx, app_px(a, th->type_body), 1, th->danger, app_t(a, e->why),
                (SDL_Rect){D.amount.x, D.amount.y + D.amount.h + app_px(a, 20),
                           D.amount.w, 0},
                TEXT_CENTER, 1);
  }
  int px = app_px(a, th->type_title);
  widget_button(a, "btn-cancel", app_t(a, "engage.cancel"), BUTTON_SECONDARY, px);
  widget_button(a, "btn-confirm", app_t(a, "donate.confirm"), BUTTON_PRIMARY, px);
  widget_button(a, "btn-retry", app_t(a, "engage.retry"), BUTTON_PRIMARY, px);
  widget_button(a, "btn-done", app_t(a, "result.done"), BUTTON_PRIMARY, px);
}

static void click(app *a, const char *id) {
  if (screen_header_click(a, id)) return;
  const session_member *m = session_member_of(a->ses);
  if (!strncmp(id, "charity-", 8)) {
    snprintf(D.pick, sizeof D.pick, "%s", id + 8);
    if (engage_get()->phase != ENGAGE_WAITING) engage_clear();
  } else if (!strcmp(id, "qty-plus")) {
    if (D.step + 1 < NSTEPS && (!m || steps[D.step + 1] <= m->points)) D.step++;
  } else if (!strcmp(id, "qty-minus")) {
    if (D.step > 0) D.step--;
  } else if (!strcmp(id, "btn-confirm") && m && D.pick[0]) {
    engage_claim(a, ENGAGE_DONATION,
                 json_pack("{s:s, s:s, s:I}", "member_id", m->id, "charity_id",
                           D.pick, "points", (json_int_t)steps[D.step]));
  } else if (!strcmp(id, "btn-retry")) {
    engage_retry(a);
  } else if (!strcmp(id, "btn-done")) {
    engage_clear();
    screen_home(a);
    return;
  } else if (!strcmp(id, "btn-cancel") || !strcmp(id, "btn-back")) {
    if (engage_busy()) return; /* the answer is on its way */
    engage_clear();
    screen_home(a);
    return;
  }
  screen_relayout(a);
}

const screen_ops scr_donate = {.name = "donate",
                               .enter = enter,
                               .exit = exit_,
                               .layout = layout,
                               .draw = paint,
                               .click = click};
