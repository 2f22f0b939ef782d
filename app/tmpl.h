/*
 * tmpl: fill named placeholders in translated text and format numbers.
 *
 *   tmpl_fill(out, cap, "{points} 积分将于 {date} 过期",
 *             (const char *[]){"points", "1,200", "date", "2026-12-31", NULL});
 *
 * Named placeholders let each language put the values where its grammar
 * wants them, and keep translated text out of printf format strings.
 * Contract: out is always NUL-terminated (truncated at a character
 * boundary); an unknown {name} is copied as is.
 */
#ifndef TMPL_H
#define TMPL_H

#include <stddef.h>
#include <stdint.h>

void tmpl_fill(char *out, size_t cap, const char *tmpl, const char *const *kv);
/* 12800 -> "12,800". */
void tmpl_number(int64_t n, char *out, size_t cap);

#endif
