#include "events.h"

#include "kerr.h"

static Uint32 base = (Uint32)-1;

int events_init(char *msg) {
  if (base != (Uint32)-1) return KERR_OK;
  Uint32 b = SDL_RegisterEvents(EVENTS_COUNT);
  if (b == (Uint32)-1)
    return kerr_set(msg, KERR_NOMEM, "SDL_RegisterEvents: no event types left");
  base = b;
  return KERR_OK;
}

Uint32 events_type(events_kind kind) { return base + (Uint32)kind; }

int events_kind_of(const SDL_Event *ev) {
  if (base == (Uint32)-1 || ev->type < base || ev->type >= base + EVENTS_COUNT)
    return -1;
  return (int)(ev->type - base);
}

int events_push(events_kind kind, void *data) {
  SDL_Event ev;
  SDL_zero(ev);
  ev.type = events_type(kind);
  ev.user.data1 = data;
  return SDL_PushEvent(&ev) == 1 ? KERR_OK : KERR_BUSY;
}
