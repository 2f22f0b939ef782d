/* usb: / usb:VID:PID transport over libusb.
 *
 * REALITY: on Linux the kernel's usblp driver binds every printer-class
 * interface, so it must be detached before claiming; but some setups (and
 * umockdev) refuse the detach while nothing is really bound, so detach only
 * when a driver is active and carry on when it is refused: the claim that
 * follows tells whether the interface is really ours. */
#include <libusb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"
#include "prn_transport.h"

#define USB_CHUNK 4096 /* one bulk transfer; small printers ack in 4 KiB */
#define USB_CLASS_PRINTER 7

typedef struct {
  libusb_context *ctx;
  libusb_device_handle *h;
  int iface;
  uint8_t ep_out, ep_in; /* ep_in 0: no status channel */
  int vid, pid;          /* wanted; -1 = any printer class */
  int found_vid, found_pid;
  prn_opts o;
} usb_state;

static void want(const usb_state *s, char *buf, size_t n) {
  if (s->vid >= 0)
    snprintf(buf, n, "%04x:%04x", s->vid, s->pid);
  else
    snprintf(buf, n, "with a printer interface (class 7)");
}

/* Finds the interface to use: class 7, or with usb:VID:PID the first
 * interface with a bulk OUT endpoint (some printers say vendor class 0xff). */
static int pick_iface(libusb_device *d, int any_class, usb_state *s) {
  struct libusb_config_descriptor *cfg = NULL;
  if (libusb_get_active_config_descriptor(d, &cfg) != 0 &&
      libusb_get_config_descriptor(d, 0, &cfg) != 0)
    return 0;
  int ok = 0;
  for (int i = 0; i < cfg->bNumInterfaces && !ok; i++) {
    const struct libusb_interface *itf = &cfg->interface[i];
    for (int a = 0; a < itf->num_altsetting && !ok; a++) {
      const struct libusb_interface_descriptor *id = &itf->altsetting[a];
      if (!any_class && id->bInterfaceClass != USB_CLASS_PRINTER)
        continue;
      uint8_t out = 0, in = 0;
      for (int e = 0; e < id->bNumEndpoints; e++) {
        const struct libusb_endpoint_descriptor *ep = &id->endpoint[e];
        if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
          continue;
        if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) {
          if (!in)
            in = ep->bEndpointAddress;
        } else if (!out) {
          out = ep->bEndpointAddress;
        }
      }
      if (out) {
        s->iface = id->bInterfaceNumber;
        s->ep_out = out;
        s->ep_in = in;
        ok = 1;
      }
    }
  }
  libusb_free_config_descriptor(cfg);
  return ok;
}

static int usb_connect(usb_state *s, char *msg) {
  libusb_device **list = NULL;
  ssize_t n = libusb_get_device_list(s->ctx, &list);
  char what[64];
  want(s, what, sizeof what);
  if (n < 0)
    return kerr_set(msg, KERR_DEVICE, "USB device list: %s", libusb_error_name((int)n));
  libusb_device *dev = NULL;
  for (ssize_t i = 0; i < n && !dev; i++) {
    struct libusb_device_descriptor dd;
    if (libusb_get_device_descriptor(list[i], &dd) != 0)
      continue;
    if (s->vid >= 0 && (dd.idVendor != s->vid || dd.idProduct != s->pid))
      continue;
    if (pick_iface(list[i], s->vid >= 0, s)) {
      dev = list[i];
      s->found_vid = dd.idVendor;
      s->found_pid = dd.idProduct;
    }
  }
  if (!dev) {
    libusb_free_device_list(list, 1);
    return kerr_set(msg, KERR_NOT_FOUND, "no printer found: no USB device %s", what);
  }
  int bus = libusb_get_bus_number(dev), addr = libusb_get_device_address(dev);
  int r = libusb_open(dev, &s->h);
  libusb_free_device_list(list, 1);
  if (r == LIBUSB_ERROR_ACCESS)
    return kerr_set(msg, KERR_DENIED,
                    "permission denied on USB printer %04x:%04x (/dev/bus/usb/%03d/%03d): "
                    "add SUBSYSTEM==\"usb\", ATTR{idVendor}==\"%04x\", "
                    "ATTR{idProduct}==\"%04x\", MODE=\"0660\", GROUP=\"kiosk\" to "
                    "/etc/udev/rules.d/61-kiosk-local.rules (the packaged rule is "
                    "/lib/udev/rules.d/60-kiosk.rules), run udevadm trigger and replug",
                    s->found_vid, s->found_pid, bus, addr, s->found_vid, s->found_pid);
  if (r != 0)
    return kerr_set(msg, KERR_DEVICE, "open USB printer %04x:%04x: %s", s->found_vid,
                    s->found_pid, libusb_error_name(r));
  if (libusb_kernel_driver_active(s->h, s->iface) == 1) {
    r = libusb_detach_kernel_driver(s->h, s->iface);
    if (r != 0)
      klog_warn("prn", "detach kernel driver from %04x:%04x: %s (trying to claim anyway)",
                s->found_vid, s->found_pid, libusb_error_name(r));
  }
  r = libusb_claim_interface(s->h, s->iface);
  if (r != 0) {
    libusb_close(s->h);
    s->h = NULL;
    return kerr_set(msg, r == LIBUSB_ERROR_BUSY ? KERR_BUSY : KERR_DEVICE,
                    "claim USB printer %04x:%04x interface %d: %s%s", s->found_vid,
                    s->found_pid, s->iface, libusb_error_name(r),
                    r == LIBUSB_ERROR_BUSY ? " (another program, e.g. CUPS, holds it)" : "");
  }
  return KERR_OK;
}

static void disconnect(usb_state *s) {
  if (!s->h)
    return;
  libusb_release_interface(s->h, s->iface);
  libusb_close(s->h);
  s->h = NULL;
}

static int usb_open(const prn_uri *u, const prn_opts *o, void **state, char *msg) {
  usb_state *s = calloc(1, sizeof *s);
  if (!s)
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  s->vid = u->vid;
  s->pid = u->pid;
  s->o = *o;
  int r = libusb_init(&s->ctx);
  if (r != 0) {
    free(s);
    return kerr_set(msg, KERR_DEVICE, "libusb_init: %s", libusb_error_name(r));
  }
  int rc = usb_connect(s, msg);
  if (rc) {
    libusb_exit(s->ctx);
    free(s);
    return rc;
  }
  *state = s;
  return KERR_OK;
}

/* Maps a failed transfer; an unplugged device is dropped so the next call
 * finds and opens it again. */
static int xfer_error(usb_state *s, int r, const char *what, size_t done, size_t n,
                      char *msg) {
  if (r == LIBUSB_ERROR_NO_DEVICE) {
    disconnect(s);
    return kerr_set(msg, KERR_DEVICE, "USB printer %04x:%04x unplugged during %s (%zu of %zu "
                    "bytes sent)", s->found_vid, s->found_pid, what, done, n);
  }
  if (r == LIBUSB_ERROR_PIPE) {
    /* Clear the stall so the next job starts on a clean pipe. */
    libusb_clear_halt(s->h, s->ep_out);
    return kerr_set(msg, KERR_DEVICE, "USB printer %04x:%04x stalled during %s (%zu of %zu "
                    "bytes sent): %s", s->found_vid, s->found_pid, what, done, n,
                    libusb_error_name(r));
  }
  if (r == LIBUSB_ERROR_TIMEOUT)
    return kerr_set(msg, KERR_TIMEOUT, "USB printer %04x:%04x took no data for %d ms during "
                    "%s (%zu of %zu bytes sent; paper out or offline?)", s->found_vid,
                    s->found_pid, s->o.write_ms, what, done, n);
  return kerr_set(msg, KERR_DEVICE, "USB printer %04x:%04x %s: %s (%zu of %zu bytes sent)",
                  s->found_vid, s->found_pid, what, libusb_error_name(r), done, n);
}

static int usb_write(void *state, const uint8_t *b, size_t n, char *msg) {
  usb_state *s = state;
  if (!s->h) {
    int rc = usb_connect(s, msg);
    if (rc)
      return rc;
  }
  size_t done = 0;
  while (done < n) {
    int len = n - done > USB_CHUNK ? USB_CHUNK : (int)(n - done), got = 0;
    int r = libusb_bulk_transfer(s->h, s->ep_out, (unsigned char *)(uintptr_t)(b + done), len,
                                 &got, (unsigned)s->o.write_ms);
    if (got > 0)
      done += (size_t)got;
    if (r != 0)
      return xfer_error(s, r, "a job", done, n, msg);
  }
  return KERR_OK;
}

static int usb_status(void *state, int n, uint8_t *answer, char *msg) {
  usb_state *s = state;
  if (!s->h) {
    int rc = usb_connect(s, msg);
    if (rc)
      return rc;
  }
  if (!s->ep_in)
    return kerr_set(msg, KERR_UNSUPPORTED, "USB printer %04x:%04x has no bulk IN endpoint",
                    s->found_vid, s->found_pid);
  uint8_t q[3], in[64];
  prn_escpos_status_query(q, n);
  int got = 0;
  int r = libusb_bulk_transfer(s->h, s->ep_out, q, 3, &got, (unsigned)s->o.write_ms);
  if (r != 0)
    return xfer_error(s, r, "a status query", (size_t)got, 3, msg);
  /* 64 bytes, a whole packet: a shorter buffer overflows if the printer
   * sends more than one byte in its answer packet. */
  r = libusb_bulk_transfer(s->h, s->ep_in, in, sizeof in, &got, (unsigned)s->o.status_ms);
  if (r == LIBUSB_ERROR_TIMEOUT)
    return kerr_set(msg, KERR_TIMEOUT, "USB printer %04x:%04x: no answer to DLE EOT %d "
                    "within %d ms", s->found_vid, s->found_pid, n, s->o.status_ms);
  if (r != 0)
    return xfer_error(s, r, "a status read", 0, 1, msg);
  if (got < 1)
    return kerr_set(msg, KERR_PROTO, "USB printer %04x:%04x: empty answer to DLE EOT %d",
                    s->found_vid, s->found_pid, n);
  *answer = in[got - 1];
  return KERR_OK;
}

static void usb_close(void *state) {
  usb_state *s = state;
  if (!s)
    return;
  disconnect(s);
  libusb_exit(s->ctx);
  free(s);
}

const prn_transport_ops prn_usb_ops = {"usb", usb_open, usb_write, usb_status, usb_close};
