#include "cfg.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prn_transport.h"
#include "scan_source.h"

typedef enum {
  K_STR, K_INT, K_BOOL, K_RENDERER, K_SIZE, K_LANG, K_URL,
  K_PRN_URI, K_PRN_WIDTH, K_PRN_MODE, K_OFFLINE, K_PIN_HASH, K_SCAN
} kind;

typedef struct {
  const char *section;
  const char *name;
  kind type;
  size_t off;  /* into cfg */
  size_t size; /* string capacity, for K_STR/K_URL/K_LANG */
  long lo, hi; /* range for K_INT */
  int required;
} key;

#define STR(sec, nm, field, req)                                               \
  {sec, nm, K_STR, offsetof(cfg, field), sizeof(((cfg *)0)->field), 0, 0, req}
#define INT(sec, nm, field, lo, hi)                                            \
  {sec, nm, K_INT, offsetof(cfg, field), sizeof(int), lo, hi, 0}

static const key keys[] = {
    STR("kiosk", "id", kiosk_id, 1),
    STR("kiosk", "secret", secret, 1),
    {"central", "url", K_URL, offsetof(cfg, central_url),
     sizeof(((cfg *)0)->central_url), 0, 0, 1},
    {"central", "timeout_ms", K_INT, offsetof(cfg, timeout_ms), sizeof(long),
     100, 60000, 0},
    STR("central", "ca_file", ca_file, 0),
    INT("central", "heartbeat_s", heartbeat_s, 1, 3600),
    {"display", "renderer", K_RENDERER, offsetof(cfg, renderer_accelerated),
     sizeof(int), 0, 0, 0},
    {"display", "fullscreen", K_BOOL, offsetof(cfg, fullscreen), sizeof(int),
     0, 0, 0},
    {"display", "size", K_SIZE, offsetof(cfg, width), 0, 0, 0, 0},
    {"ui", "language", K_LANG, offsetof(cfg, language),
     sizeof(((cfg *)0)->language), 0, 0, 0},
    STR("ui", "font_regular", font_regular, 0),
    STR("ui", "font_bold", font_bold, 0),
    INT("ui", "font_face", font_face, 0, 63),
    INT("ui", "idle_timeout_s", idle_timeout_s, 5, 3600),
    INT("ui", "countdown_s", countdown_s, 0, 60),
    INT("ui", "notice_s", notice_s, 1, 30),
    {"printer", "uri", K_PRN_URI, offsetof(cfg, printer_uri),
     sizeof(((cfg *)0)->printer_uri), 0, 0, 0},
    {"printer", "width", K_PRN_WIDTH, offsetof(cfg, printer_width), 0, 0, 0, 0},
    {"printer", "mode", K_PRN_MODE, offsetof(cfg, printer_raster), 0, 0, 0, 0},
    {"offline", "mode", K_OFFLINE, offsetof(cfg, offline_items), 0, 0, 0, 0},
    INT("offline", "deadline_ms", online_deadline_ms, 500, 30000),
    {"scanner", "source", K_SCAN, offsetof(cfg, scanner_sources),
     sizeof(((cfg *)0)->scanner_sources), 0, 0, 0},
    {"scanner", "preview", K_BOOL, offsetof(cfg, scanner_preview_files),
     sizeof(int), 0, 0, 0},
    {"admin", "pin_hash", K_PIN_HASH, offsetof(cfg, admin_pin_hash),
     sizeof(((cfg *)0)->admin_pin_hash), 0, 0, 0},
    {"admin", "allow_exit", K_BOOL, offsetof(cfg, admin_allow_exit),
     sizeof(int), 0, 0, 0},
};
#define NKEYS (sizeof keys / sizeof keys[0])

void cfg_defaults(cfg *c) {
  memset(c, 0, sizeof *c);
  c->timeout_ms = 5000;
  c->fullscreen = 1;
  c->width = 1080;
  c->height = 1920;
  snprintf(c->language, sizeof c->language, "zh_CN");
  snprintf(c->font_regular, sizeof c->font_regular, "%s",
           "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
  snprintf(c->font_bold, sizeof c->font_bold, "%s",
           "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc");
  c->font_face = 2; /* Noto Sans CJK SC: Simplified Chinese glyph forms */
  c->idle_timeout_s = 45;
  c->countdown_s = 10;
  c->notice_s = 4;
  c->printer_width = 576;
  c->printer_raster = 1;
  c->offline_items = 1;
  c->online_deadline_ms = 3000;
  c->heartbeat_s = 60;
}

void cfg_demo_identity(cfg *c) {
  snprintf(c->kiosk_id, sizeof c->kiosk_id, "demo-kiosk");
  snprintf(c->secret, sizeof c->secret, "demo-secret");
}

int cfg_parse_size(const char *s, int *w, int *h) {
  char *end;
  errno = 0;
  long a = strtol(s, &end, 10);
  if (errno || end == s || (*end != 'x' && *end != 'X')) return KERR_INVALID;
  const char *p = end + 1;
  long b = strtol(p, &end, 10);
  if (errno || end == p || *end) return KERR_INVALID;
  if (a < 240 || a > 8192 || b < 240 || b > 8192) return KERR_INVALID;
  *w = (int)a;
  *h = (int)b;
  return KERR_OK;
}

int cfg_next_source(const char **list, char *out, size_t cap) {
  const char *p = *list;
  for (;;) {
    while (*p == ' ' || *p == ',') p++;
    if (!*p) return 0;
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    *list = p + n;
    while (n && p[n - 1] == ' ') n--;
    if (!n) continue;
    if (n >= cap) n = cap - 1; /* scan_source_parse refuses what is too long */
    memcpy(out, p, n);
    out[n] = '\0';
    return 1;
  }
}

int cfg_lang_valid(const char *lang) {
  return strcmp(lang, "zh_CN") == 0 || strcmp(lang, "en") == 0;
}

static int parse_bool(const char *v, int *out) {
  static const char *yes[] = {"yes", "true", "on", "1"};
  static const char *no[] = {"no", "false", "off", "0"};
  for (size_t i = 0; i < 4; i++) {
    if (strcmp(v, yes[i]) == 0) return *out = 1, 0;
    if (strcmp(v, no[i]) == 0) return *out = 0, 0;
  }
  return -1;
}

typedef struct {
  cfg *c;
  const char *path;
  FILE *f;
  int line;
  int seen[NKEYS];     /* line a key was set on, 0 = not set */
  int section_line[12]; /* first line of each distinct section name below */
  char *msg;
  int failed;
} parse_ctx;

static const char *sections[] = {"kiosk", "central", "display", "ui",
                                 "printer", "offline", "admin", "scanner"};
#define NSECTIONS (sizeof sections / sizeof sections[0])

static char *reader(char *buf, int size, void *stream) {
  parse_ctx *p = stream;
  char *r = fgets(buf, size, p->f);
  if (r) p->line++;
  return r;
}

static int fail(parse_ctx *p, int line, const char *what, const char *a,
                const char *b) {
  if (!p->failed)
    kerr_set(p->msg, KERR_CONFIG, "%s:%d: %s%s%s", p->path, line, what, a, b);
  p->failed = 1;
  return 0;
}

static int set_value(parse_ctx *p, const key *k, const char *v) {
  char *base = (char *)p->c + k->off;
  switch (k->type) {
  case K_STR:
  case K_URL:
  case K_LANG:
    if (!*v) return fail(p, p->line, "empty value for ", k->name, "");
    if (strlen(v) >= k->size)
      return fail(p, p->line, "value too long for ", k->name, "");
    if (k->type == K_URL && strncmp(v, "http://", 7) != 0 &&
        strncmp(v, "https://", 8) != 0)
      return fail(p, p->line, "url must start with http:// or https://: ", v,
                  "");
    if (k->type == K_LANG && !cfg_lang_valid(v))
      return fail(p, p->line, "language must be zh_CN or en, not ", v, "");
    memcpy(base, v, strlen(v) + 1);
    return 1;
  case K_INT: {
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end)
      return fail(p, p->line, k->name, " must be a whole number, not ", v);
    if (n < k->lo || n > k->hi) {
      char range[64];
      snprintf(range, sizeof range, " out of range %ld..%ld: ", k->lo, k->hi);
      return fail(p, p->line, k->name, range, v);
    }
    if (k->size == sizeof(long))
      *(long *)(void *)base = n;
    else
      *(int *)(void *)base = (int)n;
    return 1;
  }
  case K_BOOL:
    if (parse_bool(v, (int *)(void *)base) != 0)
      return fail(p, p->line, k->name, " must be yes or no, not ", v);
    return 1;
  case K_RENDERER:
    if (strcmp(v, "software") == 0)
      p->c->renderer_accelerated = 0;
    else if (strcmp(v, "accelerated") == 0)
      p->c->renderer_accelerated = 1;
    else
      return fail(p, p->line, "renderer must be software or accelerated, not ",
                  v, "");
    return 1;
  case K_SIZE:
    if (cfg_parse_size(v, &p->c->width, &p->c->height) != 0)
      return fail(p, p->line, "size must be WIDTHxHEIGHT (240..8192), not ", v,
                  "");
    return 1;
  case K_PRN_URI: {
    prn_uri u;
    kerr_msg why;
    if (strlen(v) >= k->size)
      return fail(p, p->line, "value too long for ", k->name, "");
    if (prn_transport_parse(v, &u, why) != 0)
      return fail(p, p->line, "printer uri: ", why, "");
    memcpy(base, v, strlen(v) + 1);
    return 1;
  }
  case K_PRN_WIDTH:
    if (strcmp(v, "576") && strcmp(v, "512") && strcmp(v, "384"))
      return fail(p, p->line, "printer width must be 576, 512 or 384, not ", v,
                  "");
    p->c->printer_width = (int)strtol(v, NULL, 10);
    return 1;
  case K_PRN_MODE:
    if (strcmp(v, "raster") && strcmp(v, "text"))
      return fail(p, p->line, "printer mode must be raster or text, not ", v,
                  "");
    p->c->printer_raster = strcmp(v, "raster") == 0;
    return 1;
  case K_PIN_HASH:
    if (strncmp(v, "$argon2id$", 10) != 0 || strlen(v) >= k->size)
      return fail(p, p->line,
                  "pin_hash must be what kiosk --hash-pin prints ($argon2id$...)",
                  "", "");
    memcpy(base, v, strlen(v) + 1);
    return 1;
  case K_SCAN: {
    /* Every entry must parse now, so a typo fails --check-config. */
    if (strlen(v) >= k->size)
      return fail(p, p->line, "value too long for ", k->name, "");
    char e[SCAN_SOURCE_URI_MAX], arg[SCAN_SOURCE_URI_MAX];
    const char *at = v;
    int n = 0;
    while (cfg_next_source(&at, e, sizeof e)) {
      const scan_source_ops *ops;
      kerr_msg why;
      if (scan_source_parse(e, &ops, arg, sizeof arg, why) != 0)
        return fail(p, p->line, "scanner source: ", why, "");
      n++;
    }
    if (!n) return fail(p, p->line, "empty value for ", k->name, "");
    memcpy(base, v, strlen(v) + 1);
    return 1;
  }
  case K_OFFLINE:
    if (strcmp(v, "off") && strcmp(v, "offline_items"))
      return fail(p, p->line, "offline mode must be off or offline_items, not ",
                  v, "");
    p->c->offline_items = strcmp(v, "offline_items") == 0;
    return 1;
  }
  return fail(p, p->line, "internal: unhandled key type", "", "");
}

static int handler(void *user, const char *section, const char *name,
                   const char *value) {
  parse_ctx *p = user;
  if (p->failed) return 0;
  size_t s;
  for (s = 0; s < NSECTIONS; s++)
    if (strcmp(section, sections[s]) == 0) break;
  if (s == NSECTIONS)
    return fail(p, p->line, "unknown section [", section, "]");
  if (!p->section_line[s]) p->section_line[s] = p->line;
  if (!name) return 1; /* a section header alone (INI_CALL_HANDLER_ON_NEW_SECTION) */
  for (size_t i = 0; i < NKEYS; i++) {
    if (strcmp(keys[i].section, section) != 0 || strcmp(keys[i].name, name) != 0)
      continue;
    if (p->seen[i]) {
      char prev[48];
      snprintf(prev, sizeof prev, " (first set on line %d)", p->seen[i]);
      return fail(p, p->line, name, " given twice", prev);
    }
    p->seen[i] = p->line;
    return set_value(p, &keys[i], value);
  }
  char where[80];
  snprintf(where, sizeof where, " in [%s]", section);
  return fail(p, p->line, "unknown key ", name, where);
}

/* The line that made countdown_s >= idle_timeout_s: the later of the two. */
static int countdown_line(const parse_ctx *p) {
  int line = 1;
  for (size_t i = 0; i < NKEYS; i++)
    if (strcmp(keys[i].section, "ui") == 0 &&
        (strcmp(keys[i].name, "countdown_s") == 0 ||
         strcmp(keys[i].name, "idle_timeout_s") == 0) &&
        p->seen[i] > line)
      line = p->seen[i];
  return line;
}

int cfg_load(const char *path, cfg *c, int demo, char *msg) {
  parse_ctx p = {.c = c, .path = path, .msg = msg};
  p.f = fopen(path, "r");
  if (!p.f)
    return kerr_set(msg, KERR_CONFIG, "%s: cannot open: %s", path,
                    strerror(errno));
  int rc = ini_parse_stream(reader, &p, handler, &p);
  fclose(p.f);
  if (p.failed) return KERR_CONFIG;
  if (rc > 0)
    return kerr_set(msg, KERR_CONFIG,
                    "%s:%d: syntax error (expected [section] or key = value)",
                    path, rc);
  if (rc < 0)
    return kerr_set(msg, KERR_CONFIG, "%s: cannot read", path);
  if (!demo) {
    for (size_t i = 0; i < NKEYS; i++) {
      if (!keys[i].required || p.seen[i]) continue;
      int line = p.line > 0 ? p.line : 1;
      for (size_t s = 0; s < NSECTIONS; s++)
        if (strcmp(sections[s], keys[i].section) == 0 && p.section_line[s])
          line = p.section_line[s];
      return kerr_set(msg, KERR_CONFIG, "%s:%d: missing required key %s in [%s]",
                      path, line, keys[i].name, keys[i].section);
    }
  }
  if (c->countdown_s >= c->idle_timeout_s)
    return kerr_set(msg, KERR_CONFIG,
                    "%s:%d: countdown_s (%d) must be shorter than "
                    "idle_timeout_s (%d)",
                    path, countdown_line(&p), c->countdown_s,
                    c->idle_timeout_s);
  return KERR_OK;
}
