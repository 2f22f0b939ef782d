/*
 * mask: hide most of a member's name or phone number before it reaches a
 * screen, paper or a log line.
 *
 * Contract: the output is always NUL-terminated and never longer than outlen-1
 * bytes; invalid UTF-8 in a name is masked as a whole ("*"). Names keep their
 * first and last character (张小明 → 张*明, 张三 → 张*, Li Lei → L****i);
 * phone numbers keep the first three and last four digits (13812345678 →
 * 138****5678), shorter ones keep only the last two.
 */
#ifndef MASK_H
#define MASK_H

#include <stddef.h>

void mask_name(const char *name, char *out, size_t outlen);
void mask_phone(const char *phone, char *out, size_t outlen);

#endif
