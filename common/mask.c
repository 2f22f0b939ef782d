#include "mask.h"

#include <string.h>

/* Length in bytes of the UTF-8 sequence starting at s, or 0 if invalid. */
static size_t utf8_len(const unsigned char *s) {
  size_t n, i;
  if (s[0] < 0x80) return 1;
  if ((s[0] & 0xE0) == 0xC0) n = 2;
  else if ((s[0] & 0xF0) == 0xE0) n = 3;
  else if ((s[0] & 0xF8) == 0xF0) n = 4;
  else return 0;
  for (i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return n;
}

static void put(char *out, size_t outlen, size_t *pos, const char *s, size_t n) {
  if (*pos + n >= outlen) return;
  memcpy(out + *pos, s, n);
  *pos += n;
  out[*pos] = '\0';
}

void mask_name(const char *name, char *out, size_t outlen) {
  const unsigned char *s = (const unsigned char *)name;
  size_t nchars = 0, first_len = 0, last_off = 0, last_len = 0, i = 0, pos = 0;

  if (outlen == 0) return;
  out[0] = '\0';
  while (s[i]) {
    size_t n = utf8_len(s + i);
    if (n == 0) {
      put(out, outlen, &pos, "*", 1);
      return;
    }
    if (nchars == 0) first_len = n;
    last_off = i;
    last_len = n;
    nchars++;
    i += n;
  }
  if (nchars <= 1) {
    put(out, outlen, &pos, "*", 1);
    return;
  }
  put(out, outlen, &pos, name, first_len);
  for (i = 0; i < (nchars == 2 ? 1 : nchars - 2); i++) put(out, outlen, &pos, "*", 1);
  if (nchars > 2) put(out, outlen, &pos, name + last_off, last_len);
}

void mask_phone(const char *phone, char *out, size_t outlen) {
  char digits[32];
  size_t n = 0, pos = 0, i, keep_head, keep_tail;

  if (outlen == 0) return;
  out[0] = '\0';
  for (i = 0; phone[i] && n < sizeof digits - 1; i++)
    if (phone[i] >= '0' && phone[i] <= '9') digits[n++] = phone[i];
  digits[n] = '\0';
  if (n >= 11) { keep_head = 3; keep_tail = 4; }
  else if (n >= 3) { keep_head = 0; keep_tail = 2; }
  else { keep_head = 0; keep_tail = 0; }
  put(out, outlen, &pos, digits, keep_head);
  for (i = keep_head; i < n - keep_tail; i++) put(out, outlen, &pos, "*", 1);
  put(out, outlen, &pos, digits + n - keep_tail, keep_tail);
}
