/* The out-of-service screen (storage.h): the state dir cannot save, so no
 * visit starts. It says so to members in both languages' words
 * (storage.po), names the cause and the directory for staff, and says what
 * staff should do. The kiosk leaves it by itself when the fault clears
 * (app.c, storage_step). The admin gesture still opens the admin screen. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "hold.h"
#include "jui.h"
#include "storage.h"
#include "tmpl.h"

static struct {
  int top;
  SDL_Rect card;
} L;

static void layout(app *a) {
  L.top = screen_header_layout(a, 0);
  wset_add(&a->ws, "admin-gesture", (SDL_Rect){0, 0, app_px(a, 220), L.top});
  int m = app_px(a, a->th.margin);
  int w = a->w - 2 * m;
  int h = a->h - L.top - 2 * m;
  L.card = (SDL_Rect){m, L.top + m, w, h};
}

static storage_fault fault_of(const app *a) {
  /* Start-up without a queue and no verdict yet reads as the watcher saw. */
  return a->store_fault != STORAGE_OK ? (storage_fault)a->store_fault : STORAGE_IOERR;
}

static void paint(app *a) {
  const theme *th = &a->th;
  screen_background(a);
  screen_header_draw(a, 0);
  widget_panel(a, L.card, th->surface);
  int p = app_px(a, 56);
  int cx = a->w / 2, y = L.card.y + p;
  int r = app_px(a, 64);
  jui_mark(a, cx, y + r, r, JUI_FAIL);
  y += 2 * r + p / 2;
  SDL_Rect box = {L.card.x + p, y, L.card.w - 2 * p, 0};
  int h1 = app_px(a, th->type_h1), h2 = app_px(a, th->type_h2);
  int body = app_px(a, th->type_body), sm = app_px(a, th->type_small);
  storage_fault f = fault_of(a);
  y += text_wrap(a->tx, h1, 1, th->danger, app_t(a, "storage.title"), box,
                 TEXT_CENTER, 1);
  box.y = y + p / 3;
  y = box.y + text_wrap(a->tx, h2, 1, th->text, app_t(a, storage_cause_msgid(f)), box,
                        TEXT_CENTER, 1);
  box.y = y + p / 3;
  y = box.y + text_wrap(a->tx, body, 0, th->text_muted, app_t(a, "storage.member"),
                        box, TEXT_CENTER, 1);
  /* For staff: what to do, then the folder. */
  box.y = y + p;
  char v[768];
  y = box.y + text_wrap(a->tx, body, 1, th->text, app_t(a, "storage.staff.title"), box,
                        TEXT_LEFT, 1);
  const char *todo = f == STORAGE_FULL       ? "storage.staff.full"
                     : f == STORAGE_READONLY ? "storage.staff.readonly"
                                             : "storage.staff.io";
  box.y = y + p / 4;
  y = box.y + text_wrap(a->tx, body, 0, th->text, app_t(a, todo), box, TEXT_LEFT, 1);
  tmpl_fill(v, sizeof v, app_t(a, "storage.staff.dir"),
            (const char *[]){"dir", a->state_dir, NULL});
  box.y = y + p / 4;
  y = box.y + text_wrap(a->tx, sm, 0, th->text_muted, v, box, TEXT_LEFT, 1);
  box.y = y + p / 4;
  y = box.y + text_wrap(a->tx, sm, 0, th->text_muted, app_t(a, "storage.staff.auto"),
                        box, TEXT_LEFT, 1);
  if (a->notice[0]) { /* a scan refused just now */
    box.y = y + p;
    text_wrap(a->tx, body, 1, th->accent, app_t(a, a->notice), box, TEXT_CENTER, 1);
  }
}

/* The admin screen as from attract: a hold on the mall logo (hold.h). */
static uint64_t hold_since;

static int event(app *a, const SDL_Event *ev) {
  hold_event(a, ev, &hold_since);
  return 0;
}

static uint64_t tick(app *a, uint64_t now) { return hold_tick(a, now, &hold_since); }

static void click(app *a, const char *id) {
  if (!strcmp(id, "admin-gesture")) {
    if (a->script) screen_push(a, &scr_admin);
    return;
  }
  screen_header_click(a, id);
}

const screen_ops scr_storage = {.name = "storage",
                                .layout = layout,
                                .draw = paint,
                                .click = click,
                                .event = event,
                                .tick = tick};
