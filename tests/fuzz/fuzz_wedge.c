/* libFuzzer: the evdev records a USB keyboard-wedge scanner (or anything
 * plugged in as one) sends, decoded the way scan_wedge reads them: every
 * struct input_event-sized chunk of the input is one record. Whatever
 * arrives, a completed code is printable ASCII, NUL-terminated and no
 * longer than max_len, and an over-long one is refused, never cut. */
#include <linux/input.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "kerr.h"
#include "scan_wedge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LEN 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  scan_wedge_keys *k;
  kerr_msg msg;
  char out[SCAN_SOURCE_PAYLOAD_MAX];
  if (scan_wedge_keys_new(&k, MAX_LEN, 50, msg) != 0) abort();
  for (size_t off = 0; off + sizeof(struct input_event) <= size;
       off += sizeof(struct input_event)) {
    struct input_event ev;
    size_t len = 0;
    memcpy(&ev, data + off, sizeof ev);
    /* The kernel stamps events (sec since boot or epoch, usec < 10^6); the
     * device only chooses type, code and value. */
    ev.input_event_sec = (time_t)((uint64_t)ev.input_event_sec % 4000000000u);
    ev.input_event_usec = (suseconds_t)((uint64_t)ev.input_event_usec % 1000000u);
    int rc = scan_wedge_keys_feed(
        k, ev.type, ev.code, ev.value,
        (int64_t)ev.input_event_sec * 1000000 + (int64_t)ev.input_event_usec,
        out, sizeof out, &len, msg);
    if (rc == 1) {
      if (len < 1 || len > MAX_LEN || strlen(out) != len) abort();
      for (size_t i = 0; i < len; i++)
        if (out[i] < 0x20 || out[i] > 0x7e) abort();
    } else if (rc < 0) {
      fuzz_check_str(msg, sizeof msg);
      if (rc != KERR_INVALID) abort();
    } else if (rc != 0) {
      abort();
    }
  }
  scan_wedge_keys_free(k);
  return 0;
}
