#include "hold.h"

#include "screen.h"
#include "widget.h"

void hold_event(app *a, const SDL_Event *ev, uint64_t *since) {
  const widget *g = wset_find(&a->ws, "admin-gesture");
  if (ev->type == SDL_MOUSEBUTTONDOWN && g &&
      SDL_PointInRect(&(SDL_Point){ev->button.x, ev->button.y}, &g->r))
    *since = app_now_ms();
  else if (ev->type == SDL_MOUSEBUTTONUP ||
           (ev->type == SDL_MOUSEMOTION && g &&
            !SDL_PointInRect(&(SDL_Point){ev->motion.x, ev->motion.y}, &g->r)))
    *since = 0;
}

uint64_t hold_tick(app *a, uint64_t now, uint64_t *since) {
  if (!*since) return UINT64_MAX;
  if (now < *since + HOLD_ADMIN_MS) return *since + HOLD_ADMIN_MS;
  *since = 0;
  screen_push(a, &scr_admin);
  return UINT64_MAX;
}
