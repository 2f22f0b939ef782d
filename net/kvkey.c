#include "kvkey.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void from_seed(kvkey *k, const unsigned char seed[32]) {
  crypto_sign_seed_keypair(k->pk, k->sk, seed);
  sodium_bin2base64(k->pk_b64, sizeof k->pk_b64, k->pk, sizeof k->pk,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void kvkey_demo(kvkey *out) {
  unsigned char seed[32];
  _Static_assert(sizeof KVKEY_DEMO_SEED == 33, "the demo seed is 32 bytes");
  memcpy(seed, KVKEY_DEMO_SEED, 32);
  from_seed(out, seed);
}

void kvkey_wipe(kvkey *k) { sodium_memzero(k, sizeof *k); }

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* A new seed in a temporary file, then link(): the final name appears whole
 * or not at all, and never replaces a key another start wrote first. */
static int create(const char *dir, const char *path, char *msg) {
  unsigned char seed[32];
  char hex[66], tmp[PATH_MAX];
  int fd, rc = KERR_OK;
  if (snprintf(tmp, sizeof tmp, "%s/.%s.%ld", dir, KVKEY_FILE,
               (long)getpid()) >= (int)sizeof tmp)
    return kerr_set(msg, KERR_INVALID, "voucher key: path too long");
  randombytes_buf(seed, sizeof seed);
  sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
  sodium_memzero(seed, sizeof seed);
  hex[64] = '\n';
  hex[65] = '\0';
  unlink(tmp);
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return kerr_set(msg, KERR_IO, "voucher key %s: %s", tmp, strerror(errno));
  if (write_all(fd, hex, 65) != 0 || fsync(fd) != 0)
    rc = kerr_set(msg, KERR_IO, "voucher key %s: %s", tmp, strerror(errno));
  sodium_memzero(hex, sizeof hex);
  close(fd);
  if (rc == KERR_OK && link(tmp, path) != 0 && errno != EEXIST)
    rc = kerr_set(msg, KERR_IO, "voucher key %s: %s", path, strerror(errno));
  unlink(tmp);
  if (rc == KERR_OK) {
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      fsync(fd); /* the new name survives a power cut */
      close(fd);
    }
  }
  return rc;
}

static int read_seed(const char *path, unsigned char seed[32], char *msg) {
  char buf[80];
  size_t n = 0, bin = 0;
  const char *end = NULL;
  struct stat sb;
  ssize_t r;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return kerr_set(msg, errno == ENOENT ? KERR_NOT_FOUND : KERR_IO,
                    "voucher key %s: %s", path, strerror(errno));
  if (fstat(fd, &sb) == 0 && (sb.st_mode & 077))
    fchmod(fd, 0600); /* someone loosened it: a key is nobody else's */
  while (n < sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
    n += (size_t)r;
  close(fd);
  buf[n] = '\0';
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) buf[--n] = '\0';
  if (n != 64 || sodium_hex2bin(seed, 32, buf, n, NULL, &bin, &end) != 0 ||
      bin != 32 || *end != '\0') {
    sodium_memzero(buf, sizeof buf);
    return kerr_set(msg, KERR_CONFIG,
                    "voucher key %s: not 64 hex digits (fix or remove it; a "
                    "new key must be registered at the central again)",
                    path);
  }
  sodium_memzero(buf, sizeof buf);
  return KERR_OK;
}

int kvkey_load(const char *dir, kvkey *out, char *msg) {
  char path[PATH_MAX];
  unsigned char seed[32];
  int rc;
  if (sodium_init() < 0)
    return kerr_set(msg, KERR_INVALID, "libsodium failed to initialise");
  if (snprintf(path, sizeof path, "%s/%s", dir, KVKEY_FILE) >= (int)sizeof path)
    return kerr_set(msg, KERR_INVALID, "voucher key: path too long");
  if (mkdir(dir, 0700) != 0 && errno != EEXIST)
    return kerr_set(msg, KERR_IO, "state directory %s: %s", dir,
                    strerror(errno));
  rc = read_seed(path, seed, msg);
  if (rc == KERR_NOT_FOUND && (rc = create(dir, path, msg)) == KERR_OK)
    rc = read_seed(path, seed, msg);
  if (rc) return rc;
  from_seed(out, seed);
  sodium_memzero(seed, sizeof seed);
  return KERR_OK;
}

int kvkey_sign(const kvkey *k, const char *head, char *out, size_t cap) {
  unsigned char sig[crypto_sign_BYTES];
  size_t n = strlen(head);
  if (n + 1 + KVKEY_SIG_B64 + 1 > cap) return KERR_INVALID;
  crypto_sign_detached(sig, NULL, (const unsigned char *)head, n, k->sk);
  memcpy(out, head, n);
  out[n] = '.';
  sodium_bin2base64(out + n + 1, cap - n - 1, sig, sizeof sig,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return KERR_OK;
}

int kvkey_verify(const unsigned char pk[32], const char *code) {
  unsigned char sig[crypto_sign_BYTES];
  const char *dot = strrchr(code, '.');
  size_t len = 0;
  if (!dot || strlen(dot + 1) != KVKEY_SIG_B64 ||
      sodium_base642bin(sig, sizeof sig, dot + 1, KVKEY_SIG_B64, NULL, &len,
                        NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != sizeof sig)
    return 0;
  return crypto_sign_verify_detached(sig, (const unsigned char *)code,
                                     (size_t)(dot - code), pk) == 0;
}
