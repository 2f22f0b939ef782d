/*
 * ctl_conf: kiosk-central's settings file (--config FILE), so that secrets
 * (--kiosk ID:SECRET, --staff USER:ROLE:HASH, --signing-seed) never appear
 * on the command line, where `ps` and /proc/PID/cmdline show them to every
 * user of the machine.
 *
 * The file has one section, [central]; every key is one of kiosk-central's
 * long options without its dashes, and takes the value the flag takes:
 *
 *   [central]
 *   listen = 127.0.0.1:8080
 *   kiosk = kiosk-001:long-random-secret   ; repeatable, like the flag
 *   staff = desk:desk:$argon2id$v=19$...   ; repeatable
 *   secure-cookies = yes                   ; a flag without value: yes | no
 *
 * Lines starting with # or ; are comments; blanks around keys and values are
 * dropped. A value is the rest of the line: there are no comments after a
 * value, so a secret may hold any character. (REALITY: not inih, which the
 * kiosk uses: its lines stop at 200 bytes, which a kiosk with a 128-byte
 * secret and a voucher key exceeds, and it cuts a value at " ;".)
 *
 * Contract:
 * - ctl_conf_expand() rewrites *argc / *argv into: argv[0], one flag per
 *   setting of the file in file order, then argv[1..] unchanged (the
 *   --config flag included: the caller's option table lists "config" and
 *   ignores it). So getopt parses file and command line with the same code,
 *   and for single-valued flags the command line wins (it comes last);
 *   repeatable flags add up. The new vector is never freed (it lives as long
 *   as the process, which keeps pointers into it).
 * - Without --config, argv is left as it is. --config given twice, a file
 *   that cannot be read, an unknown section or key, a key for a flag that
 *   has no place in a file (config, help, version, hash-password), a
 *   yes/no flag with another value, or a line without "=" fail with
 *   KERR_CONFIG and "FILE:LINE: what is wrong" in msg.
 * - It writes to stderr (never the secret itself) one warning for each
 *   secret-carrying flag found on the real command line, and one when the
 *   file is readable or writable by every user.
 */
#ifndef CTL_CONF_H
#define CTL_CONF_H

#include <getopt.h>

/* opts: the program's getopt_long table ({NULL, 0, NULL, 0} ends it). */
int ctl_conf_expand(int *argc, char ***argv, const struct option *opts,
                    char *msg);

/* 1 when the long option name (without dashes) carries a secret. */
int ctl_conf_is_secret(const char *name);

#endif
