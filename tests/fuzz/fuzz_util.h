/*
 * fuzz_util: what several libFuzzer harnesses share.
 *
 * Contract: fuzz_copy() gives an exact-size heap copy (plus the NUL the
 * string parsers need) so ASan sees a read of one byte too many;
 * fuzz_file() puts the bytes in one scratch file per process, for parsers
 * that only take a path (a /proc/self/fd path, so nothing is left behind).
 * Both abort on failure: a harness that cannot set up must not look like a
 * clean run.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

char *fuzz_copy(const uint8_t *data, size_t size);
const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix);
/* Aborts unless s holds a NUL within cap bytes. */
void fuzz_check_str(const char *s, size_t cap);

#endif
