#include "i18n.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *id;
  char *str;
} entry;

struct i18n {
  entry *entries; /* sorted by id after load */
  int count;
  char **order;   /* ids in file order */
};

typedef struct {
  char *buf;
  size_t len, cap;
} sbuf;

static int sbuf_add(sbuf *b, char c) {
  if (b->len + 2 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    char *p = realloc(b->buf, cap);
    if (!p) return -1;
    b->buf = p;
    b->cap = cap;
  }
  b->buf[b->len++] = c;
  b->buf[b->len] = '\0';
  return 0;
}

/* Appends the quoted string starting at s (pointing at '"') to b. */
static int read_quoted(const char *s, sbuf *b) {
  if (*s != '"') return -1;
  for (s++; *s && *s != '"'; s++) {
    char c = *s;
    if (c == '\\') {
      s++;
      switch (*s) {
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case '"': c = '"'; break;
      case '\\': c = '\\'; break;
      default: return -1;
      }
    }
    if (sbuf_add(b, c) != 0) return -1;
  }
  if (*s != '"') return -1;
  for (s++; *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'; s++) {}
  return *s ? -1 : 0;
}

static int cmp_entry(const void *a, const void *b) {
  return strcmp(((const entry *)a)->id, ((const entry *)b)->id);
}

static int add_entry(i18n *cat, sbuf *id, sbuf *str, int *cap) {
  if (!id->buf) return 0; /* header-less trailing state */
  if (id->len == 0) { /* the PO header entry */
    free(id->buf);
    free(str->buf);
    memset(id, 0, sizeof *id);
    memset(str, 0, sizeof *str);
    return 0;
  }
  if (cat->count == *cap) {
    int ncap = *cap ? *cap * 2 : 64;
    entry *p = realloc(cat->entries, (size_t)ncap * sizeof *p);
    if (!p) return -1;
    cat->entries = p;
    *cap = ncap;
  }
  cat->entries[cat->count].id = id->buf;
  cat->entries[cat->count].str = str->buf ? str->buf : calloc(1, 1);
  cat->count++;
  memset(id, 0, sizeof *id);
  memset(str, 0, sizeof *str);
  return 0;
}

/* Appends the entries of one .po file to cat (unsorted). */
static int load_file(i18n *cat, int *pcap, const char *path, char *msg) {
  FILE *f = fopen(path, "r");
  char line[4096];
  int lineno = 0, rc = KERR_OK;
  int *cap = pcap;
  sbuf id = {0}, str = {0}, *cur = NULL;

  if (!f) return kerr_set(msg, KERR_IO, "%s: %s", path, strerror(errno));
  while (fgets(line, sizeof line, f)) {
    const char *s = line;
    lineno++;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '#' || *s == '\n' || *s == '\r' || *s == '\0') continue;
    if (strncmp(s, "msgctxt ", 8) == 0) {
      cur = NULL;
      continue;
    }
    if (strncmp(s, "msgid_plural", 12) == 0 || strncmp(s, "msgstr[", 7) == 0) {
      rc = kerr_set(msg, KERR_CONFIG, "%s:%d: plural forms are not supported", path, lineno);
      break;
    }
    if (strncmp(s, "msgid ", 6) == 0) {
      if (add_entry(cat, &id, &str, cap) != 0) {
        rc = kerr_set(msg, KERR_NOMEM, "%s:%d: out of memory", path, lineno);
        break;
      }
      if (sbuf_add(&id, 'x') != 0) { rc = KERR_NOMEM; break; }
      id.len = 0;
      id.buf[0] = '\0';
      cur = &id;
      s += 6;
    } else if (strncmp(s, "msgstr ", 7) == 0) {
      if (!id.buf) {
        rc = kerr_set(msg, KERR_CONFIG, "%s:%d: msgstr without msgid", path, lineno);
        break;
      }
      if (sbuf_add(&str, 'x') != 0) { rc = KERR_NOMEM; break; }
      str.len = 0;
      str.buf[0] = '\0';
      cur = &str;
      s += 7;
    } else if (*s != '"' || !cur) {
      rc = kerr_set(msg, KERR_CONFIG, "%s:%d: expected msgid, msgstr or a string", path, lineno);
      break;
    }
    while (*s == ' ') s++;
    if (read_quoted(s, cur) != 0) {
      rc = kerr_set(msg, KERR_CONFIG, "%s:%d: bad quoted string", path, lineno);
      break;
    }
  }
  fclose(f);
  if (rc == KERR_OK && add_entry(cat, &id, &str, cap) != 0)
    rc = kerr_set(msg, KERR_NOMEM, "%s: out of memory", path);
  free(id.buf);
  free(str.buf);
  return rc;
}

/* Sorts the entries for lookup and records file order; refuses duplicates. */
static int finish(i18n *cat, const char *what, char *msg) {
  int i;
  cat->order = malloc((size_t)(cat->count ? cat->count : 1) * sizeof *cat->order);
  if (!cat->order) return kerr_set(msg, KERR_NOMEM, "%s: out of memory", what);
  for (i = 0; i < cat->count; i++) cat->order[i] = cat->entries[i].id;
  /* qsort and bsearch are undefined on a NULL array, which an empty .po gives. */
  if (cat->count > 1) qsort(cat->entries, (size_t)cat->count, sizeof *cat->entries, cmp_entry);
  for (i = 1; i < cat->count; i++)
    if (strcmp(cat->entries[i - 1].id, cat->entries[i].id) == 0)
      return kerr_set(msg, KERR_CONFIG, "%s: duplicate msgid \"%s\"", what,
                      cat->entries[i].id);
  return KERR_OK;
}

int i18n_load(const char *path, i18n **out, char *msg) {
  int cap = 0, rc;
  i18n *cat = calloc(1, sizeof *cat);

  *out = NULL;
  if (!cat) return kerr_set(msg, KERR_NOMEM, "%s: out of memory", path);
  rc = load_file(cat, &cap, path, msg);
  if (rc == KERR_OK) rc = finish(cat, path, msg);
  if (rc != KERR_OK) {
    i18n_free(cat);
    return rc;
  }
  *out = cat;
  return KERR_OK;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int i18n_load_dir(const char *dir, i18n **out, char *msg) {
  DIR *d = opendir(dir);
  struct dirent *de;
  char *names[64];
  int n = 0, i, cap = 0, rc = KERR_OK;
  i18n *cat;

  *out = NULL;
  if (!d) return kerr_set(msg, KERR_IO, "%s: %s", dir, strerror(errno));
  while ((de = readdir(d)) != NULL && n < 64) {
    size_t len = strlen(de->d_name);
    if (len > 3 && strcmp(de->d_name + len - 3, ".po") == 0) {
      names[n] = strdup(de->d_name);
      if (names[n]) n++;
    }
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp_str);
  cat = calloc(1, sizeof *cat);
  if (!cat) rc = kerr_set(msg, KERR_NOMEM, "%s: out of memory", dir);
  if (rc == KERR_OK && n == 0) rc = kerr_set(msg, KERR_IO, "%s: no .po files", dir);
  for (i = 0; i < n && rc == KERR_OK; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    rc = load_file(cat, &cap, path, msg);
  }
  for (i = 0; i < n; i++) free(names[i]);
  if (rc == KERR_OK) rc = finish(cat, dir, msg);
  if (rc != KERR_OK) {
    i18n_free(cat);
    return rc;
  }
  *out = cat;
  return KERR_OK;
}

static const entry *find(const i18n *cat, const char *msgid) {
  entry key;
  if (!cat || cat->count == 0) return NULL;
  key.id = (char *)msgid;
  return bsearch(&key, cat->entries, (size_t)cat->count, sizeof key, cmp_entry);
}

const char *i18n_get(const i18n *cat, const char *msgid) {
  const entry *e = find(cat, msgid);
  return e && e->str[0] ? e->str : msgid;
}

int i18n_has(const i18n *cat, const char *msgid) {
  const entry *e = find(cat, msgid);
  return e && e->str[0];
}

int i18n_count(const i18n *cat) { return cat ? cat->count : 0; }

const char *i18n_key(const i18n *cat, int index) {
  return cat && index >= 0 && index < cat->count ? cat->order[index] : NULL;
}

void i18n_free(i18n *cat) {
  int i;
  if (!cat) return;
  for (i = 0; i < cat->count; i++) {
    free(cat->entries[i].id);
    free(cat->entries[i].str);
  }
  free(cat->entries);
  free(cat->order);
  free(cat);
}
