#include "scan_roi.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK 8
#define MAX_LABELS 4096

size_t scan_roi_scratch_size(int w, int h) {
  size_t nb = (size_t)((w + BLOCK - 1) / BLOCK) * (size_t)((h + BLOCK - 1) / BLOCK);
  /* score (int), label (int), stack (int), a copy of scores for the median */
  return nb * 4 * sizeof(int) + 64;
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* Edge strength of one block: how many pixels differ from their right and
 * lower neighbours by at least t, counted separately and combined so a
 * block needs edges in both directions (a code) rather than one (a shelf). */
static int block_score(const uint8_t *g, int w, int h, int bx, int by, int t) {
  int x0 = bx * BLOCK, y0 = by * BLOCK, x, y, hx = 0, vy = 0;
  int x1 = x0 + BLOCK < w - 1 ? x0 + BLOCK : w - 1;
  int y1 = y0 + BLOCK < h - 1 ? y0 + BLOCK : h - 1;
  for (y = y0; y < y1; y++) {
    const uint8_t *r = g + (size_t)y * (size_t)w;
    for (x = x0; x < x1; x++) {
      hx += abs(r[x] - r[x + 1]) >= t;
      vy += abs(r[x] - r[x + w]) >= t;
    }
  }
  return hx < vy ? hx : vy;
}

/* Mean absolute neighbour difference: the frame's noise and texture floor. */
static int noise_floor(const uint8_t *g, int w, int h, int *scores, int *tmp,
                       int bw, int bh) {
  int bx, by, n = bw * bh;
  for (by = 0; by < bh; by++)
    for (bx = 0; bx < bw; bx++) {
      int x0 = bx * BLOCK, y0 = by * BLOCK, x, y, s = 0, c = 0;
      int x1 = x0 + BLOCK < w - 1 ? x0 + BLOCK : w - 1;
      int y1 = y0 + BLOCK < h ? y0 + BLOCK : h;
      for (y = y0; y < y1; y++) {
        const uint8_t *r = g + (size_t)y * (size_t)w;
        for (x = x0; x < x1; x++, c++) s += abs(r[x] - r[x + 1]);
      }
      scores[by * bw + bx] = c ? 16 * s / c : 0;
    }
  memcpy(tmp, scores, sizeof *tmp * (size_t)n);
  qsort(tmp, (size_t)n, sizeof *tmp, cmp_int);
  /* Most of a camera frame is not the code: the median block is the floor. */
  return tmp[n / 2];
}

int scan_roi_find(const uint8_t *grey, int w, int h, scan_roi *out, int max,
                  void *scratch) {
  int bw = (w + BLOCK - 1) / BLOCK, bh = (h + BLOCK - 1) / BLOCK, n = bw * bh;
  int *score = scratch, *label = score + n, *stack = label + n, *tmp = stack + n;
  int floor16, t, i, nout = 0, next = 0;
  struct { int x0, y0, x1, y1, count; } comp[64];

  if (w < 2 * BLOCK || h < 2 * BLOCK || max <= 0) return 0;
  floor16 = noise_floor(grey, w, h, score, tmp, bw, bh);
  /* An edge must stand well above the noise floor; the floor of 6 keeps a
   * code at 6% contrast (15 grey levels) visible on a clean frame. */
  t = 3 * floor16 / 16 + 6;
  for (i = 0; i < n; i++) {
    int s = block_score(grey, w, h, i % bw, i / bw, t);
    score[i] = s >= BLOCK; /* at least one edge per row and column on average */
    label[i] = 0;
  }
  /* Connected clusters of active blocks, bridging one-block gaps (a quiet
   * module row, a glare spot) by treating neighbours at distance 2 as linked. */
  for (i = 0; i < n && next < 64; i++) {
    int sp = 0;
    if (!score[i] || label[i]) continue;
    comp[next].x0 = comp[next].x1 = i % bw;
    comp[next].y0 = comp[next].y1 = i / bw;
    comp[next].count = 0;
    label[i] = next + 1;
    stack[sp++] = i;
    while (sp) {
      int k = stack[--sp], kx = k % bw, ky = k / bw, dx, dy;
      comp[next].count++;
      if (kx < comp[next].x0) comp[next].x0 = kx;
      if (kx > comp[next].x1) comp[next].x1 = kx;
      if (ky < comp[next].y0) comp[next].y0 = ky;
      if (ky > comp[next].y1) comp[next].y1 = ky;
      for (dy = -2; dy <= 2; dy++)
        for (dx = -2; dx <= 2; dx++) {
          int nx = kx + dx, ny = ky + dy, j;
          if (nx < 0 || ny < 0 || nx >= bw || ny >= bh) continue;
          j = ny * bw + nx;
          if (score[j] && !label[j]) {
            label[j] = next + 1;
            stack[sp++] = j;
          }
        }
    }
    next++;
  }
  /* Keep dense squarish clusters, largest first. A code filling the frame
   * (a rendered demo code, a phone at the lens) is one too. */
  while (nout < max) {
    int best = -1, c;
    for (c = 0; c < next; c++) {
      int cw = comp[c].x1 - comp[c].x0 + 1, ch = comp[c].y1 - comp[c].y0 + 1;
      if (comp[c].count <= 0) continue;
      if (cw < 3 || ch < 3 || cw > 3 * ch || ch > 3 * cw ||
          comp[c].count * 3 < cw * ch) {
        comp[c].count = 0;
        continue;
      }
      if (best < 0 || comp[c].count > comp[best].count) best = c;
    }
    if (best < 0) break;
    {
      int m = BLOCK * 2, x0 = comp[best].x0 * BLOCK - m, y0 = comp[best].y0 * BLOCK - m;
      int x1 = (comp[best].x1 + 1) * BLOCK + m, y1 = (comp[best].y1 + 1) * BLOCK + m;
      if (x0 < 0) x0 = 0;
      if (y0 < 0) y0 = 0;
      if (x1 > w) x1 = w;
      if (y1 > h) y1 = h;
      out[nout].x = x0;
      out[nout].y = y0;
      out[nout].w = x1 - x0;
      out[nout].h = y1 - y0;
      nout++;
    }
    comp[best].count = 0;
  }
  return nout;
}
