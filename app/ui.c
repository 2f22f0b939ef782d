#include "ui.h"

#include <SDL_image.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "klog.h"
#include "script_run.h"
#include "sdnotify.h"

static void update_size(app *a) {
  SDL_GetRendererOutputSize(a->ren, &a->w, &a->h);
  int s = a->w < a->h ? a->w : a->h;
  a->s = (float)s / 1080.0f;
}

int ui_open(app *a, char *msg) {
  if (!a->cfg.renderer_accelerated) {
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  }
  /* A kiosk must not blank its screen or let the compositor pause it. */
  SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
  SDL_SetHint(SDL_HINT_VIDEO_X11_NET_WM_BYPASS_COMPOSITOR, "0");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
    return kerr_set(msg, KERR_DEVICE, "SDL_Init: %s", SDL_GetError());
  const char *drv = SDL_GetCurrentVideoDriver();
  int headless = drv && (!strcmp(drv, "dummy") || !strcmp(drv, "offscreen"));
  Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
  if (a->cfg.fullscreen && !headless) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  a->win = SDL_CreateWindow("kiosk", SDL_WINDOWPOS_CENTERED,
                            SDL_WINDOWPOS_CENTERED, a->cfg.width,
                            a->cfg.height, flags);
  if (!a->win)
    return kerr_set(msg, KERR_DEVICE, "SDL_CreateWindow: %s", SDL_GetError());
  Uint32 rflags = a->cfg.renderer_accelerated ? SDL_RENDERER_ACCELERATED
                                              : SDL_RENDERER_SOFTWARE;
  a->ren = SDL_CreateRenderer(a->win, -1, rflags);
  if (!a->ren && a->cfg.renderer_accelerated) {
    klog_warn("ui", "accelerated renderer failed (%s), using software",
              SDL_GetError());
    a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
  }
  if (!a->ren)
    return kerr_set(msg, KERR_DEVICE, "SDL_CreateRenderer: %s", SDL_GetError());
  SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_BLEND);
  if (a->cfg.fullscreen && !headless) SDL_ShowCursor(SDL_DISABLE);
  update_size(a);
  SDL_RendererInfo info;
  SDL_GetRendererInfo(a->ren, &info);
  klog_info("ui", "video %s, renderer %s, %dx%d", drv ? drv : "?", info.name,
            a->w, a->h);
  return KERR_OK;
}

void ui_close(app *a) {
  if (a->ren) SDL_DestroyRenderer(a->ren);
  if (a->win) SDL_DestroyWindow(a->win);
  a->ren = NULL;
  a->win = NULL;
  SDL_Quit();
}

/* KIOSK_WIDGET_DUMP=FILE: after each frame, the screen's name, the screen
 * stack and the widgets' ids and rectangles, so a test driving the real
 * window system (xdotool under Xvfb) knows where to click. Written to a
 * temporary file and renamed, so a reader never sees half of it. */
static void dump_widgets(app *a) {
  const char *path = getenv("KIOSK_WIDGET_DUMP");
  if (!path || !*path) return;
  char tmp[1024];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) return;
  fprintf(f, "screen %s\n", screen_name(a));
  /* The whole stack, bottom first: tests check what is left under a screen. */
  fputs("stack", f);
  for (int i = 0; i < a->depth; i++) fprintf(f, " %s", a->stack[i]->name);
  fputc('\n', f);
  for (int i = 0; i < a->ws.n; i++)
    fprintf(f, "%s %d %d %d %d\n", a->ws.items[i].id, a->ws.items[i].r.x,
            a->ws.items[i].r.y, a->ws.items[i].r.w, a->ws.items[i].r.h);
  if (fclose(f) == 0) rename(tmp, path);
}

static void frame(app *a) {
  uint64_t t0 = app_now_ms();
  app_draw(a);
  SDL_RenderPresent(a->ren);
  klog_debug("ui", "frame %d on %s: %llu ms", a->frames + 1, screen_name(a),
             (unsigned long long)(app_now_ms() - t0));
  a->dirty = 0;
  a->frames++;
  dump_widgets(a);
  if (a->frames == 1) {
    klog_info("ui", "first frame after %llu ms",
              (unsigned long long)(app_now_ms() - a->start_ms));
    sdnotify_ready(); /* systemd: the kiosk is up once something shows */
  }
  if (a->scan_started_ms && !strcmp(screen_name(a), "member")) {
    klog_info("ui", "scan to member screen: %llu ms",
              (unsigned long long)(app_now_ms() - a->scan_started_ms));
    a->scan_started_ms = 0;
  }
}

int ui_run(app *a) {
  while (!a->quit) {
    uint64_t now = app_now_ms();
    uint64_t deadline = app_tick(a, now);
    if (a->script) {
      uint64_t d = script_run_step(a->script, a, now);
      if (d < deadline) deadline = d;
      if (a->quit) break;
    }
    if (a->dirty) frame(a);
    now = app_now_ms();
    /* A loop that stops passing here stops the pings: systemd restarts a
     * hung UI. The wait is capped so an idle loop still wakes for them. */
    uint64_t wd = sdnotify_tick(now);
    if (wd < deadline) deadline = wd;
    int timeout = deadline <= now           ? 0
                  : deadline - now > 60000 ? 60000
                                           : (int)(deadline - now);
    SDL_Event ev;
    if (SDL_WaitEventTimeout(&ev, timeout)) {
      do {
        if (app_handle_event(a, &ev)) a->dirty = 1;
      } while (!a->quit && SDL_PollEvent(&ev));
    }
  }
  sdnotify_stopping(); /* the queue is flushed by app_close() next */
  return a->exit_code;
}

static int mkdirs(const char *path, char *msg) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
      return kerr_set(msg, KERR_IO, "mkdir %s: %s", buf, strerror(errno));
    *p = '/';
  }
  return KERR_OK;
}

int ui_shot(app *a, const char *path, char *msg) {
  int rc = mkdirs(path, msg);
  if (rc) return rc;
  app_draw(a);
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, a->w, a->h, 24,
                                                  SDL_PIXELFORMAT_RGB24);
  if (!s) return kerr_set(msg, KERR_NOMEM, "%s", SDL_GetError());
  if (SDL_RenderReadPixels(a->ren, NULL, SDL_PIXELFORMAT_RGB24, s->pixels,
                           s->pitch) != 0) {
    rc = kerr_set(msg, KERR_DEVICE, "SDL_RenderReadPixels: %s", SDL_GetError());
  } else if (IMG_SavePNG(s, path) != 0) {
    rc = kerr_set(msg, KERR_IO, "%s: %s", path, IMG_GetError());
  }
  SDL_FreeSurface(s);
  SDL_RenderPresent(a->ren);
  a->dirty = 0;
  return rc;
}
