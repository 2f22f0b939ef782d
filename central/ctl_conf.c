#include "ctl_conf.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kerr.h"

/* Flags whose value is a secret: a kiosk's shared secret, a console
 * account's password hash (an offline guessing target), the signing key. */
static const char *const secret_flags[] = {"kiosk", "staff", "signing-seed"};

/* Flags that make no sense in the file. */
static const char *const cmdline_only[] = {"config", "help", "version",
                                           "hash-password"};

/* Kept reachable for the life of the process (getopt's optarg points in). */
static char **conf_argv;

int ctl_conf_is_secret(const char *name) {
  for (size_t i = 0; i < sizeof secret_flags / sizeof secret_flags[0]; i++)
    if (strcmp(name, secret_flags[i]) == 0) return 1;
  return 0;
}

static int is_cmdline_only(const char *name) {
  for (size_t i = 0; i < sizeof cmdline_only / sizeof cmdline_only[0]; i++)
    if (strcmp(name, cmdline_only[i]) == 0) return 1;
  return 0;
}

/* The option getopt_long would take for "--NAME" (len bytes of name): an
 * exact match, else the only option NAME abbreviates; NULL otherwise. */
static const struct option *match(const struct option *opts, const char *name,
                                  size_t len) {
  const struct option *hit = NULL;
  if (len == 0) return NULL;
  for (const struct option *o = opts; o->name; o++) {
    if (strncmp(o->name, name, len) != 0) continue;
    if (strlen(o->name) == len) return o;
    if (hit) return NULL; /* ambiguous: getopt refuses it too */
    hit = o;
  }
  return hit;
}

typedef struct {
  char **v;
  int n, cap;
} vec;

static int push(vec *a, char *s) {
  if (!s) return KERR_NOMEM;
  if (a->n + 1 >= a->cap) {
    int cap = a->cap ? a->cap * 2 : 16;
    char **v = realloc(a->v, (size_t)cap * sizeof *v);
    if (!v) {
      free(s);
      return KERR_NOMEM;
    }
    a->v = v;
    a->cap = cap;
  }
  a->v[a->n++] = s;
  a->v[a->n] = NULL;
  return KERR_OK;
}

static char *dashed(const char *name) {
  size_t n = strlen(name);
  char *s = malloc(n + 3);
  if (s) {
    memcpy(s, "--", 2);
    memcpy(s + 2, name, n + 1);
  }
  return s;
}

static char *trim(char *s) {
  char *e;
  while (*s == ' ' || *s == '\t') s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
                   e[-1] == '\n'))
    *--e = '\0';
  return s;
}

/* One "key = value" line of [central] as flags appended to a. */
static int take(vec *a, const struct option *opts, const char *path, int line,
                char *key, char *value, char *msg) {
  const struct option *o = NULL;
  for (const struct option *p = opts; p->name; p++)
    if (strcmp(p->name, key) == 0) o = p;
  if (!o)
    return kerr_set(msg, KERR_CONFIG, "%s:%d: unknown key '%s' (keys are "
                    "kiosk-central's long options)", path, line, key);
  if (is_cmdline_only(key))
    return kerr_set(msg, KERR_CONFIG, "%s:%d: %s belongs on the command line",
                    path, line, key);
  if (o->has_arg == no_argument) {
    if (strcmp(value, "no") == 0) return KERR_OK;
    if (strcmp(value, "yes") != 0)
      return kerr_set(msg, KERR_CONFIG, "%s:%d: %s wants yes or no", path,
                      line, key);
    return push(a, dashed(key));
  }
  if (!*value)
    return kerr_set(msg, KERR_CONFIG, "%s:%d: empty value for %s", path, line,
                    key);
  if (push(a, dashed(key)) != KERR_OK || push(a, strdup(value)) != KERR_OK)
    return kerr_set(msg, KERR_NOMEM, "%s:%d: out of memory", path, line);
  return KERR_OK;
}

static int read_file(vec *a, const struct option *opts, const char *path,
                     char *msg) {
  FILE *f = fopen(path, "r");
  char *buf = NULL;
  size_t cap = 0;
  ssize_t len;
  struct stat st;
  int line = 0, in_central = 0, rc = KERR_OK;
  if (!f)
    return kerr_set(msg, KERR_CONFIG, "%s: cannot open: %s", path,
                    strerror(errno));
  if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IROTH | S_IWOTH)))
    fprintf(stderr,
            "kiosk-central: warning: %s is readable or writable by every "
            "user and may hold secrets (chmod 0640 or 0600)\n",
            path);
  while (rc == KERR_OK && (len = getline(&buf, &cap, f)) >= 0) {
    int has_nul = (size_t)len != strlen(buf);
    char *s = trim(buf), *eq;
    line++;
    if (has_nul)
      rc = kerr_set(msg, KERR_CONFIG, "%s:%d: NUL byte in the line", path, line);
    else if (!*s || *s == '#' || *s == ';')
      continue;
    else if (*s == '[') {
      if (strcmp(s, "[central]") != 0)
        rc = kerr_set(msg, KERR_CONFIG,
                      "%s:%d: unknown section %s (the file has one: [central])",
                      path, line, s);
      in_central = 1;
    } else if (!in_central)
      rc = kerr_set(msg, KERR_CONFIG, "%s:%d: settings go under [central]",
                    path, line);
    else if (!(eq = strchr(s, '=')))
      rc = kerr_set(msg, KERR_CONFIG, "%s:%d: expected key = value", path,
                    line);
    else {
      *eq = '\0';
      rc = take(a, opts, path, line, trim(s), trim(eq + 1), msg);
    }
  }
  if (rc == KERR_OK && ferror(f))
    rc = kerr_set(msg, KERR_CONFIG, "%s: cannot read: %s", path,
                  strerror(errno));
  if (buf) sodium_memzero(buf, cap);
  free(buf);
  fclose(f);
  return rc;
}

int ctl_conf_expand(int *argc, char ***argv, const struct option *opts,
                    char *msg) {
  const char *path = NULL;
  int warned[sizeof secret_flags / sizeof secret_flags[0]] = {0};
  vec a = {0};
  int i, rc;

  /* Walk the real command line as getopt_long will: find --config, and warn
   * about every flag that puts a secret where `ps` shows it. */
  for (i = 1; i < *argc; i++) {
    const char *arg = (*argv)[i], *name, *eq;
    const struct option *o;
    if (strcmp(arg, "--") == 0) break;
    if (strncmp(arg, "--", 2) != 0) continue;
    name = arg + 2;
    eq = strchr(name, '=');
    o = match(opts, name, eq ? (size_t)(eq - name) : strlen(name));
    if (!o) continue;
    if (ctl_conf_is_secret(o->name)) {
      for (size_t k = 0; k < sizeof secret_flags / sizeof secret_flags[0]; k++)
        if (strcmp(o->name, secret_flags[k]) == 0 && !warned[k]) {
          warned[k] = 1;
          fprintf(stderr,
                  "kiosk-central: warning: --%s on the command line is "
                  "visible to every user (ps, /proc/PID/cmdline); put it in "
                  "the --config file\n",
                  o->name);
        }
    }
    if (o->has_arg == required_argument && !eq && i + 1 < *argc) {
      if (strcmp(o->name, "config") == 0) {
        if (path)
          return kerr_set(msg, KERR_CONFIG, "--config given twice");
        path = (*argv)[i + 1];
      }
      i++;
    } else if (eq && strcmp(o->name, "config") == 0) {
      if (path) return kerr_set(msg, KERR_CONFIG, "--config given twice");
      path = eq + 1;
    }
  }
  if (!path) return KERR_OK;

  if ((rc = push(&a, (*argv)[0] ? strdup((*argv)[0]) : strdup("kiosk-central"))) !=
      KERR_OK)
    return kerr_set(msg, rc, "out of memory");
  if ((rc = read_file(&a, opts, path, msg)) != KERR_OK) {
    for (i = 0; i < a.n; i++) free(a.v[i]);
    free(a.v);
    return rc;
  }
  for (i = 1; i < *argc; i++)
    if ((rc = push(&a, strdup((*argv)[i]))) != KERR_OK)
      return kerr_set(msg, rc, "out of memory");
  conf_argv = a.v;
  *argc = a.n;
  *argv = a.v;
  return KERR_OK;
}
