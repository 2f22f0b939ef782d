/*
 * scanw: the kiosk's scanner thread. QR drawing and zbar decoding run here,
 * never on the UI thread.
 *
 * Jobs: scanw_submit_code() draws a payload as a QR image (the demo path:
 * a tapped demo card goes through the real decoder), scanw_submit_frame()
 * decodes a grey frame. Each job ends in exactly one on_done call on the
 * scanner thread; the kiosk's callback only posts it as an SDL event.
 * Contract: submit never blocks on decoding (it queues; KERR_BUSY past 8
 * waiting jobs); scanw_stop() joins the thread after answering what is left
 * with rc KERR_BUSY. The callback owns the result (scanw_result_free).
 */
#ifndef SCANW_H
#define SCANW_H

#include <stddef.h>
#include <stdint.h>

#include "kerr.h"

#define SCANW_PAYLOAD_MAX 512

typedef struct scanw scanw;

typedef struct {
  int tag;
  int rc;      /* KERR_OK when decoding ran */
  int found;   /* 1 when a QR payload was read */
  char payload[SCANW_PAYLOAD_MAX];
  size_t payload_len; /* full length, may exceed the buffer */
  kerr_msg msg;
} scanw_result;

typedef void (*scanw_done_fn)(void *ctx, scanw_result *result);

int scanw_start(scanw_done_fn on_done, void *ctx, scanw **out, char *msg);
int scanw_submit_code(scanw *s, int tag, const char *payload);
/* Takes ownership of grey (malloc'd w*h bytes). */
int scanw_submit_frame(scanw *s, int tag, uint8_t *grey, int w, int h);
void scanw_stop(scanw *s);
void scanw_result_free(scanw_result *r);

#endif
