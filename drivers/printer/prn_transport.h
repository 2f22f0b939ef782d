/*
 * prn_transport: one interface over every way bytes reach a printer.
 *
 * Printer URIs (config and command line), parsed only by prn_transport_parse:
 *   file:PATH       the byte stream is written to PATH, and the raster it
 *                   carries (all GS v 0 bands stacked) to PATH.png; no status.
 *   tcp:HOST:PORT   raw socket (port 9100 on network printers); HOST may be a
 *                   name, an IPv4 address or [IPv6].
 *   usb:            the first USB device with a printer interface (class 7).
 *   usb:VID:PID     that device (hex), whatever its interface class says.
 *
 * Contract: each transport is a prn_transport_ops table (prn_file.c,
 * prn_tcp.c, prn_usb.c). write() sends everything or fails: KERR_TIMEOUT when
 * the printer stopped taking data for timeout_ms (paper out, offline),
 * KERR_DEVICE for a stall or an unplug, KERR_NET for a dropped connection.
 * status(n) sends DLE EOT n and returns the answer byte, or KERR_UNSUPPORTED
 * (file, or a USB printer without a bulk IN endpoint). After an unplug or a
 * dropped connection the transport re-opens on the next call, so a printer
 * that was power-cycled works again for the next job.
 */
#ifndef PRN_TRANSPORT_H
#define PRN_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "kerr.h"
#include "prn_escpos.h"

typedef enum { PRN_URI_FILE, PRN_URI_TCP, PRN_URI_USB } prn_uri_kind;

typedef struct prn_uri {
  prn_uri_kind kind;
  char path[1024]; /* file */
  char host[256];  /* tcp */
  int port;
  int vid, pid;    /* usb; -1 = any printer-class device */
} prn_uri;

typedef struct prn_opts {
  int connect_ms; /* tcp connect / usb open, default 5000 */
  int write_ms;   /* longest wait for the printer to take data, default 10000 */
  int status_ms;  /* longest wait for a DLE EOT answer, default 2000 */
} prn_opts;

typedef struct prn_transport_ops {
  const char *name;
  int (*open)(const prn_uri *u, const prn_opts *o, void **state, char *msg);
  int (*write)(void *state, const uint8_t *bytes, size_t len, char *msg);
  int (*status)(void *state, int n, uint8_t *answer, char *msg);
  void (*close)(void *state);
} prn_transport_ops;

extern const prn_transport_ops prn_file_ops, prn_tcp_ops, prn_usb_ops;

typedef struct prn_transport prn_transport;

int prn_transport_parse(const char *uri, prn_uri *out, char *msg);
/* Fills o with the defaults above. */
void prn_transport_defaults(prn_opts *o);
/* opts may be NULL for the defaults. */
int prn_transport_open(const char *uri, const prn_opts *opts, prn_transport **out,
                       char *msg);
void prn_transport_close(prn_transport *t);
int prn_transport_write(prn_transport *t, const uint8_t *bytes, size_t len, char *msg);
/* Reads DLE EOT 1..4 into st. KERR_UNSUPPORTED when the transport has none. */
int prn_transport_status(prn_transport *t, prn_status *st, char *msg);
const prn_uri *prn_transport_uri(const prn_transport *t);

#endif
