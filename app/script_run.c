#include "script_run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"
#include "ui.h"

struct script_run {
  script *s;
  int pc;
  uint64_t started_ms; /* when the current command began, 0 = not yet */
  int drag_down;       /* a drag's button is held */
  int drag_x, drag_y;  /* where its last event was */
  uint64_t drag_next;  /* no motion before this: each event wakes the loop */
};

script_run *script_run_new(script *s) {
  script_run *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->s = s;
  return r;
}

void script_run_free(script_run *r) {
  if (!r) return;
  script_free(r->s);
  free(r);
}

static void push_mouse(app *a, Uint32 type, int x, int y) {
  SDL_Event ev;
  SDL_zero(ev);
  ev.type = type;
  ev.button.windowID = SDL_GetWindowID(a->win);
  ev.button.button = SDL_BUTTON_LEFT;
  ev.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
  ev.button.clicks = 1;
  ev.button.x = x;
  ev.button.y = y;
  SDL_PushEvent(&ev);
}

static void tap(app *a, int x, int y) {
  push_mouse(a, SDL_MOUSEBUTTONDOWN, x, y);
  push_mouse(a, SDL_MOUSEBUTTONUP, x, y);
}

static void push_motion(app *a, int x, int y, int dx, int dy) {
  SDL_Event ev;
  SDL_zero(ev);
  ev.type = SDL_MOUSEMOTION;
  ev.motion.windowID = SDL_GetWindowID(a->win);
  ev.motion.state = SDL_BUTTON_LMASK;
  ev.motion.x = x;
  ev.motion.y = y;
  ev.motion.xrel = dx;
  ev.motion.yrel = dy;
  SDL_PushEvent(&ev);
}

/* A swipe in real time, one motion a frame (16 ms), so the screen sees the
 * speed a finger had (inertia) and draws every step like it would for one. */
static int drag(script_run *r, app *a, const script_cmd *c, uint64_t waited,
                uint64_t *next) {
  float f = c->ms > 0 ? (float)waited / (float)c->ms : 1.0f;
  if (f > 1.0f) f = 1.0f;
  int x = c->x + (int)((float)(c->x2 - c->x) * f);
  int y = c->y + (int)((float)(c->y2 - c->y) * f);
  if (!r->drag_down) {
    r->drag_down = 1;
    push_mouse(a, SDL_MOUSEBUTTONDOWN, c->x, c->y);
    r->drag_x = c->x;
    r->drag_y = c->y;
    r->drag_next = r->started_ms + 16;
    *next = r->drag_next;
    return 0;
  }
  if (f < 1.0f && r->started_ms + waited < r->drag_next) {
    *next = r->drag_next;
    return 0;
  }
  push_motion(a, x, y, x - r->drag_x, y - r->drag_y);
  r->drag_x = x;
  r->drag_y = y;
  if (f < 1.0f) {
    r->drag_next = r->started_ms + waited + 16;
    *next = r->drag_next;
    return 0;
  }
  push_mouse(a, SDL_MOUSEBUTTONUP, c->x2, c->y2);
  r->drag_down = 0;
  return 1;
}

static void push_key(app *a, SDL_Keycode key) {
  SDL_Event ev;
  SDL_zero(ev);
  ev.type = SDL_KEYDOWN;
  ev.key.windowID = SDL_GetWindowID(a->win);
  ev.key.state = SDL_PRESSED;
  ev.key.keysym.sym = key;
  ev.key.keysym.scancode = SDL_GetScancodeFromKey(key);
  SDL_PushEvent(&ev);
  ev.type = SDL_KEYUP;
  ev.key.state = SDL_RELEASED;
  SDL_PushEvent(&ev);
}

/* One SDL_TEXTINPUT event per character: they hold at most 31 bytes. */
static void push_text(app *a, const char *t) {
  while (*t) {
    size_t n = 1;
    while (t[n] && ((unsigned char)t[n] & 0xC0) == 0x80) n++;
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_TEXTINPUT;
    ev.text.windowID = SDL_GetWindowID(a->win);
    memcpy(ev.text.text, t, n < sizeof ev.text.text ? n : sizeof ev.text.text - 1);
    SDL_PushEvent(&ev);
    t += n;
  }
}

static void finish(app *a, int code) {
  a->quit = 1;
  a->exit_code = code;
}

static void failed(script_run *r, app *a, const script_cmd *c, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));
static void failed(script_run *r, app *a, const script_cmd *c, const char *fmt,
                   ...) {
  char why[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s:%d: %s\n", r->s->path, c->line, why);
  finish(a, 1);
}

/* 1 when the command is done; 0 to be asked again (the deadline in *next). */
static int run(script_run *r, app *a, const script_cmd *c, uint64_t now,
               uint64_t *next) {
  uint64_t waited = now - r->started_ms;
  int patient = waited < SCRIPT_RUN_PATIENCE_MS;
  /* Poll at a gentle pace while waiting for the kiosk; events wake us too. */
  *next = now + 20;
  switch (c->op) {
  case SCRIPT_TAP:
    tap(a, c->x, c->y);
    return 1;
  case SCRIPT_PRESS: {
    /* Like a person, tap what has finished appearing. */
    if (screen_transitioning(a, now) && patient) return 0;
    const widget *w = wset_find(&a->ws, c->arg);
    if (!w) {
      if (patient) return 0;
      failed(r, a, c, "no widget '%s' on screen %s after 5 s", c->arg,
             screen_name(a));
      return 1;
    }
    tap(a, w->r.x + w->r.w / 2, w->r.y + w->r.h / 2);
    return 1;
  }
  case SCRIPT_SCAN:
    app_scan_payload(a, c->arg, strlen(c->arg));
    return 1;
  case SCRIPT_KEY: {
    SDL_Keycode k = SDL_GetKeyFromName(c->arg);
    if (k == SDLK_UNKNOWN) {
      failed(r, a, c, "unknown key name '%s'", c->arg);
      return 1;
    }
    push_key(a, k);
    return 1;
  }
  case SCRIPT_TYPE:
    push_text(a, c->arg);
    return 1;
  case SCRIPT_WAIT:
    if (waited >= (uint64_t)c->ms) return 1;
    *next = r->started_ms + (uint64_t)c->ms;
    return 0;
  case SCRIPT_EXPECT: {
    int match = strcmp(screen_name(a), c->arg) == 0;
    if (match && app_settled(a) && !a->dirty) return 1;
    if (patient) return 0;
    if (match) return 1; /* right screen, still busy: good enough */
    failed(r, a, c, "expected screen %s, still on %s after 5 s", c->arg,
           screen_name(a));
    return 1;
  }
  case SCRIPT_SHOT: {
    /* After the screen change's fade: the picture a person would see. */
    if ((!app_settled(a) || screen_transitioning(a, now)) && patient) return 0;
    kerr_msg msg = "";
    if (ui_shot(a, c->arg, msg) != 0) {
      failed(r, a, c, "shot failed: %s", msg);
      return 1;
    }
    klog_info("script", "wrote %s", c->arg);
    return 1;
  }
  case SCRIPT_QUIT:
    finish(a, 0);
    return 1;
  case SCRIPT_DRAG:
    return drag(r, a, c, waited, next);
  }
  return 1;
}

uint64_t script_run_step(script_run *r, app *a, uint64_t now_ms) {
  uint64_t next = UINT64_MAX;
  while (!a->quit) {
    if (r->pc >= r->s->n) {
      finish(a, 0);
      break;
    }
    const script_cmd *c = &r->s->cmds[r->pc];
    if (!r->started_ms) r->started_ms = now_ms;
    if (!run(r, a, c, now_ms, &next)) break;
    r->pc++;
    r->started_ms = 0;
    next = now_ms;
    /* Input must be handled (and drawn) before the next command looks. */
    if (c->op == SCRIPT_TAP || c->op == SCRIPT_PRESS || c->op == SCRIPT_KEY ||
        c->op == SCRIPT_TYPE || c->op == SCRIPT_SCAN || c->op == SCRIPT_DRAG)
      break;
  }
  return next;
}
