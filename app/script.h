/*
 * script: the kiosk's test and tour scripts (`kiosk --script FILE`).
 *
 * One command a line, `#` starts a comment line:
 *   tap X Y        press and release at window pixel X,Y
 *   drag X1 Y1 X2 Y2 MS
 *                  press at X1,Y1, move to X2,Y2 over MS milliseconds (a
 *                  motion event about every 16 ms), release: a finger's swipe
 *   press ID       tap the middle of the widget with that stable id
 *   scan TEXT      TEXT as if the scanner read it (same verification path)
 *   key NAME       an SDL key name: Escape, Return, F1, ...
 *   type TEXT      text input
 *   wait MS        let MS milliseconds pass
 *   expect SCREEN  attract|member|catalog|item|parking|result|checkin|admin
 *   shot FILE.png  screenshot (relative to the working directory)
 *   quit
 *
 * Contract: script_parse() reads the whole file first and fails with
 * "file:line: what" on the first bad line, so a broken script never half
 * runs. This module only parses; script_run.h runs.
 */
#ifndef SCRIPT_H
#define SCRIPT_H

#include "kerr.h"

typedef enum {
  SCRIPT_TAP,
  SCRIPT_PRESS,
  SCRIPT_SCAN,
  SCRIPT_KEY,
  SCRIPT_TYPE,
  SCRIPT_WAIT,
  SCRIPT_EXPECT,
  SCRIPT_SHOT,
  SCRIPT_QUIT,
  SCRIPT_DRAG,
} script_op;

typedef struct {
  script_op op;
  int line;
  int x, y;  /* tap; drag's start */
  int x2, y2; /* drag's end */
  long ms;   /* wait; drag's duration */
  char *arg; /* press, scan, key, type, expect, shot */
} script_cmd;

typedef struct {
  char *path;
  script_cmd *cmds;
  int n;
} script;

int script_parse(const char *path, script **out, char *msg);
/* Parses text as if it were the file `name` (for tests). */
int script_parse_text(const char *name, const char *text, script **out,
                      char *msg);
void script_free(script *s);
/* 1 for the screen names `expect` accepts. */
int script_screen_valid(const char *name);

#endif
