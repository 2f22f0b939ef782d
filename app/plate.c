#include "plate.h"

#include <string.h>

const char *const plate_provinces[PLATE_PROVINCES] = {
    "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖",
    "鲁", "新", "苏", "浙", "赣", "鄂", "桂", "甘", "晋", "蒙", "陕",
    "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼"};
const char *const plate_suffixes[PLATE_SUFFIXES] = {"挂", "学", "警", "港",
                                                    "澳"};

/* Each typed character becomes one token: the ASCII character itself, or a
 * control code (never a letter) for a province, a suffix, anything else. */
enum { TOK_PROVINCE = 1, TOK_SUFFIX = 2, TOK_OTHER = 3 };

static int letter(char c) { return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O'; }
static int digit(char c) { return c >= '0' && c <= '9'; }
static int alnum(char c) { return letter(c) || digit(c); }
static int df(char c) { return c == 'D' || c == 'F'; }

static size_t utf8_len(const char *s) {
  unsigned char c = (unsigned char)*s;
  size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  for (size_t i = 1; i < n; i++)
    if (!s[i]) return i;
  return n;
}

static int in_list(const char *s, size_t n, const char *const *list,
                   size_t count) {
  for (size_t i = 0; i < count; i++)
    if (strlen(list[i]) == n && memcmp(s, list[i], n) == 0) return 1;
  return 0;
}

static void done(plate_info *o, plate_state st, const char *why, int more) {
  o->state = st;
  o->why = why;
  o->more = more;
}

/* The tail after province and letter: t[0..m). */
static void check_tail(const char *t, size_t m, plate_info *o) {
  size_t i;
  for (i = 0; i < m; i++) {
    if (t[i] == 'I' || t[i] == 'O') return done(o, PLATE_INVALID, "plate.why.io", 0);
    if (t[i] == TOK_SUFFIX) break;
    if (!alnum(t[i])) return done(o, PLATE_INVALID, "plate.why.char", 0);
  }
  if (i < m) { /* a suffix at i: last, after 4 or 5 letters/digits */
    if (i + 1 != m || i < 4 || i > 5)
      return done(o, PLATE_INVALID, "plate.why.suffix", 0);
    return done(o, PLATE_VALID, "plate.hint.valid", 0);
  }
  if (m < 5) return done(o, PLATE_PARTIAL, "plate.hint.more", 1);
  if (m == 5) return done(o, PLATE_VALID, "plate.hint.valid", 1);
  if (m > 6) return done(o, PLATE_INVALID, "plate.why.too_long", 0);
  int small = df(t[0]) && alnum(t[1]) && digit(t[2]) && digit(t[3]) &&
              digit(t[4]) && digit(t[5]);
  int large = digit(t[0]) && digit(t[1]) && digit(t[2]) && digit(t[3]) &&
              digit(t[4]) && df(t[5]);
  if (small || large) return done(o, PLATE_VALID, "plate.hint.valid_ne", 0);
  return done(o, PLATE_INVALID, "plate.why.pattern", 0);
}

void plate_check(const char *in, plate_info *o) {
  char tok[PLATE_MAX + 1];
  size_t n = 0, out = 0;
  memset(o, 0, sizeof *o);
  for (const char *p = in ? in : ""; *p;) {
    size_t len = utf8_len(p);
    char c = *p;
    if (len == 1 && (c == ' ' || c == '.' || c == '-')) {
      p++;
      continue;
    }
    if (len == 2 && memcmp(p, "·", 2) == 0) {
      p += 2;
      continue;
    }
    if (n == PLATE_MAX || out + len > PLATE_MAX)
      return done(o, PLATE_INVALID, "plate.why.too_long", 0);
    if (len == 1) {
      if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
      tok[n] = c;
      o->norm[out] = c;
    } else {
      int prov = in_list(p, len, plate_provinces, PLATE_PROVINCES);
      int suf = in_list(p, len, plate_suffixes, PLATE_SUFFIXES);
      tok[n] = prov ? TOK_PROVINCE : suf ? TOK_SUFFIX : TOK_OTHER;
      memcpy(o->norm + out, p, len);
    }
    out += len;
    n++;
    p += len;
  }
  o->norm[out] = '\0';
  o->chars = (int)n;
  if (n == 0) return done(o, PLATE_EMPTY, "plate.hint.province", 1);
  if (tok[0] != TOK_PROVINCE) return done(o, PLATE_INVALID, "plate.why.province", 0);
  if (n == 1) return done(o, PLATE_PARTIAL, "plate.hint.letter", 1);
  if (tok[1] == 'I' || tok[1] == 'O') return done(o, PLATE_INVALID, "plate.why.io", 0);
  if (!letter(tok[1])) return done(o, PLATE_INVALID, "plate.why.letter", 0);
  check_tail(tok + 2, n - 2, o);
}

int plate_valid(const char *in) {
  plate_info i;
  plate_check(in, &i);
  return i.state == PLATE_VALID;
}

void plate_backspace(char *s) {
  size_t n = strlen(s);
  if (!n) return;
  n--;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  s[n] = '\0';
}
