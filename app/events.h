/*
 * events: SDL user events that carry worker results to the UI thread.
 *
 * Workers (the API worker, the scanner thread) never touch UI state: they
 * wrap a heap-allocated result into an event with events_push(), which is
 * safe from any thread (SDL_PushEvent is). The UI thread takes ownership of
 * data1 when it handles the event. Contract: events_init() runs once on the
 * UI thread after SDL_Init and before any worker starts.
 */
#ifndef EVENTS_H
#define EVENTS_H

#include <SDL.h>

typedef enum {
  EVENTS_API,  /* data1: apiw_result *, free with apiw_result_free */
  EVENTS_SCAN, /* data1: scanw_result *, free with scanw_result_free */
  EVENTS_WAKE, /* no data: something changed, redraw */
  EVENTS_TXN,  /* data1: sync_event *, free with sync_event_free (txn.h) */
  EVENTS_PRN,  /* data1: prnw_result *, free with prnw_result_free */
  EVENTS_CAT,  /* data1: catalog_result *, free with catalog_result_free */
  EVENTS_COUNT
} events_kind;

int events_init(char *msg);
/* The SDL event type of kind, for switch statements. */
Uint32 events_type(events_kind kind);
/* -1 when the event is not one of ours. */
int events_kind_of(const SDL_Event *ev);
/* 0, or KERR_BUSY when SDL's queue is full (the caller still owns data). */
int events_push(events_kind kind, void *data);

#endif
