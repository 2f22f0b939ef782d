/*
 * kbd: on-screen keyboards (the plate keyboard, the admin PIN pad) as rows
 * of key widgets with stable ids.
 *
 * A keyboard is a list of rows; each row is keys separated by spaces. A key
 * is the text it types ("粤", "B", "7") or a special key "@name" (back,
 * clear, ok, ...) whose label is the msgid "kbd.<name>". Each key becomes
 * the widget <prefix><text> ("key-粤", "key-B") or <prefix><name>
 * ("key-back", "pin-ok"), so scripts press them by id.
 *
 * Contract: kbd_layout() adds one widget per key inside box, the rows
 * centred, every key the same size: as wide as the widest row allows up to
 * KBD_KEY_MAX design pixels, and never narrower than KBD_KEY_MIN window
 * pixels when the box has room (12 mm on a 13" 1080x1920 panel is about 90
 * pixels). kbd_draw() paints them in their pressed state; kbd_hit() tells a
 * key's widget id apart from any other.
 */
#ifndef KBD_H
#define KBD_H

#include <SDL.h>
#include <stddef.h>

typedef struct app app;

#define KBD_KEY_MAX 170
#define KBD_KEY_MIN 90

typedef struct {
  const char *prefix;      /* "key-", "pin-" */
  const char *const *rows; /* keys separated by single spaces */
  int nrows;
  int big;                 /* larger labels (the PIN pad) */
  int wide_special;        /* special keys 1.5 keys wide */
} kbd_def;

enum { KBD_NONE, KBD_CHAR, KBD_SPECIAL };

/* Lays the keys out in box; returns the height they take. */
int kbd_layout(app *a, const kbd_def *k, SDL_Rect box);
/* The height kbd_layout() would take for width w (rows * key + gaps). */
int kbd_height(app *a, const kbd_def *k, int w, int max_h);
void kbd_draw(app *a, const kbd_def *k);
/* KBD_CHAR with the typed text in out, KBD_SPECIAL with the special key's
 * name, or KBD_NONE when id is not one of k's keys. */
int kbd_hit(const kbd_def *k, const char *id, char *out, size_t cap);

#endif
