#include "prn_doc.h"

#include <stdlib.h>
#include <string.h>

struct prn_doc {
  prn_block *blk;
  int n, cap;
  int rc;
};

int prn_doc_new(prn_doc **out) {
  *out = calloc(1, sizeof **out);
  return *out ? KERR_OK : KERR_NOMEM;
}

void prn_doc_free(prn_doc *d) {
  if (!d)
    return;
  for (int i = 0; i < d->n; i++) {
    free(d->blk[i].a);
    free(d->blk[i].b);
  }
  free(d->blk);
  free(d);
}

int prn_doc_status(const prn_doc *d) { return d->rc; }
int prn_doc_count(const prn_doc *d) { return d->n; }
const prn_block *prn_doc_block(const prn_doc *d, int i) {
  return i >= 0 && i < d->n ? &d->blk[i] : NULL;
}

static char *dup(prn_doc *d, const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *c = malloc(n);
  if (!c)
    d->rc = KERR_NOMEM;
  else
    memcpy(c, s, n);
  return c;
}

static void add(prn_doc *d, prn_block b, const char *a, const char *bb) {
  if (d->rc)
    return;
  if (d->n == d->cap) {
    int cap = d->cap ? d->cap * 2 : 32;
    prn_block *nb = realloc(d->blk, (size_t)cap * sizeof *nb);
    if (!nb) {
      d->rc = KERR_NOMEM;
      return;
    }
    d->blk = nb;
    d->cap = cap;
  }
  b.a = dup(d, a);
  b.b = dup(d, bb);
  if (d->rc) {
    free(b.a);
    free(b.b);
    return;
  }
  d->blk[d->n++] = b;
}

void prn_doc_text(prn_doc *d, const char *text, prn_align a, prn_size s, int bold) {
  add(d, (prn_block){.kind = PRN_BLK_TEXT, .align = a, .size = s, .bold = bold}, text, NULL);
}

void prn_doc_kv(prn_doc *d, const char *left, const char *right, prn_size s, int bold) {
  add(d, (prn_block){.kind = PRN_BLK_KV, .size = s, .bold = bold}, left, right);
}

void prn_doc_banner(prn_doc *d, const char *text) {
  add(d,
      (prn_block){.kind = PRN_BLK_BANNER, .align = PRN_ALIGN_CENTER,
                  .size = PRN_SIZE_LARGE, .bold = 1},
      text, NULL);
}

void prn_doc_qr(prn_doc *d, const char *data, int percent) {
  add(d, (prn_block){.kind = PRN_BLK_QR, .align = PRN_ALIGN_CENTER, .num = percent}, data,
      NULL);
}

void prn_doc_code128(prn_doc *d, const char *data) {
  add(d, (prn_block){.kind = PRN_BLK_CODE128, .align = PRN_ALIGN_CENTER}, data, NULL);
}

void prn_doc_rule(prn_doc *d) { add(d, (prn_block){.kind = PRN_BLK_RULE}, NULL, NULL); }

void prn_doc_feed(prn_doc *d, int dots) {
  add(d, (prn_block){.kind = PRN_BLK_FEED, .num = dots}, NULL, NULL);
}

void prn_doc_image(prn_doc *d, const char *path, int percent) {
  add(d, (prn_block){.kind = PRN_BLK_IMAGE, .align = PRN_ALIGN_CENTER, .num = percent}, path,
      NULL);
}
