/* The admin screen, behind a hidden gesture (a 3 s press on the mall logo of
 * the attract screen) and a PIN pad: printer status and test page, vouchers
 * still owed with their reprint, the transaction queue (depth, oldest
 * pending, rejected), the central's health (and a certificate the kiosk does
 * not trust), the kiosk's clock (off the central's: api.h), the scanner, the
 * version, and exit to the system when the config allows it.
 *
 *   PIN --right PIN--> OPEN --btn-back / 2 min idle--> attract
 *    | 5 wrong: locked 5 min (countdown; pin.h)
 *
 * Everything slow (queue stats, journal, printer) is the admin worker's
 * (admw.h); the central's health goes through the API worker. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admw.h"
#include "api.h"
#include "app.h"
#include "catalog.h"
#include "jui.h"
#include "kbd.h"
#include "klog.h"
#include "pin.h"
#include "prnw.h"
#include "prn_journal.h"
#include "scanw.h"
#include "storage.h"
#include "screen.h"
#include "tmpl.h"
#include "txn.h"

#define IDLE_MS 120000
#define REFRESH_MS 5000

static const char *const pin_rows[] = {"1 2 3", "4 5 6", "7 8 9", "@clear 0 @ok"};
static const kbd_def pad = {"pin-", pin_rows, 4, 1, 0};

static struct {
  int open;               /* the PIN was right */
  char entry[PIN_MAX_DIGITS + 1];
  const char *note;       /* msgid under the dots */
  int tries_left;
  uint64_t last_input, next_refresh;
  admw *w;
  admw_snapshot snap;
  int health;             /* 0 asking, 1 ok, -1 failed */
  unsigned link_gen;      /* api_link_get()'s, as last drawn */
  int link_shown;         /* 1 untrusted, 2 clock skew, as last logged */
  char central_version[32];
  uint64_t asked_ms, health_ms;
} A;

static struct {
  SDL_Rect dots, note, pad, info, owed, buttons;
  int top;
} L;

void scr_admin_answer(app *a, int rc, long status, const json_t *body) {
  A.health = rc == KERR_OK && status == 200 ? 1 : -1;
  A.health_ms = app_now_ms() - A.asked_ms;
  const char *v = json_string_value(json_object_get(body, "version"));
  snprintf(A.central_version, sizeof A.central_version, "%s", v ? v : "");
  if (screen_top(a) == &scr_admin) app_dirty(a);
}

/* Made on first use: hashing the demo PIN costs ~20 ms, not at start-up. */
static pin *guard(app *a) {
  if (a->pin) return a->pin;
  kerr_msg msg = "";
  char demo[PIN_HASH_MAX] = "";
  const char *hash = a->cfg.admin_pin_hash;
  if (!hash[0] && a->opt.demo && pin_hash(PIN_DEMO, demo, msg) == KERR_OK)
    hash = demo;
  if (pin_new(hash, &a->pin, msg) != KERR_OK)
    klog_error("admin", "PIN: %s", msg);
  return a->pin;
}

void scr_admin_close(void) {
  admw_stop(A.w);
  A.w = NULL;
}

static void start_worker(app *a) {
  if (A.w) return;
  admw_config c = {txn_outbox(a), prnw_journal(txn_printer(a)),
                   txn_printer_uri(a), a->cfg.printer_width, a->cat[APP_ZH],
                   a->cat[APP_EN], txn_offline(a)};
  kerr_msg msg = "";
  if (admw_start(&c, &A.w, msg) != KERR_OK) klog_error("admin", "%s", msg);
  admw_refresh(A.w);
  A.health = 0;
  A.asked_ms = app_now_ms();
  app_request(a, APP_TAG_ADMIN, "GET", "/v1/health");
}

static void enter(app *a) {
  scr_admin_close();
  memset(&A, 0, sizeof A);
  A.last_input = app_now_ms();
  pin *p = guard(a);
  A.tries_left = p ? pin_tries_left(p) : 0;
  A.note = p && pin_is_set(p) ? "admin.pin.prompt" : "admin.pin.not_set";
  klog_info("admin", "PIN pad opened");
}

static void leave(app *a) {
  (void)a;
  scr_admin_close();
  memset(&A, 0, sizeof A);
}

/* Voucher codes are long (KV1.<id>.<item>...): the id names the button. */
static void short_id(const char *code, char *out, size_t cap) {
  const char *dot = strncmp(code, "KV1.", 4) ? NULL : strchr(code + 4, '.');
  if (dot) snprintf(out, cap, "%.*s", (int)(dot - code - 4), code + 4);
  else snprintf(out, cap, "%.27s", code);
}

static void layout(app *a) {
  int top = screen_header_layout(a, 0);
  L.top = top;
  int y = jui_title_layout(a, top);
  int mg = app_px(a, a->th.margin), bh = app_px(a, a->th.button_h);
  int gap = app_px(a, a->th.space_l);
  if (!A.open) {
    int pw = app_px(a, 720);
    if (pw > a->w - 2 * mg) pw = a->w - 2 * mg;
    L.dots = (SDL_Rect){(a->w - pw) / 2, y + app_px(a, 30), pw, app_px(a, 90)};
    L.note = (SDL_Rect){mg, L.dots.y + L.dots.h + app_px(a, 24), a->w - 2 * mg,
                        app_px(a, 100)};
    int py = L.note.y + L.note.h + app_px(a, 24);
    L.pad = (SDL_Rect){(a->w - pw) / 2, py, pw, a->h - mg - py};
    L.pad.h = kbd_layout(a, &pad, L.pad);
    return;
  }
  int landscape = a->w > a->h;
  int W = a->w - 2 * mg;
  int lw = (W - gap) * 55 / 100;
  /* Landscape: status on the left, full height; vouchers and buttons on
   * the right. Portrait: status, vouchers, buttons from the top. */
  L.buttons = landscape ? (SDL_Rect){mg + lw + gap, a->h - mg - bh, W - lw - gap, bh}
                        : (SDL_Rect){mg, a->h - mg - bh, W, bh};
  int n = 1 + a->cfg.admin_allow_exit;
  int bw = (L.buttons.w - (n - 1) * app_px(a, 24)) / n;
  if (bw > app_px(a, 520)) bw = app_px(a, 520);
  wset_add(&a->ws, "btn-test-print", (SDL_Rect){L.buttons.x, L.buttons.y, bw, bh});
  if (a->cfg.admin_allow_exit)
    wset_add(&a->ws, "btn-exit-app",
             (SDL_Rect){L.buttons.x + L.buttons.w - bw, L.buttons.y, bw, bh});
  int avail = L.buttons.y - gap - y;
  if (landscape) {
    L.info = (SDL_Rect){mg, y, lw, a->h - mg - y};
    L.owed = (SDL_Rect){mg + lw + gap, y, W - lw - gap, avail};
  } else {
    L.info = (SDL_Rect){mg, y, W, avail * 68 / 100};
    L.owed = (SDL_Rect){mg, y + L.info.h + gap, W, avail - L.info.h - gap};
  }
  /* One reprint button per owed voucher, as many as fit. */
  int rh = app_px(a, 110), rw = app_px(a, 220);
  int ry = L.owed.y + app_px(a, 110);
  for (int i = 0; i < A.snap.n_owed; i++) {
    if (ry + rh > L.owed.y + L.owed.h - app_px(a, 20)) break;
    char id[WIDGET_ID_MAX], sid[28];
    short_id(A.snap.owed[i].code, sid, sizeof sid);
    snprintf(id, sizeof id, "btn-reprint-%s", sid);
    wset_add(&a->ws, id,
             (SDL_Rect){L.owed.x + L.owed.w - app_px(a, 36) - rw, ry, rw, rh});
    ry += rh + app_px(a, 16);
  }
}

static void draw_pin(app *a) {
  const theme *th = &a->th;
  int h2 = app_px(a, th->type_h2);
  int n = (int)strlen(A.entry), slots = n > PIN_MIN_DIGITS ? n : PIN_MIN_DIGITS;
  int r = app_px(a, 22), g = app_px(a, 40);
  int x0 = L.dots.x + (L.dots.w - slots * 2 * r - (slots - 1) * g) / 2;
  for (int i = 0; i < slots; i++) {
    int cx = x0 + r + i * (2 * r + g), cy = L.dots.y + L.dots.h / 2;
    if (i < n) draw_circle(a->dr, cx, cy, r, th->accent);
    else draw_rrect_outline(a->dr, (SDL_Rect){cx - r, cy - r, 2 * r, 2 * r}, r,
                            app_px(a, 3), th->line);
  }
  pin *p = a->pin;
  uint64_t left = p ? pin_locked_for(p, app_now_ms()) : 0;
  char line[200], t[32], k[16];
  SDL_Color c = th->text_muted;
  if (left) {
    unsigned s = (unsigned)((left + 999) / 1000);
    snprintf(t, sizeof t, "%u:%02u", s / 60, s % 60);
    tmpl_fill(line, sizeof line, app_t(a, "admin.pin.locked"),
              (const char *[]){"time", t, NULL});
    c = th->danger;
  } else if (!strcmp(A.note, "admin.pin.wrong")) {
    snprintf(k, sizeof k, "%d", A.tries_left);
    tmpl_fill(line, sizeof line, app_t(a, A.note), (const char *[]){"tries", k, NULL});
    c = th->danger;
  } else {
    snprintf(line, sizeof line, "%s", app_t(a, A.note));
  }
  text_wrap(a->tx, h2 * 3 / 4, 1, c, line, L.note, TEXT_CENTER, 1);
  kbd_draw(a, &pad);
}

static void info_row(app *a, SDL_Rect box, int *y, const char *label,
                     const char *value, SDL_Color vc) {
  const theme *th = &a->th;
  int body = app_px(a, th->type_body), sm = app_px(a, th->type_small);
  int lw = box.w * 36 / 100;
  text_draw(a->tx, sm, 0, th->text_muted, label, box.x, *y + app_px(a, 4), TEXT_LEFT);
  int h = text_wrap(a->tx, body, 1, vc, value,
                    (SDL_Rect){box.x + lw, *y, box.w - lw, 0}, TEXT_LEFT, 1);
  *y += h + app_px(a, 14);
}

static const char *printer_line(app *a, char *buf, size_t cap, SDL_Color *c) {
  const admw_snapshot *s = &A.snap;
  const theme *th = &a->th;
  const char *key = "admin.printer.checking";
  *c = th->text;
  switch (s->printer) {
  case ADMW_PRN_UNKNOWN: break;
  case ADMW_PRN_OK:
    key = s->status.paper_near_end ? "admin.printer.near_end" : "admin.printer.ok";
    *c = s->status.paper_near_end ? th->accent : th->success;
    break;
  case ADMW_PRN_NO_STATUS: key = "admin.printer.no_status"; break;
  case ADMW_PRN_FAULT:
    key = s->status.paper_end ? "admin.printer.paper_out"
          : s->status.cover_open ? "admin.printer.cover_open"
                                 : "admin.printer.fault";
    *c = th->danger;
    break;
  case ADMW_PRN_UNREACHABLE: key = "admin.printer.unreachable"; *c = th->danger; break;
  }
  tmpl_fill(buf, cap, app_t(a, key), (const char *[]){"detail", s->printer_msg, NULL});
  return buf;
}

/* Each configured source and its state ("camera 未连接 · dir 正常"); the
 * demo cards when there is none in demo mode. */
static const char *scanner_line(app *a, char *buf, size_t cap, SDL_Color *c) {
  const theme *th = &a->th;
  int n = scanw_count(a->scan), bad = 0;
  buf[0] = '\0';
  for (int i = 0; i < n; i++) {
    const char *scheme;
    int have;
    scan_state st;
    scanw_source(a->scan, i, &scheme, &have, &st);
    const char *key = !have                        ? "admin.scanner.state.opening"
                      : st == SCAN_STATE_OK        ? "admin.scanner.state.ok"
                      : st == SCAN_STATE_UNPLUGGED ? "admin.scanner.state.unplugged"
                                                   : "admin.scanner.state.absent";
    bad |= have && st != SCAN_STATE_OK;
    size_t used = strlen(buf);
    snprintf(buf + used, cap - used, "%s%s %s", i ? " · " : "", scheme, app_t(a, key));
  }
  if (!n) {
    snprintf(buf, cap, "%s",
             app_t(a, a->opt.demo ? "admin.scanner.demo" : "admin.scanner.none"));
    bad = !a->opt.demo;
  }
  *c = bad ? th->danger : th->success;
  return buf;
}

/* The latest offline voucher the central voided (id, item, why, when) and
 * how many more: a member may hold it as a 待确认 slip. */
static const char *void_line(app *a, char *buf, size_t cap, int compact) {
  const admw_snapshot *s = &A.snap;
  if (!s->n_void) {
    snprintf(buf, cap, "%s", app_t(a, "admin.offline_void.none"));
    return buf;
  }
  char when[32] = "", n[32];
  time_t t = (time_t)s->voids[0].settled_at;
  struct tm tm;
  if (localtime_r(&t, &tm)) strftime(when, sizeof when, "%m-%d %H:%M", &tm);
  const catalog_item *it = catalog_find(a, s->voids[0].item_id);
  tmpl_fill(buf, cap, app_t(a, compact ? "admin.offline_void.short"
                                       : "admin.offline_void.line"),
            (const char *[]){"id", s->voids[0].voucher_id, "item",
                             it ? app_pick(a, it->name_zh, it->name_en) : s->voids[0].item_id,
                             "reason", app_t(a, txn_reason_msgid(s->voids[0].reason)),
                             "time", when, NULL});
  if (s->n_voided > 1) {
    size_t used = strlen(buf);
    snprintf(n, sizeof n, "%lld", (long long)(s->n_voided - 1));
    buf[used] = ' ';
    tmpl_fill(buf + used + 1, cap - used - 1, app_t(a, "admin.offline_void.more"),
              (const char *[]){"n", n, NULL});
  }
  return buf;
}

static void draw_open(app *a) {
  const theme *th = &a->th;
  const admw_snapshot *s = &A.snap;
  SDL_Rect c;
  widget_panel(a, L.info, th->surface);
  int p = app_px(a, 36);
  c = (SDL_Rect){L.info.x + p, L.info.y + p, L.info.w - 2 * p, 0};
  int y = c.y;
  char v[256], n1[32], n2[32], n3[32];
  SDL_Color col;
  info_row(a, c, &y, app_t(a, "admin.version"), KIOSK_VERSION, th->text);
  info_row(a, c, &y, app_t(a, "admin.kiosk_id"), a->cfg.kiosk_id, th->text);
  snprintf(n1, sizeof n1, "%llu", (unsigned long long)A.health_ms);
  tmpl_fill(v, sizeof v,
            app_t(a, A.health > 0 ? "admin.central.ok"
                     : A.health < 0 ? "admin.central.down"
                                    : "admin.central.checking"),
            (const char *[]){"version", A.central_version, "ms", n1, "url",
                             a->central_url, NULL});
  /* The API workers' findings about the link (api.h): a certificate the
   * kiosk does not trust, the central refusing the kiosk's clock. */
  api_link_state link;
  api_link_get(&link);
  A.link_gen = link.gen;
  /* The latest word: any answer over TLS since would have cleared it. */
  if (link.tls_untrusted)
    snprintf(v, sizeof v, "%s", app_t(a, "admin.central.untrusted"));
  info_row(a, c, &y, app_t(a, "admin.central"), v,
           A.health > 0 && !link.tls_untrusted ? th->success
           : A.health < 0 || link.tls_untrusted ? th->danger
                                                 : th->text);
  /* The clock only when the central refuses it: the panel is full. */
  if (link.clock_skew) {
    int64_t off = link.skew_s < 0 ? -link.skew_s : link.skew_s;
    snprintf(n1, sizeof n1, "%lld", (long long)((off + 30) / 60));
    tmpl_fill(v, sizeof v, app_t(a, "admin.clock.skew"),
              (const char *[]){"minutes", n1, NULL});
    info_row(a, c, &y, app_t(a, "admin.clock"), v, th->danger);
  }
  int link_shown = link.tls_untrusted | (link.clock_skew << 1);
  if (link_shown != A.link_shown) {
    /* What staff see about the link, for the log (and the tests). */
    klog_info("admin", "shown: central certificate %s, clock %s",
              link_shown & 1 ? "not trusted" : "not in doubt",
              link_shown & 2 ? "off the central's" : "not in doubt");
    A.link_shown = link_shown;
  }
  info_row(a, c, &y, app_t(a, "admin.printer"), printer_line(a, v, sizeof v, &col), col);
  info_row(a, c, &y, app_t(a, "admin.scanner"), scanner_line(a, v, sizeof v, &col),
           col);
  /* The state dir (storage.h): a fault means nothing new can be saved. */
  static const char *const store_keys[] = {"storage.admin.ok", "storage.admin.full",
                                           "storage.admin.readonly", "storage.admin.io"};
  int sf = a->store_fault >= 0 && a->store_fault <= STORAGE_IOERR ? a->store_fault
                                                                  : STORAGE_IOERR;
  if (sf == STORAGE_OK && !a->txn) sf = STORAGE_IOERR;
  info_row(a, c, &y, app_t(a, "storage.admin"), app_t(a, store_keys[sf]),
           sf ? th->danger : th->text);
  if (s->have_queue) {
    tmpl_number(s->queue.depth, n1, sizeof n1);
    snprintf(n2, sizeof n2, "%lld", (long long)(s->queue.oldest_pending_age_ms / 60000));
    tmpl_fill(v, sizeof v,
              app_t(a, s->queue.depth ? "admin.queue.value" : "admin.queue.empty"),
              (const char *[]){"depth", n1, "minutes", n2, NULL});
  } else {
    snprintf(v, sizeof v, "%s", app_t(a, s->gen ? "admin.queue.none" : "admin.loading"));
  }
  info_row(a, c, &y, app_t(a, "admin.queue"), v, th->text);
  tmpl_number(s->queue.rejected, n1, sizeof n1);
  tmpl_number(s->queue.dead, n2, sizeof n2);
  tmpl_number(s->queue.acked, n3, sizeof n3);
  tmpl_fill(v, sizeof v, app_t(a, "admin.rejected.value"),
            (const char *[]){"rejected", n1, "dead", n2, "acked", n3, NULL});
  info_row(a, c, &y, app_t(a, "admin.rejected"), v,
           s->queue.rejected || s->queue.dead ? th->accent : th->text);
  if (s->test_state) {
    tmpl_fill(v, sizeof v,
              app_t(a, s->test_state == 1   ? "admin.test.printing"
                       : s->test_state == 2 ? "admin.test.done"
                                            : "admin.test.failed"),
              (const char *[]){"detail", s->test_msg, NULL});
    info_row(a, c, &y, app_t(a, "admin.test"), v,
             s->test_state < 0 ? th->danger : th->text);
  }
  if (s->have_void) {
    /* Last, and short when the panel has less than two lines left. */
    int room = L.info.y + L.info.h - p - y;
    int compact = room < 2 * text_line_height(a->tx, app_px(a, th->type_body), 1);
    info_row(a, c, &y, app_t(a, "admin.offline_void"),
             void_line(a, v, sizeof v, compact), s->n_void ? th->accent : th->text);
  }

  widget_panel(a, L.owed, th->surface);
  int t = app_px(a, th->type_title - 6);
  text_draw(a->tx, t, 1, th->text, app_t(a, "admin.owed.title"), L.owed.x + p,
            L.owed.y + p * 2 / 3, TEXT_LEFT);
  y = L.owed.y + app_px(a, 110);
  int body = app_px(a, th->type_body), sm = app_px(a, th->type_small);
  if (!s->n_owed) {
    text_wrap(a->tx, body, 0, th->text_muted,
              app_t(a, s->have_owed || !s->gen ? "admin.owed.none" : "admin.owed.no_journal"),
              (SDL_Rect){L.owed.x + p, y, L.owed.w - 2 * p, 0}, TEXT_LEFT, 1);
  }
  int shown = 0;
  for (int i = 0; i < a->ws.n; i++) {
    const widget *w = &a->ws.items[i];
    if (strncmp(w->id, "btn-reprint-", 12)) continue;
    char st[48];
    snprintf(n1, sizeof n1, "%d", s->owed[shown].attempts);
    snprintf(st, sizeof st, "admin.owed.state.%s", s->owed[shown].state);
    tmpl_fill(v, sizeof v, app_t(a, "admin.owed.line"),
              (const char *[]){"state", app_t(a, st), "attempts", n1, NULL});
    text_draw(a->tx, body, 1, th->text, w->id + 12, L.owed.x + p, w->r.y, TEXT_LEFT);
    text_draw(a->tx, sm, 0, th->text_muted, v, L.owed.x + p,
              w->r.y + text_line_height(a->tx, body, 1), TEXT_LEFT);
    widget_button(a, w->id, app_t(a, "admin.owed.reprint"), BUTTON_SECONDARY,
                  app_px(a, th->type_body));
    shown++;
  }
  if (s->n_owed + s->more_owed > shown) {
    snprintf(n1, sizeof n1, "%d", s->n_owed + s->more_owed - shown);
    tmpl_fill(v, sizeof v, app_t(a, "admin.owed.more"), (const char *[]){"n", n1, NULL});
    text_draw(a->tx, sm, 0, th->text_muted, v, L.owed.x + p,
              L.owed.y + L.owed.h - p - text_line_height(a->tx, sm, 0), TEXT_LEFT);
  }
  int px = app_px(a, th->type_title);
  widget_button(a, "btn-test-print", app_t(a, "admin.test_print"), BUTTON_PRIMARY, px);
  widget_button(a, "btn-exit-app", app_t(a, "admin.exit_app"), BUTTON_SECONDARY, px);
}

static void paint(app *a) {
  screen_background(a);
  screen_header_draw(a, 0);
  jui_title_draw(a, L.top, app_t(a, "admin.title"));
  if (A.open) draw_open(a);
  else draw_pin(a);
}

static void try_pin(app *a) {
  pin *p = guard(a);
  if (!p) return;
  pin_result r = pin_try(p, A.entry, app_now_ms());
  sodium_memzero(A.entry, sizeof A.entry);
  A.tries_left = pin_tries_left(p);
  switch (r) {
  case PIN_OK:
    klog_info("admin", "PIN accepted: admin screen open");
    A.open = 1;
    start_worker(a);
    break;
  case PIN_WRONG:
    klog_warn("admin", "wrong PIN, %d tries left", A.tries_left);
    A.note = "admin.pin.wrong";
    break;
  case PIN_LOCKED:
    klog_warn("admin", "PIN pad locked for %llu s",
              (unsigned long long)((pin_locked_for(p, app_now_ms()) + 999) / 1000));
    A.note = "admin.pin.prompt";
    break;
  case PIN_NOT_SET: A.note = "admin.pin.not_set"; break;
  }
  screen_relayout(a);
}

static void reprint(app *a, const char *short_code) {
  prnw *pw = txn_printer(a);
  prn_journal *j = prnw_journal(pw);
  for (int i = 0; j && i < A.snap.n_owed; i++) {
    const char *c = A.snap.owed[i].code;
    char sid[28];
    short_id(c, sid, sizeof sid);
    if (strcmp(sid, short_code) != 0) continue;
    /* The journal is thread-safe and this read is one short row. */
    prn_journal_entry e;
    kerr_msg msg = "";
    if (prn_journal_get(j, c, &e, msg) != KERR_OK) {
      klog_warn("admin", "reprint: %s", msg);
      break;
    }
    int rc = prnw_submit(pw, e.code, e.txn_id, e.member_id, e.voucher_json, 1);
    klog_info("admin", "reprint of an owed voucher %s", rc ? kerr_str(rc) : "queued");
    prn_journal_entry_free(&e);
    app_toast(a, rc ? "admin.owed.reprint_failed" : "admin.owed.reprint_sent");
    break;
  }
  A.next_refresh = app_now_ms() + 1500;
}

static void click(app *a, const char *id) {
  if (screen_header_click(a, id)) return;
  if (!strcmp(id, "btn-back")) {
    screen_pop(a);
    return;
  }
  if (!A.open) {
    char k[16];
    int kind = kbd_hit(&pad, id, k, sizeof k);
    pin *p = guard(a);
    if (!kind || (p && pin_locked_for(p, app_now_ms()))) return;
    size_t n = strlen(A.entry);
    if (kind == KBD_CHAR && n < PIN_MAX_DIGITS) {
      A.entry[n] = k[0];
      A.entry[n + 1] = '\0';
    } else if (kind == KBD_SPECIAL && !strcmp(k, "clear")) {
      sodium_memzero(A.entry, sizeof A.entry);
    } else if (kind == KBD_SPECIAL && !strcmp(k, "ok")) {
      try_pin(a);
      return;
    }
    app_dirty(a);
    return;
  }
  if (!strcmp(id, "btn-test-print")) {
    admw_test_print(A.w);
  } else if (!strcmp(id, "btn-exit-app") && a->cfg.admin_allow_exit) {
    klog_info("admin", "exit to the system");
    a->quit = 1;
    a->exit_code = 0;
  } else if (!strncmp(id, "btn-reprint-", 12)) {
    reprint(a, id + 12);
  }
  app_dirty(a);
}

static int event(app *a, const SDL_Event *ev) {
  (void)a;
  if (ev->type == SDL_MOUSEBUTTONDOWN || ev->type == SDL_KEYDOWN)
    A.last_input = app_now_ms();
  return 0;
}

static uint64_t tick(app *a, uint64_t now) {
  if (now >= A.last_input + IDLE_MS) {
    klog_info("admin", "no touch for %d s: admin screen closed", IDLE_MS / 1000);
    screen_pop(a);
    return UINT64_MAX;
  }
  uint64_t next = A.last_input + IDLE_MS;
  if (A.w) {
    if (A.snap.gen != admw_gen(A.w)) {
      int first = !A.snap.gen;
      admw_get(A.w, &A.snap);
      if (first)
        klog_info("admin", "shown: version %s, queue depth %lld, oldest "
                  "pending %lld s, rejected %lld, owed vouchers %d, "
                  "void offline vouchers %lld%s%s%s%s%s",
                  KIOSK_VERSION, (long long)A.snap.queue.depth,
                  (long long)(A.snap.queue.oldest_pending_age_ms / 1000),
                  (long long)A.snap.queue.rejected,
                  A.snap.n_owed + A.snap.more_owed, (long long)A.snap.n_voided,
                  A.snap.n_void ? " (latest " : "",
                  A.snap.n_void ? A.snap.voids[0].voucher_id : "",
                  A.snap.n_void ? ": " : "",
                  A.snap.n_void ? A.snap.voids[0].reason : "",
                  A.snap.n_void ? ")" : "");
      screen_relayout(a); /* the owed vouchers' buttons may have changed */
    }
    if (!A.next_refresh) A.next_refresh = now + REFRESH_MS;
    if (now >= A.next_refresh) {
      admw_refresh(A.w);
      A.next_refresh = now + REFRESH_MS;
    }
    if (A.next_refresh < next) next = A.next_refresh;
    api_link_state link;
    api_link_get(&link);
    if (link.gen != A.link_gen) app_dirty(a);
  }
  pin *p = a->pin;
  uint64_t left = !A.open && p ? pin_locked_for(p, now) : 0;
  if (left) {
    /* Redraw at each whole second of the countdown. */
    app_dirty(a);
    uint64_t step = left % 1000 ? left % 1000 : 1000;
    if (now + step < next) next = now + step;
  }
  return next;
}

const screen_ops scr_admin = {.name = "admin",
                              .enter = enter,
                              .exit = leave,
                              .layout = layout,
                              .draw = paint,
                              .click = click,
                              .event = event,
                              .tick = tick};
