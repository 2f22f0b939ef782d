/*
 * scan_image: the image:FILE source. The file is read once, as one frame
 * through the scanner's decode path, and then the source ends (the file is
 * left alone). For the demo and tests.
 *
 * Contract: open() fails with KERR_NOT_FOUND when FILE does not exist; an
 * unreadable image is a REJECT item, then END.
 */
#ifndef SCAN_IMAGE_H
#define SCAN_IMAGE_H

#include "scan_source.h"

extern const scan_source_ops scan_image_ops;

#endif
