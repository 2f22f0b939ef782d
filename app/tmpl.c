#include "tmpl.h"

#include <stdio.h>
#include <string.h>

static size_t put(char *out, size_t cap, size_t at, const char *s, size_t n) {
  if (at + n >= cap) {
    n = cap - 1 - at;
    /* Do not cut a UTF-8 sequence in half. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  }
  memcpy(out + at, s, n);
  return at + n;
}

void tmpl_fill(char *out, size_t cap, const char *t, const char *const *kv) {
  size_t at = 0;
  if (!cap) return;
  while (*t && at < cap - 1) {
    const char *close = *t == '{' ? strchr(t, '}') : NULL;
    if (close) {
      size_t n = (size_t)(close - t - 1);
      const char *val = NULL;
      for (const char *const *p = kv; p && p[0] && p[1]; p += 2)
        if (strlen(p[0]) == n && strncmp(p[0], t + 1, n) == 0) val = p[1];
      if (val) {
        at = put(out, cap, at, val, strlen(val));
        t = close + 1;
        continue;
      }
    }
    at = put(out, cap, at, t, 1);
    t++;
  }
  if (*t) {
    /* Truncated: drop a trailing incomplete UTF-8 sequence. */
    size_t k = at;
    while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80) k--;
    if (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0xC0) {
      unsigned char lead = (unsigned char)out[k - 1];
      size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
      if (at - (k - 1) < need) at = k - 1;
    }
  }
  out[at] = '\0';
}

void tmpl_number(int64_t n, char *out, size_t cap) {
  char digits[32];
  int neg = n < 0;
  uint64_t u = neg ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
  snprintf(digits, sizeof digits, "%llu", (unsigned long long)u);
  char buf[48];
  size_t len = strlen(digits), j = 0;
  if (neg) buf[j++] = '-';
  for (size_t i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) buf[j++] = ',';
    buf[j++] = digits[i];
  }
  buf[j] = '\0';
  snprintf(out, cap, "%s", buf);
}
