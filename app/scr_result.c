/* The result screen of a redemption or a parking coupon: waiting for the
 * central with a progress animation, printing, then 请取走您的凭证 (or
 * 请取走停车券 with the plate, the hours covered, the free hours and the
 * points); or the reason it did not work and what happens now (refused,
 * queued until online, printer fault with the slip kept for the service
 * desk). A parking coupon has its own words throughout (parking.po). */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "catalog.h"
#include "jui.h"
#include "screen.h"
#include "storage.h"
#include "tmpl.h"
#include "txn.h"

static struct {
  SDL_Rect mark, text, buttons;
} S;

/* A save that failed on a disk fault says which (storage.h): the watcher
 * is asked to look at once when it happens (app.c). */
static const char *why_of(const app *a, const txn_view *v) {
  if (v->phase != TXN_FAILED || strcmp(v->why, "result.error.save") != 0)
    return v->why;
  switch ((storage_fault)a->store_fault) {
  case STORAGE_FULL: return "storage.result.full";
  case STORAGE_READONLY: return "storage.result.readonly";
  case STORAGE_IOERR: return "storage.result.io";
  case STORAGE_OK: break;
  }
  return v->why;
}

static void layout(app *a) {
  const txn_view *v = txn_current(a);
  int top = screen_header_layout(a, 1);
  int mg = app_px(a, a->th.margin), bh = app_px(a, a->th.button_h);
  int land = a->w > a->h;
  int r = app_px(a, land ? 80 : 120);
  int my = land ? top + app_px(a, 100) : top + app_px(a, 260);
  S.mark = (SDL_Rect){a->w / 2 - r, my - r, 2 * r, 2 * r};
  /* Landscape: wide enough that a title stays on one line and the summary
   * still fits above the buttons. */
  int tw = a->w >= a->h ? a->w * 76 / 100 : a->w - 2 * mg;
  S.text = (SDL_Rect){(a->w - tw) / 2, my + r + app_px(a, land ? 50 : 70), tw, 0};
  S.buttons = (SDL_Rect){mg, a->h - mg - bh, a->w - 2 * mg, bh};
  if (!v || txn_busy(a)) return;
  if (a->w >= a->h) S.buttons = (SDL_Rect){(a->w - tw) / 2, a->h - mg - bh, tw, bh};
  /* Back to the catalog for another gift, or done. */
  int w = (S.buttons.w - app_px(a, 32)) / 2;
  wset_add(&a->ws, "btn-back", (SDL_Rect){S.buttons.x, S.buttons.y, w, bh});
  wset_add(&a->ws, "btn-done",
           (SDL_Rect){S.buttons.x + w + app_px(a, 32), S.buttons.y, w, bh});
}

static const char *title_of(const txn_view *v) {
  int pk = v->kind == OUTBOX_PARKING;
  if (v->provisional && v->phase == TXN_DONE) return "offline.result.title";
  switch (v->phase) {
  case TXN_NONE:
  case TXN_SAVING:
  case TXN_WAITING: return pk ? "parking.result.waiting.title" : "result.waiting.title";
  case TXN_PRINTING: return pk ? "parking.result.printing.title" : "result.printing.title";
  case TXN_DONE: return pk ? "parking.result.done.title" : "result.done.title";
  case TXN_REJECTED: return pk ? "parking.result.rejected.title" : "result.rejected.title";
  case TXN_QUEUED: return pk ? "parking.result.queued.title" : "result.queued.title";
  case TXN_PRINT_FAILED:
    return pk ? "parking.result.print_failed.title" : "result.print_failed.title";
  case TXN_FAILED: break;
  }
  return "result.failed.title";
}

static const char *body_of(const txn_view *v) {
  int pk = v->kind == OUTBOX_PARKING;
  /* A 待确认 slip: what happens to it and to the points. */
  if (v->provisional && (v->phase == TXN_PRINTING || v->phase == TXN_DONE))
    return "offline.result.body";
  switch (v->phase) {
  case TXN_NONE:
  case TXN_SAVING:
  case TXN_WAITING:
    if (v->retrying) return "result.waiting.retrying";
    return pk ? "parking.result.waiting.body" : "result.waiting.body";
  case TXN_PRINTING: return pk ? "parking.result.printing.body" : "result.printing.body";
  case TXN_DONE: return pk ? "parking.result.done.body" : "result.done.body";
  case TXN_REJECTED: return pk ? "parking.result.rejected.body" : "result.rejected.body";
  case TXN_QUEUED: return pk ? "parking.result.queued.body" : "result.queued.body";
  case TXN_PRINT_FAILED:
    return pk ? "parking.result.print_failed.body" : "result.print_failed.body";
  case TXN_FAILED: break;
  }
  return "result.failed.body";
}

/* What the points did: taken (with the balance), kept, or pending. */
static void points_line(app *a, const txn_view *v, char *line, size_t cap) {
  char n1[32], n2[32];
  if (v->has_balance) {
    tmpl_number(v->points_charged, n1, sizeof n1);
    tmpl_number(v->points_balance, n2, sizeof n2);
    tmpl_fill(line, cap,
              app_t(a, v->provisional ? "offline.result.points_line"
                                      : "result.points_line"),
              (const char *[]){"points", n1, "balance", n2, NULL});
  } else {
    tmpl_number(v->points, n1, sizeof n1);
    tmpl_fill(line, cap,
              app_t(a, v->phase == TXN_REJECTED ? "result.points_kept"
                                                : "result.points_pending"),
              (const char *[]){"points", n1, NULL});
  }
}

static SDL_Rect summary_box(app *a, int y) {
  SDL_Rect box = {S.text.x, y, S.text.w, app_px(a, a->w > a->h ? 180 : 230)};
  if (box.y + box.h > S.buttons.y - app_px(a, 30)) box.h = 0;
  return box;
}

/* A parking sign (white P on blue) stands in for the item's picture. */
static void parking_sign(app *a, SDL_Rect r) {
  draw_rrect(a->dr, r, app_px(a, a->th.radius_small), (SDL_Color){36, 98, 214, 255});
  int px = r.h * 7 / 10;
  text_draw(a->tx, px, 1, (SDL_Color){255, 255, 255, 255}, "P", r.x + r.w / 2,
            r.y + (r.h - text_line_height(a->tx, px, 1)) / 2, TEXT_CENTER);
}

/* Plate, hours covered with the free ones, and points. */
static void parking_summary(app *a, const txn_view *v, int y) {
  const theme *th = &a->th;
  SDL_Rect box = summary_box(a, y);
  if (!box.h) return;
  int body = app_px(a, th->type_body), sm = app_px(a, th->type_small);
  int p = app_px(a, 36);
  widget_panel(a, box, th->surface);
  int side = box.h - 2 * p;
  parking_sign(a, (SDL_Rect){box.x + p, box.y + p, side, side});
  int x = box.x + 2 * p + side, ty = box.y + p;
  char line[200], h[16], f[16];
  tmpl_fill(line, sizeof line, app_t(a, "parking.result.plate"),
            (const char *[]){"plate", v->plate, NULL});
  text_draw(a->tx, body, 1, th->text, line, x, ty, TEXT_LEFT);
  ty += text_line_height(a->tx, body, 1);
  snprintf(h, sizeof h, "%d", v->hours);
  snprintf(f, sizeof f, "%d", v->free_hours_used);
  tmpl_fill(line, sizeof line,
            app_t(a, v->free_hours_used > 0 ? "parking.result.hours_free"
                                            : "parking.result.hours"),
            (const char *[]){"hours", h, "free", f, NULL});
  text_draw(a->tx, sm, 0, th->text, line, x, ty, TEXT_LEFT);
  ty += text_line_height(a->tx, sm, 0);
  points_line(a, v, line, sizeof line);
  text_wrap(a->tx, sm, 0, th->text_muted, line,
            (SDL_Rect){x, ty, box.x + box.w - p - x, 0}, TEXT_LEFT, 1);
}

/* Item, quantity and points: what the member spent (or would have). */
static void summary(app *a, const txn_view *v, int y) {
  const theme *th = &a->th;
  if (v->kind == OUTBOX_PARKING) {
    parking_summary(a, v, y);
    return;
  }
  const catalog_item *it = catalog_find(a, v->item_id);
  if (!it) return;
  int body = app_px(a, th->type_body), sm = app_px(a, th->type_small);
  int p = app_px(a, 36);
  SDL_Rect box = summary_box(a, y);
  if (!box.h) return;
  widget_panel(a, box, th->surface);
  int side = box.h - 2 * p;
  jui_image(a, it, (SDL_Rect){box.x + p, box.y + p, side, side});
  int x = box.x + 2 * p + side, ty = box.y + p;
  char q[16], line[200];
  snprintf(q, sizeof q, "%d", v->qty);
  tmpl_fill(line, sizeof line, app_t(a, "result.item_line"),
            (const char *[]){"item", jui_name(a, it), "qty", q, NULL});
  text_draw(a->tx, body, 1, th->text, line, x, ty, TEXT_LEFT);
  ty += text_line_height(a->tx, body, 1) + app_px(a, 8);
  points_line(a, v, line, sizeof line);
  text_wrap(a->tx, sm, 0, th->text_muted, line,
            (SDL_Rect){x, ty, box.x + box.w - p - x, 0}, TEXT_LEFT, 1);
}

static void paint(app *a) {
  const theme *th = &a->th;
  const txn_view *v = txn_current(a);
  screen_background(a);
  screen_header_draw(a, 1);
  if (!v) return;
  int cx = S.mark.x + S.mark.w / 2, cy = S.mark.y + S.mark.h / 2, r = S.mark.w / 2;
  switch (v->phase) {
  case TXN_NONE:
  case TXN_SAVING:
  case TXN_WAITING:
    jui_spinner(a, cx, cy, r * 3 / 4, th->accent);
    break;
  case TXN_PRINTING:
    jui_mark(a, cx, cy, r * 3 / 5, JUI_PRINTER);
    jui_spinner(a, cx, cy, r, th->accent);
    break;
  case TXN_DONE: jui_mark(a, cx, cy, r, JUI_OK); break;
  case TXN_QUEUED: jui_mark(a, cx, cy, r, JUI_CLOCK); break;
  case TXN_PRINT_FAILED: jui_mark(a, cx, cy, r, JUI_PRINTER); break;
  case TXN_REJECTED:
  case TXN_FAILED: jui_mark(a, cx, cy, r, JUI_FAIL); break;
  }
  int h1 = app_px(a, th->type_h1), h2 = app_px(a, th->type_h2);
  int body = app_px(a, th->type_body);
  int y = S.text.y;
  y += text_wrap(a->tx, h1, 1, th->text, app_t(a, title_of(v)), S.text, TEXT_CENTER, 1);
  y += app_px(a, 12);
  if (v->why && (v->phase == TXN_REJECTED || v->phase == TXN_PRINT_FAILED ||
                 v->phase == TXN_FAILED)) {
    SDL_Color c = v->phase == TXN_PRINT_FAILED ? th->accent : th->danger;
    y += text_wrap(a->tx, h2, 1, c, app_t(a, why_of(a, v)),
                   (SDL_Rect){S.text.x, y, S.text.w, 0}, TEXT_CENTER, 1);
    y += app_px(a, 12);
  }
  y += text_wrap(a->tx, body, 0, th->text_muted, app_t(a, body_of(v)),
                 (SDL_Rect){S.text.x, y, S.text.w, 0}, TEXT_CENTER, 1);
  summary(a, v, y + app_px(a, a->w > a->h ? 32 : 48));
  int px = app_px(a, th->type_title);
  widget_button(a, "btn-back",
                app_t(a, v->kind == OUTBOX_PARKING ? "parking.result.back" : "result.back"),
                BUTTON_SECONDARY, px);
  widget_button(a, "btn-done", app_t(a, "result.done"), BUTTON_PRIMARY, px);
}

static void click(app *a, const char *id) {
  if (screen_header_click(a, id)) return;
  if (!strcmp(id, "btn-back")) {
    txn_clear(a);
    screen_pop(a);
  } else if (!strcmp(id, "btn-done")) {
    txn_clear(a);
    screen_home(a);
  }
}

const screen_ops scr_result = {
    .name = "result", .layout = layout, .draw = paint, .click = click};
