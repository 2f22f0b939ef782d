/*
 * theme: the one place the kiosk's look is defined, read from
 * assets/theme/theme.ini: colours ([color], [tier]), the type scale ([type])
 * and spacing ([space]), all sizes in design pixels of a 1080-pixel short
 * side (the layout scales them to the real window).
 *
 * Contract: theme_load() starts from built-in values, so a key the file
 * leaves out keeps its default; an unknown key or a bad value fails with
 * "file:line: what". Colours are #RRGGBB or #RRGGBBAA.
 */
#ifndef THEME_H
#define THEME_H

#include <SDL.h>

#include "kerr.h"

typedef struct {
  SDL_Color from, to, text, muted;
} theme_tier;

typedef struct {
  SDL_Color bg_top, bg_bottom, surface, surface_hi, line, text, text_muted,
      accent, accent_text, danger, danger_bg, success, overlay, birthday_from,
      birthday_to, birthday_text;
  theme_tier tier[4]; /* standard, silver, gold, diamond */
  int type_display, type_h1, type_h2, type_title, type_body, type_small;
  int space_xs, space_s, space_m, space_l, space_xl, space_xxl;
  int radius, radius_small, button_h, margin;
} theme;

void theme_defaults(theme *t);
int theme_load(const char *path, theme *t, char *msg);
/* Index of a tier code in theme.tier, 0 (standard) when unknown. */
int theme_tier_index(const char *tier_code);
int theme_parse_color(const char *s, SDL_Color *out);

#endif
