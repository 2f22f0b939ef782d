/* Unit tests of the central's side of offline vouchers: the --kiosk flag
 * with a voucher key, demo-kiosk's demo key, the kiosks table's key, and
 * reading an offline code's fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_db.h"
#include "ctl_env.h"
#include "ctl_vouchers.h"

static ctl_env env;

static void pk_b64(const unsigned char pk[32], char out[44]) {
  sodium_bin2base64(out, 44, pk, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void kiosk_flag_takes_an_optional_voucher_key(void **state) {
  unsigned char pk[32], sk[64], got[32];
  char b64[44], flag[256];
  kerr_msg msg;
  (void)state;
  memset(&env, 0, sizeof env);
  crypto_sign_keypair(pk, sk);
  pk_b64(pk, b64);
  snprintf(flag, sizeof flag, "K-0001:s3cret:%s", b64);
  assert_int_equal(ctl_env_add_kiosk(&env, flag, msg), 0);
  assert_string_equal(env.kiosks[0].secret, "s3cret");
  assert_true(env.kiosks[0].has_voucher_pk);
  assert_int_equal(ctl_env_kiosk_voucher_key(&env, NULL, "K-0001", got), 0);
  assert_memory_equal(got, pk, 32);
  /* Without a key, and with a secret that holds a colon: as before. */
  assert_int_equal(ctl_env_add_kiosk(&env, "K-0002:a:b", msg), 0);
  assert_string_equal(env.kiosks[1].secret, "a:b");
  assert_false(env.kiosks[1].has_voucher_pk);
  assert_int_equal(ctl_env_add_kiosk(&env, "K-0003::", msg), 0);
  assert_int_equal(ctl_env_add_kiosk(&env, "K-0004", msg), KERR_INVALID);
}

static void demo_kiosk_knows_the_documented_demo_key(void **state) {
  unsigned char pk[32], sk[64], got[32];
  kerr_msg msg;
  (void)state;
  memset(&env, 0, sizeof env);
  assert_int_equal(ctl_env_add_kiosk(&env, "demo-kiosk:demo-secret", msg), 0);
  ctl_env_demo_voucher_key(&env);
  crypto_sign_seed_keypair(pk, sk,
                           (const unsigned char *)"demo-kiosk voucher key, public!!");
  assert_int_equal(ctl_env_kiosk_voucher_key(&env, NULL, "demo-kiosk", got), 0);
  assert_memory_equal(got, pk, 32);
}

static void the_kiosks_table_holds_voucher_keys_too(void **state) {
  char path[] = "/tmp/central-offline-XXXXXX", b64[44], sql[256];
  unsigned char pk[32], sk[64], got[32];
  kerr_msg msg;
  int fd;
  (void)state;
  memset(&env, 0, sizeof env);
  assert_true((fd = mkstemp(path)) >= 0);
  close(fd);
  assert_int_equal(ctl_db_open(path, 1, &env.db, msg), 0);
  crypto_sign_keypair(pk, sk);
  pk_b64(pk, b64);
  snprintf(sql, sizeof sql,
           "INSERT INTO kiosks(id, secret, voucher_key) VALUES('K-9', 's', '%s'),"
           " ('K-8', 's', NULL)",
           b64);
  sqlite3 *c = ctl_db_acquire(env.db);
  assert_int_equal(ctl_db_exec(c, sql, msg), 0);
  assert_int_equal(ctl_env_kiosk_voucher_key(&env, c, "K-9", got), 0);
  assert_memory_equal(got, pk, 32);
  assert_int_equal(ctl_env_kiosk_voucher_key(&env, c, "K-8", got), KERR_NOT_FOUND);
  assert_int_equal(ctl_env_kiosk_voucher_key(&env, c, "K-7", got), KERR_NOT_FOUND);
  ctl_db_release(env.db, c);
  ctl_db_close(env.db);
  char side[64];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}

static void offline_code_fields_are_read_strictly(void **state) {
  ctl_voucher_fields f;
  char sig[87], code[256];
  (void)state;
  memset(sig, 'A', 86);
  sig[86] = '\0';
  snprintf(code, sizeof code, "KV1.O0123456789AB.P001.M100004.1798675200.%s", sig);
  assert_int_equal(ctl_vouchers_offline_fields(code, &f), 0);
  assert_string_equal(f.voucher_id, "O0123456789AB");
  assert_string_equal(f.item_id, "P001");
  assert_string_equal(f.member_id, "M100004");
  assert_int_equal(f.expires_at, 1798675200);
  /* The central's own ids, lowercase hex, short ids, extra fields, a
   * leading zero, a short signature: not offline codes. */
  const char *bad[] = {"KV1.V0123456789AB.P001.M1.1798675200.",
                       "KV1.O0123456789ab.P001.M1.1798675200.",
                       "KV1.O0123.P001.M1.1798675200.",
                       "KV1.O0123456789AB.P001.M1.x.1798675200.",
                       "KV1.O0123456789AB.P001.M1.0798675200.",
                       "KV1.O0123456789AB..M1.1798675200."};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(code, sizeof code, "%s%s", bad[i], sig);
    assert_int_equal(ctl_vouchers_offline_fields(code, &f), KERR_INVALID);
  }
  snprintf(code, sizeof code, "KV1.O0123456789AB.P001.M1.1798675200.%.85s", sig);
  assert_int_equal(ctl_vouchers_offline_fields(code, &f), KERR_INVALID);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(kiosk_flag_takes_an_optional_voucher_key),
      cmocka_unit_test(demo_kiosk_knows_the_documented_demo_key),
      cmocka_unit_test(the_kiosks_table_holds_voucher_keys_too),
      cmocka_unit_test(offline_code_fields_are_read_strictly),
  };
  if (sodium_init() < 0) return 1;
  return cmocka_run_group_tests(tests, NULL, NULL);
}
