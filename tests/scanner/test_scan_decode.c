/* Round trips through the real encoder and decoder: what the demo does with
 * a tapped member card, and what a phone screen looks like at its best. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "kerr.h"
#include "mcode.h"
#include "scan_qrgen.h"
#include "scan_zbar.h"

typedef struct {
  scan_zbar *dec;
  unsigned char pk[32], sk[64];
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  kerr_msg msg;
  if (!f || sodium_init() < 0) return -1;
  if (scan_zbar_new(&f->dec, msg) != KERR_OK) return -1;
  crypto_sign_keypair(f->pk, f->sk);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  scan_zbar_free(f->dec);
  free(f);
  return 0;
}

/* Renders payload at scale, decodes it, and returns what came back. */
static int round_trip(fixture *f, const char *payload, int scale, char *out,
                      size_t cap, size_t *len) {
  uint8_t *img = NULL;
  int w, h, rc;
  kerr_msg msg;
  assert_int_equal(scan_qrgen_render(payload, scale, &img, &w, &h, msg),
                   KERR_OK);
  rc = scan_zbar_decode(f->dec, img, w, h, w, out, cap, len, msg);
  free(img);
  return rc;
}

static void member_codes_survive_render_and_decode_at_every_scale(void **state) {
  fixture *f = *state;
  static const int scales[] = {2, 3, 4, 6, 10};
  static const char *const tiers[] = {"standard", "silver", "gold", "diamond"};
  size_t i;
  for (i = 0; i < sizeof scales / sizeof scales[0]; i++) {
    mcode_claims c = {0}, back;
    mcode_policy pol = MCODE_POLICY_DEFAULT;
    char code[MCODE_MAX_LEN + 1], got[512];
    size_t len = 0;
    snprintf(c.member_id, sizeof c.member_id, "M%04zu-demo_%zu", i, i * 7);
    snprintf(c.tier, sizeof c.tier, "%s", tiers[i % 4]);
    c.points = (int64_t)i * 123456789;
    c.issued = 1700000000 + (int64_t)i;
    assert_int_equal(mcode_sign(&c, f->sk, code, sizeof code), 0);
    assert_int_equal(round_trip(f, code, scales[i], got, sizeof got, &len), 1);
    assert_string_equal(got, code);
    assert_int_equal(len, strlen(code));
    assert_int_equal(mcode_verify(got, len, f->pk, c.issued + 1, &pol, &back),
                     MCODE_OK);
    assert_string_equal(back.member_id, c.member_id);
  }
}

static void blank_frames_decode_to_nothing(void **state) {
  fixture *f = *state;
  const int w = 640, h = 360;
  uint8_t *img = malloc((size_t)w * h);
  char got[64] = "stale";
  size_t len = 99;
  kerr_msg msg;
  int v;
  assert_non_null(img);
  for (v = 0; v <= 255; v += 255) {
    memset(img, v, (size_t)w * h);
    assert_int_equal(scan_zbar_decode(f->dec, img, w, h, w, got, sizeof got,
                                      &len, msg), 0);
    assert_string_equal(got, "");
    assert_int_equal(len, 0);
  }
  free(img);
}

static void non_ascii_and_control_bytes_come_back_unchanged(void **state) {
  fixture *f = *state;
  static const char *const payloads[] = {
      "\xe4\xbc\x9a\xe5\x91\x98\xe7\xa0\x81 KM1", /* UTF-8 Chinese */
      "\x01\x02\x7f\x80\xfe\xff binary",          /* not text at all */
      "tab\there\nnewline\r\n",
      "\x81\x40\x81\x41", /* looks like Shift-JIS: must not be converted */
      "https://pay.example.com/q?x=1&y=%E4%B8%AD",
  };
  size_t i;
  for (i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
    char got[256];
    size_t len = 0;
    assert_int_equal(round_trip(f, payloads[i], 4, got, sizeof got, &len), 1);
    assert_int_equal(len, strlen(payloads[i]));
    assert_memory_equal(got, payloads[i], len);
  }
}

static void long_payload_is_truncated_to_cap_with_full_length_reported(
    void **state) {
  fixture *f = *state;
  char payload[301], got[16];
  size_t len = 0;
  memset(payload, 'x', 300);
  payload[300] = '\0';
  payload[0] = 'A';
  assert_int_equal(round_trip(f, payload, 3, got, sizeof got, &len), 1);
  assert_int_equal(len, 300);
  assert_int_equal(strlen(got), sizeof got - 1);
  assert_memory_equal(got, payload, sizeof got - 1);
}

static void padded_rows_are_read_through_the_stride(void **state) {
  fixture *f = *state;
  uint8_t *img = NULL, *padded;
  int w, h, y, stride;
  char got[128];
  size_t len;
  kerr_msg msg;
  assert_int_equal(scan_qrgen_render("stride test", 4, &img, &w, &h, msg),
                   KERR_OK);
  stride = w + 37;
  padded = malloc((size_t)stride * (size_t)h);
  assert_non_null(padded);
  /* Black padding: a decoder that ignored the stride would see garbage. */
  memset(padded, 0, (size_t)stride * (size_t)h);
  for (y = 0; y < h; y++)
    memcpy(padded + (size_t)y * stride, img + (size_t)y * w, (size_t)w);
  assert_int_equal(scan_zbar_decode(f->dec, padded, w, h, stride, got,
                                    sizeof got, &len, msg), 1);
  assert_string_equal(got, "stride test");
  free(padded);
  free(img);
}

static void bad_arguments_are_refused_with_a_message(void **state) {
  fixture *f = *state;
  uint8_t px[16] = {0};
  char got[8];
  kerr_msg msg = "";
  assert_int_equal(scan_zbar_decode(f->dec, px, 4, 4, 4, got, 0, NULL, msg),
                   KERR_INVALID);
  assert_int_equal(scan_zbar_decode(f->dec, px, 4, 4, 3, got, sizeof got,
                                    NULL, msg), KERR_INVALID);
  assert_int_equal(scan_zbar_decode(f->dec, px, 0, 4, 4, got, sizeof got,
                                    NULL, msg), KERR_INVALID);
  assert_true(strlen(msg) > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(member_codes_survive_render_and_decode_at_every_scale),
      cmocka_unit_test(blank_frames_decode_to_nothing),
      cmocka_unit_test(non_ascii_and_control_bytes_come_back_unchanged),
      cmocka_unit_test(long_payload_is_truncated_to_cap_with_full_length_reported),
      cmocka_unit_test(padded_rows_are_read_through_the_stride),
      cmocka_unit_test(bad_arguments_are_refused_with_a_message),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
