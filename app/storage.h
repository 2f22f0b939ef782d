/*
 * storage: is the kiosk's state directory usable? A disk fault (full disk,
 * read-only file system, I/O errors) seen from the directory itself, so the
 * kiosk can stop taking transactions it could not save and say why.
 *
 *   storage_start()            worker thread, probes every period
 *        |                     (statvfs; a write probe when in doubt)
 *        v
 *     [OK] <--- fault clears ---- [FULL | READONLY | IOERR]
 *        \---- statvfs / probe fails ---->/
 *
 * The probe: statvfs() first (ST_RDONLY is EROFS, less than STORAGE_RESERVE
 * bytes free for an unprivileged user is ENOSPC). While a fault is shown, at
 * the first probe and after storage_kick(), a file of STORAGE_RESERVE bytes
 * is also written, fdatasync'd and removed in the directory: what a queue
 * write needs, tested the way the queue would do it. The healthy path does
 * no writes, so the kiosk's flash is not worn by the watch.
 *
 * Contract: storage_probe() is plain blocking I/O for tests and the worker;
 * the UI thread only calls storage_start/stop/kick/get, which never touch the
 * disk. The worker calls `changed` (from its thread) when the state or its
 * errno changes, and after the first probe; the callback only posts an
 * event. 0 means success.
 *
 * REALITY: ext4 turned read-only by an error (errors=remount-ro) may not
 * show ST_RDONLY in statvfs; the first failed save's storage_kick() then
 * finds it with the write probe.
 */
#ifndef STORAGE_H
#define STORAGE_H

#include <stdint.h>

#include "kerr.h"

typedef enum {
  STORAGE_OK = 0,
  STORAGE_FULL,     /* ENOSPC, EDQUOT */
  STORAGE_READONLY, /* EROFS, EACCES/EPERM on the directory */
  STORAGE_IOERR,    /* EIO and anything else */
} storage_fault;

#define STORAGE_RESERVE (64 * 1024)

typedef struct storage storage;

/* One probe of dir: its fault, with *err the errno behind it (0 when OK) and
 * msg saying which step failed ("statvfs", "write probe", ...). */
storage_fault storage_probe(const char *dir, int *err, char *msg);
/* The fault an errno stands for. */
storage_fault storage_classify(int err);
/* Screen/log words: msgid of the cause ("storage.cause.full", ...) and a
 * short English name for the log ("disk full", "read-only", ...). */
const char *storage_cause_msgid(storage_fault f);
const char *storage_fault_name(storage_fault f);
/* "ENOSPC", "EROFS", "EIO", ... for the log; "errno N" for others. */
const char *storage_errno_name(int err);

/* Starts the watcher on dir, probing every period_ms (the first probe runs at
 * once). changed(ctx) is called from the worker after each change. */
int storage_start(const char *dir, uint64_t period_ms, void (*changed)(void *ctx),
                  void *ctx, storage **out, char *msg);
void storage_stop(storage *s);
/* Probe again now, with the write probe (a save just failed). */
void storage_kick(storage *s);
/* The last probe's verdict; *err and detail (may be NULL) get its errno and
 * message. *gen (may be NULL) counts changes, so the UI sees new ones. Before
 * the first probe: STORAGE_OK. */
storage_fault storage_get(storage *s, int *err, char *detail, size_t cap,
                          unsigned *gen);

/* The out-of-service screen shown while the state directory is unusable
 * (scr_storage.c): what failed, the directory, and what staff should do. */
extern const struct screen_ops scr_storage;

#endif
