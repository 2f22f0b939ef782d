/*
 * scan_camera: the camera:/dev/videoN source, V4L2 through zbar's video API
 * (zbar_video_*, not zbar_processor, whose window is X11 only).
 *
 * The camera is asked for camera_w x camera_h (1280x720 by default; the
 * driver may pick another size) in GREY, else YUYV; every frame is copied
 * out as 8-bit grey and released to the driver at once, so the decoder never
 * holds a capture buffer. Frames then go through exactly the decode path of
 * image files (the scanner thread's), which is where that path is tested:
 * this file cannot run without a camera.
 *
 * Contract: open() fails with KERR_NOT_FOUND when the device node is not
 * there (checked before zbar is asked, so an absent camera costs nothing),
 * KERR_UNSUPPORTED when it offers neither format, KERR_DEVICE for any other
 * zbar failure, with zbar's own message. A poll error or a failed dequeue
 * loses the source (unplugged); the thread reopens it later.
 */
#ifndef SCAN_CAMERA_H
#define SCAN_CAMERA_H

#include "scan_source.h"

extern const scan_source_ops scan_camera_ops;

#endif
