#include "ctl_plate.h"

#include <string.h>

static const char *const provinces[] = {
    "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖", "鲁",
    "新", "苏", "浙", "赣", "鄂", "桂", "甘", "晋", "蒙", "陕", "吉", "闽",
    "贵", "粤", "青", "藏", "川", "宁", "琼"};
static const char *const suffixes[] = {"挂", "学", "警", "港", "澳"};

static int letter(char c) { return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O'; }
static int digit(char c) { return c >= '0' && c <= '9'; }
static int alnum(char c) { return letter(c) || digit(c); }

/* Index of the entry in list that s starts with, or -1. */
static int starts(const char *s, const char *const *list, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (strncmp(s, list[i], strlen(list[i])) == 0) return (int)i;
  return -1;
}

int ctl_plate_normalize(const char *in, char *out, size_t cap) {
  char buf[CTL_PLATE_MAX + 1];
  size_t n = 0, i, plen;
  const char *p, *tail;
  int k;

  if (!in || cap < CTL_PLATE_MAX + 1) return -1;
  for (p = in; *p; p++) {
    char c = *p;
    if (c == ' ' || c == '.' || c == '-') continue;
    if (strncmp(p, "·", strlen("·")) == 0) {
      p += strlen("·") - 1;
      continue;
    }
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    if (n == CTL_PLATE_MAX) return -1;
    buf[n++] = c;
  }
  buf[n] = '\0';
  k = starts(buf, provinces, sizeof provinces / sizeof provinces[0]);
  if (k < 0) return -1;
  plen = strlen(provinces[k]);
  if (!letter(buf[plen])) return -1;
  tail = buf + plen + 1;
  n = strlen(tail);
  /* 5 letters/digits, or 4 or 5 before a suffix (real 学/挂 plates carry
   * the suffix in the fifth place; the text allows a sixth). */
  for (i = 0; i < n && i < 5 && alnum(tail[i]); i++) {
  }
  if (i == 5 && n == 5) goto ok;
  if (i >= 4 && (k = starts(tail + i, suffixes, 5)) >= 0 &&
      strlen(suffixes[k]) == n - i)
    goto ok;
  if (n == 6) {
    /* New energy: D/F + letter or digit + 4 digits, or 5 digits + D/F. */
    if ((tail[0] == 'D' || tail[0] == 'F') && alnum(tail[1]) &&
        digit(tail[2]) && digit(tail[3]) && digit(tail[4]) && digit(tail[5]))
      goto ok;
    if (digit(tail[0]) && digit(tail[1]) && digit(tail[2]) && digit(tail[3]) &&
        digit(tail[4]) && (tail[5] == 'D' || tail[5] == 'F'))
      goto ok;
  }
  return -1;
ok:
  memcpy(out, buf, strlen(buf) + 1);
  return 0;
}
