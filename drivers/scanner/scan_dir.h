/*
 * scan_dir: the dir:PATH source. Image files (PNG, PGM, JPEG) that appear
 * in a folder are each read once as a frame through the scanner's decode
 * path. For the demo and tests: a writer drops a picture of a code in the
 * folder, the kiosk reads it as if it had been held to the camera.
 *
 * Contract: files already there at open() are read first (in name order),
 * then new ones as they are closed after writing or moved in (inotify), in
 * that order. A file is renamed NAME.done once it has been read (whether or
 * not it held a code) and NAME.bad when it is not a readable image (a REJECT
 * item); nothing is deleted, so the folder shows what the kiosk saw. Names
 * starting with '.' and names not ending in .png, .pgm, .jpg or .jpeg are
 * ignored: a writer should write "x.tmp" or ".x.png" and rename it to
 * "x.png" so a half-written file is never read. open() fails with
 * KERR_NOT_FOUND when the folder does not exist; the folder being removed
 * or moved while watched loses the source.
 */
#ifndef SCAN_DIR_H
#define SCAN_DIR_H

#include "scan_source.h"

extern const scan_source_ops scan_dir_ops;

#endif
