/*
 * text: strings drawn with SDL_ttf from Noto Sans CJK, cached.
 *
 * A string is rendered once per (size, weight) into a white texture and
 * tinted with colour modulation when drawn, so an unchanged label costs one
 * texture copy per frame and a colour change costs nothing. Wrapping follows
 * the rules for mixed Chinese/English text: a line may break between any two
 * Chinese characters or at a space, never before closing punctuation (，。)
 * nor after opening punctuation (（《).
 *
 * Contract: UI thread only. One font per weight opens lazily and is switched
 * between pixel sizes (TTF_SetFontSize); measured sizes and line heights are
 * remembered, so drawing known text never touches the font. The cache keeps
 * at most TEXT_CACHE strings and evicts the least recently drawn. text_new()
 * fails (naming the file and SDL_ttf's reason) when the regular font cannot
 * be opened, so a broken font path stops start-up instead of showing boxes.
 */
#ifndef TEXT_H
#define TEXT_H

#include <SDL.h>

#include "kerr.h"

#define TEXT_CACHE 384

typedef struct text text;

typedef enum { TEXT_LEFT, TEXT_CENTER, TEXT_RIGHT } text_align;

int text_new(SDL_Renderer *ren, const char *regular, const char *bold,
             int face, text **out, char *msg);
void text_free(text *t);

int text_line_height(text *t, int px, int bold);
void text_measure(text *t, int px, int bold, const char *s, int *w, int *h);
/* One line; x is the left edge, centre or right edge by align, y the top.
 * Returns the width drawn. */
int text_draw(text *t, int px, int bold, SDL_Color c, const char *s, int x,
              int y, text_align align);
/* Wrapped into box.w; draws only when draw is set. Returns the height. */
int text_wrap(text *t, int px, int bold, SDL_Color c, const char *s,
              SDL_Rect box, text_align align, int draw);
/* Splits s into lines of at most max_w pixels: line i is s[starts[i] ..
 * ends[i]). Returns the number of lines (at most cap). */
int text_break(text *t, int px, int bold, const char *s, int max_w,
               int *starts, int *ends, int cap);

/* Entries cached now, for tests and the bench. */
int text_cached(const text *t);

#endif
