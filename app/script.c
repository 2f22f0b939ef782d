#include "script.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *screens[] = {"attract", "member",  "catalog", "item",
                                "parking", "result",  "checkin", "admin",
                                "receipt", "lottery", "donate",
                                "offers"};

int script_screen_valid(const char *name) {
  for (size_t i = 0; i < sizeof screens / sizeof screens[0]; i++)
    if (strcmp(name, screens[i]) == 0) return 1;
  return 0;
}

void script_free(script *s) {
  if (!s) return;
  for (int i = 0; i < s->n; i++) free(s->cmds[i].arg);
  free(s->cmds);
  free(s->path);
  free(s);
}

static int parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

static int is_token(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (isspace((unsigned char)*s)) return 0;
  return 1;
}

/* Parses one line (trimmed, not empty, not a comment) into c. */
static int parse_line(char *line, script_cmd *c, char *why, size_t cap) {
  char *rest = line;
  while (*rest && !isspace((unsigned char)*rest)) rest++;
  if (*rest) *rest++ = '\0';
  while (isspace((unsigned char)*rest)) rest++;
  static const struct {
    const char *name;
    script_op op;
  } ops[] = {{"tap", SCRIPT_TAP},   {"press", SCRIPT_PRESS},
             {"scan", SCRIPT_SCAN}, {"key", SCRIPT_KEY},
             {"type", SCRIPT_TYPE}, {"wait", SCRIPT_WAIT},
             {"expect", SCRIPT_EXPECT}, {"shot", SCRIPT_SHOT},
             {"quit", SCRIPT_QUIT}, {"drag", SCRIPT_DRAG}};
  size_t i;
  for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(line, ops[i].name) == 0) break;
  if (i == sizeof ops / sizeof ops[0]) {
    snprintf(why, cap, "unknown command '%s'", line);
    return -1;
  }
  c->op = ops[i].op;
  switch (c->op) {
  case SCRIPT_TAP: {
    char *y = rest;
    while (*y && !isspace((unsigned char)*y)) y++;
    if (*y) *y++ = '\0';
    while (isspace((unsigned char)*y)) y++;
    long lx, ly;
    if (parse_long(rest, 0, 100000, &lx) || parse_long(y, 0, 100000, &ly)) {
      snprintf(why, cap, "tap needs two whole numbers: tap X Y");
      return -1;
    }
    c->x = (int)lx;
    c->y = (int)ly;
    return 0;
  }
  case SCRIPT_DRAG: {
    long v[5];
    char *p = rest;
    int k = 0;
    for (; k < 5 && *p; k++) {
      char *tok = p;
      while (*p && !isspace((unsigned char)*p)) p++;
      if (*p) *p++ = '\0';
      while (isspace((unsigned char)*p)) p++;
      if (parse_long(tok, 0, k < 4 ? 100000 : 60000, &v[k])) break;
    }
    if (k < 5 || *p) {
      snprintf(why, cap, "drag needs five whole numbers: drag X1 Y1 X2 Y2 MS");
      return -1;
    }
    c->x = (int)v[0];
    c->y = (int)v[1];
    c->x2 = (int)v[2];
    c->y2 = (int)v[3];
    c->ms = v[4];
    return 0;
  }
  case SCRIPT_WAIT:
    if (parse_long(rest, 0, 600000, &c->ms)) {
      snprintf(why, cap, "wait needs milliseconds 0..600000: wait MS");
      return -1;
    }
    return 0;
  case SCRIPT_QUIT:
    if (*rest) {
      snprintf(why, cap, "quit takes nothing after it");
      return -1;
    }
    return 0;
  case SCRIPT_PRESS:
  case SCRIPT_KEY:
  case SCRIPT_EXPECT:
  case SCRIPT_SHOT:
    if (!is_token(rest)) {
      snprintf(why, cap, "%s needs one word", line);
      return -1;
    }
    if (c->op == SCRIPT_EXPECT && !script_screen_valid(rest)) {
      snprintf(why, cap,
               "unknown screen '%s' (attract, member, catalog, item, parking, "
               "result, checkin, admin, receipt, lottery, donate)",
               rest);
      return -1;
    }
    if (c->op == SCRIPT_SHOT &&
        (strlen(rest) < 5 || strcmp(rest + strlen(rest) - 4, ".png") != 0)) {
      snprintf(why, cap, "shot needs a file name ending in .png");
      return -1;
    }
    break;
  case SCRIPT_SCAN:
  case SCRIPT_TYPE:
    if (!*rest) {
      snprintf(why, cap, "%s needs text", line);
      return -1;
    }
    break;
  }
  c->arg = strdup(rest);
  if (!c->arg) {
    snprintf(why, cap, "out of memory");
    return -1;
  }
  return 0;
}

int script_parse_text(const char *name, const char *text, script **out,
                      char *msg) {
  script *s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(name))) {
    free(s);
    return kerr_set(msg, KERR_NOMEM, "out of memory");
  }
  int cap = 0, lineno = 0;
  const char *p = text;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    lineno++;
    char buf[1024];
    if (len >= sizeof buf) {
      script_free(s);
      return kerr_set(msg, KERR_INVALID, "%s:%d: line too long", name, lineno);
    }
    memcpy(buf, p, len);
    buf[len] = '\0';
    p += len + (nl ? 1 : 0);
    char *b = buf;
    while (isspace((unsigned char)*b)) b++;
    size_t bl = strlen(b);
    while (bl && isspace((unsigned char)b[bl - 1])) b[--bl] = '\0';
    if (!*b || *b == '#') continue;
    if (s->n == cap) {
      cap = cap ? cap * 2 : 16;
      script_cmd *n = realloc(s->cmds, sizeof *n * (size_t)cap);
      if (!n) {
        script_free(s);
        return kerr_set(msg, KERR_NOMEM, "out of memory");
      }
      s->cmds = n;
    }
    script_cmd *c = &s->cmds[s->n];
    memset(c, 0, sizeof *c);
    c->line = lineno;
    char why[200];
    if (parse_line(b, c, why, sizeof why) != 0) {
      script_free(s);
      return kerr_set(msg, KERR_INVALID, "%s:%d: %s", name, lineno, why);
    }
    s->n++;
  }
  *out = s;
  return KERR_OK;
}

int script_parse(const char *path, script **out, char *msg) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return kerr_set(msg, KERR_IO, "%s: cannot open: %s", path, strerror(errno));
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len + 4096 + 1 > cap) {
      cap = cap ? cap * 2 : 8192;
      if (cap > (size_t)4 << 20) {
        free(buf);
        fclose(f);
        return kerr_set(msg, KERR_INVALID, "%s: larger than 4 MB", path);
      }
      char *n = realloc(buf, cap);
      if (!n) {
        free(buf);
        fclose(f);
        return kerr_set(msg, KERR_NOMEM, "out of memory");
      }
      buf = n;
    }
    size_t got = fread(buf + len, 1, 4096, f);
    len += got;
    if (got < 4096) break;
  }
  int err = ferror(f);
  fclose(f);
  if (err) {
    free(buf);
    return kerr_set(msg, KERR_IO, "%s: read error", path);
  }
  buf[len] = '\0';
  int rc = script_parse_text(path, buf, out, msg);
  free(buf);
  return rc;
}
