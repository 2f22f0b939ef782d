/*
 * args: the kiosk's command line.
 *
 * Contract: args_parse() never exits; it returns ARGS_RUN, ARGS_DONE when
 * --help or --version printed what was asked (exit 0), or ARGS_BAD with a
 * one-line message in msg (exit 2). Strings point into argv.
 */
#ifndef ARGS_H
#define ARGS_H

#include <stdio.h>

#include "app.h"

enum { ARGS_RUN = 0, ARGS_DONE = 1, ARGS_BAD = 2 };

typedef struct {
  app_options opt;
  const char *config; /* NULL: the default path */
  int check_config;
  int hash_pin; /* --hash-pin: read a PIN on stdin, print its hash */
  int voucher_key; /* --voucher-key: print the offline voucher public key */
} args;

int args_parse(int argc, char **argv, args *out, char *msg);
void args_usage(FILE *f);

#endif
