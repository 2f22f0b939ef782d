#include "ui.h"

#include <SDL_image.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "klog.h"
#include "script_run.h"
#include "sdnotify.h"

/* The pending partial redraw (ui_dirty_rect), and whether the renderer
 * keeps its pixels between presents so one is possible at all. */
static SDL_Rect partial;
static int has_partial, can_partial;

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
  can_partial = !strcmp(info.name, "software");
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
  /* The message the member is shown (a msgid), for hostile-input tests. */
  if (a->notice[0]) fprintf(f, "notice %s\n", a->notice);
  for (int i = 0; i < a->ws.n; i++)
    fprintf(f, "%s %d %d %d %d\n", a->ws.items[i].id, a->ws.items[i].r.x,
            a->ws.items[i].r.y, a->ws.items[i].r.w, a->ws.items[i].r.h);
  if (fclose(f) == 0) rename(tmp, path);
}

/* KIOSK_FRAME_STATS=FILE: every frame's render time (draw + present), by
 * screen, and how often the loop woke up; written at exit as
 *   frames SCREEN|all N p50 MS p95 MS p99 MS max MS
 *   frames_cpu SCREEN|all N p50 MS ...   (the UI thread's CPU time)
 *   wakeups N seconds S per_second W
 * for the bench (tests/bench/bench_ui.sh). The CPU figure stays honest on a
 * loaded machine where wall time also counts waiting for a core. Unset, it
 * costs one branch a frame. */
#define FS_SCREENS 16
static struct {
  const char *path;
  const char *name[FS_SCREENS];
  float *ms[FS_SCREENS][2]; /* wall, cpu */
  size_t n[FS_SCREENS], cap[FS_SCREENS];
  uint64_t wakeups, since_ms;
} FS;

static double cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void fs_add(const char *screen, float wall, float cpu) {
  int i = 0;
  while (i < FS_SCREENS && FS.name[i] && strcmp(FS.name[i], screen)) i++;
  if (i == FS_SCREENS) return;
  FS.name[i] = screen; /* the screen_ops' static name */
  if (FS.n[i] == FS.cap[i]) {
    size_t cap = FS.cap[i] ? FS.cap[i] * 2 : 1024;
    for (int k = 0; k < 2; k++) {
      float *p = realloc(FS.ms[i][k], cap * sizeof *p);
      if (!p) return;
      FS.ms[i][k] = p;
    }
    FS.cap[i] = cap;
  }
  FS.ms[i][0][FS.n[i]] = wall;
  FS.ms[i][1][FS.n[i]++] = cpu;
}

static int fs_cmp(const void *x, const void *y) {
  float a = *(const float *)x, b = *(const float *)y;
  return (a > b) - (a < b);
}

static void fs_line(FILE *f, const char *what, const char *name, float *v,
                    size_t n) {
  if (!n) return;
  qsort(v, n, sizeof *v, fs_cmp);
  fprintf(f, "%s %s %zu p50 %.2f p95 %.2f p99 %.2f max %.2f\n", what, name, n,
          v[(n - 1) * 50 / 100], v[(n - 1) * 95 / 100], v[(n - 1) * 99 / 100],
          v[n - 1]);
}

static void fs_write(void) {
  if (!FS.path) return;
  FILE *f = fopen(FS.path, "w");
  if (!f) klog_warn("ui", "KIOSK_FRAME_STATS %s: %s", FS.path, strerror(errno));
  size_t total = 0;
  for (int i = 0; i < FS_SCREENS; i++) total += FS.n[i];
  float *all = f && total ? malloc(total * sizeof *all) : NULL;
  for (int k = 0; f && k < 2; k++) {
    const char *what = k ? "frames_cpu" : "frames";
    size_t off = 0;
    for (int i = 0; i < FS_SCREENS && FS.name[i]; i++) {
      if (all) memcpy(all + off, FS.ms[i][k], FS.n[i] * sizeof *all);
      off += FS.n[i];
      fs_line(f, what, FS.name[i], FS.ms[i][k], FS.n[i]);
    }
    if (all) fs_line(f, what, "all", all, total);
  }
  if (f) {
    double secs = (double)(app_now_ms() - FS.since_ms) / 1000.0;
    fprintf(f, "wakeups %llu seconds %.1f per_second %.2f\n",
            (unsigned long long)FS.wakeups, secs,
            secs > 0 ? (double)FS.wakeups / secs : 0.0);
    if (fclose(f) != 0) klog_warn("ui", "KIOSK_FRAME_STATS %s: write failed", FS.path);
  }
  free(all);
  for (int i = 0; i < FS_SCREENS; i++) {
    free(FS.ms[i][0]);
    free(FS.ms[i][1]);
  }
  memset(&FS, 0, sizeof FS);
}

static void frame(app *a) {
  uint64_t t0 = app_now_ms();
  Uint64 c0 = FS.path ? SDL_GetPerformanceCounter() : 0;
  double u0 = FS.path ? cpu_ms() : 0;
  app_draw(a);
  SDL_RenderPresent(a->ren);
  if (FS.path)
    fs_add(screen_name(a),
           (float)((double)(SDL_GetPerformanceCounter() - c0) * 1000.0 /
                   (double)SDL_GetPerformanceFrequency()),
           (float)(cpu_ms() - u0));
  klog_debug("ui", "frame %d on %s: %llu ms", a->frames + 1, screen_name(a),
             (unsigned long long)(app_now_ms() - t0));
  a->dirty = 0;
  has_partial = 0;
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

void ui_dirty_rect(app *a, SDL_Rect r) {
  if (!can_partial || a->dirty) {
    a->dirty = 1;
    return;
  }
  if (has_partial) SDL_UnionRect(&partial, &r, &r);
  partial = r;
  has_partial = 1;
}

/* The top screen drawn again inside the clip only, then just that part of
 * the window surface updated: the software renderer skips clipped pixels,
 * so the cost follows the area. Overlays (toast, idle countdown) are not
 * clipped by screen: with one showing, a whole frame is drawn. */
static void partial_frame(app *a) {
  const screen_ops *s = screen_top(a);
  has_partial = 0;
  if (!s || !s->draw || a->toast[0] ||
      session_state_of(a->ses) == SESSION_ENDING) {
    frame(a);
    return;
  }
  Uint64 c0 = FS.path ? SDL_GetPerformanceCounter() : 0;
  double u0 = FS.path ? cpu_ms() : 0;
  SDL_RenderSetClipRect(a->ren, &partial);
  s->draw(a);
  SDL_RenderSetClipRect(a->ren, NULL);
  SDL_RenderFlush(a->ren);
  SDL_UpdateWindowSurfaceRects(a->win, &partial, 1);
  if (FS.path)
    fs_add("partial",
           (float)((double)(SDL_GetPerformanceCounter() - c0) * 1000.0 /
                   (double)SDL_GetPerformanceFrequency()),
           (float)(cpu_ms() - u0));
}

int ui_run(app *a) {
  const char *fs = getenv("KIOSK_FRAME_STATS");
  if (fs && *fs) {
    FS.path = fs;
    FS.since_ms = app_now_ms();
  }
  while (!a->quit) {
    uint64_t now = app_now_ms();
    uint64_t deadline = app_tick(a, now);
    if (a->script) {
      uint64_t d = script_run_step(a->script, a, now);
      if (d < deadline) deadline = d;
      if (a->quit) break;
    }
    if (a->dirty) frame(a);
    else if (has_partial) partial_frame(a);
    now = app_now_ms();
    /* A loop that stops passing here stops the pings: systemd restarts a
     * hung UI. The wait is capped so an idle loop still wakes for them. */
    uint64_t wd = sdnotify_tick(now);
    if (wd < deadline) deadline = wd;
    int timeout = deadline <= now           ? 0
                  : deadline - now > 60000 ? 60000
                                           : (int)(deadline - now);
    SDL_Event ev;
    int got = SDL_WaitEventTimeout(&ev, timeout);
    FS.wakeups++;
    if (got) {
      do {
        if (app_handle_event(a, &ev)) a->dirty = 1;
      } while (!a->quit && SDL_PollEvent(&ev));
    }
  }
  sdnotify_stopping(); /* the queue is flushed by app_close() next */
  fs_write();
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
