#include "ctl_keys.h"

#include <sodium.h>
#include <string.h>

#include "ctl_db.h"

int ctl_keys_parse_seed(const char *seed_hex, unsigned char seed[32]) {
  size_t n = 0;
  const char *end = NULL;
  if (!seed_hex || strlen(seed_hex) != 64) return KERR_INVALID;
  if (sodium_hex2bin(seed, 32, seed_hex, 64, NULL, &n, &end) != 0 || n != 32 ||
      *end != '\0')
    return KERR_INVALID;
  return KERR_OK;
}

int ctl_keys_load(sqlite3 *conn, const char *seed_hex, ctl_keys *out,
                  char *msg) {
  unsigned char seed[32];
  size_t len = 0;
  int rc;

  if (seed_hex) {
    if (ctl_keys_parse_seed(seed_hex, seed) != 0)
      return kerr_set(msg, KERR_INVALID, "signing seed: want 64 hex digits");
  } else {
    rc = ctl_db_meta_get(conn, "signing_seed", seed, sizeof seed, &len, msg);
    if (rc == KERR_NOT_FOUND) {
      randombytes_buf(seed, sizeof seed);
      /* OR IGNORE + read back: a second process starting on the same file
       * at the same moment ends up with the same key. */
      sqlite3_stmt *st;
      if ((rc = ctl_db_prepare(conn,
                               "INSERT OR IGNORE INTO meta(key, value) "
                               "VALUES('signing_seed', ?)",
                               &st, msg)) != 0)
        return rc;
      sqlite3_bind_blob(st, 1, seed, sizeof seed, SQLITE_TRANSIENT);
      rc = sqlite3_step(st);
      ctl_db_finish(st);
      if (rc != SQLITE_DONE)
        return kerr_set(msg, KERR_DB, "store signing key: %s",
                        sqlite3_errmsg(conn));
      rc = ctl_db_meta_get(conn, "signing_seed", seed, sizeof seed, &len, msg);
    }
    if (rc) return rc;
    if (len != sizeof seed)
      return kerr_set(msg, KERR_DB, "stored signing key has %zu bytes", len);
  }
  crypto_sign_seed_keypair(out->pk, out->sk, seed);
  sodium_memzero(seed, sizeof seed);
  sodium_bin2base64(out->pk_b64, sizeof out->pk_b64, out->pk, sizeof out->pk,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return KERR_OK;
}
