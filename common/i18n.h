/*
 * i18n: the words on screen and paper, from gettext .po files.
 *
 * Each language is a folder, assets/i18n/<lang>/ (zh_CN, en), of .po files,
 * one per part of the product (app.po, print.po, ...), read in name order
 * into one catalog; a msgid defined twice is an error. msgids
 * are stable keys ("attract.title"), msgstrs the text. Supported: comments,
 * msgctxt (ignored), multi-line strings, the escapes \n \t \" \\. Plural
 * forms are not used by the kiosk and are refused.
 *
 * Contract: i18n_load() reads the whole file or fails with "file:line: what";
 * i18n_get() never returns NULL: a key without a translation comes back as
 * the key itself, so a missing string is visible but never a crash.
 */
#ifndef I18N_H
#define I18N_H

#include "kerr.h"

typedef struct i18n i18n;

int i18n_load(const char *path, i18n **out, char *msg);
/* Loads every .po file in dir into one catalog. */
int i18n_load_dir(const char *dir, i18n **out, char *msg);
const char *i18n_get(const i18n *cat, const char *msgid);
/* 1 when the key has a non-empty translation. */
int i18n_has(const i18n *cat, const char *msgid);
/* Number of entries; i18n_key(cat, i) walks them in file order. */
int i18n_count(const i18n *cat);
const char *i18n_key(const i18n *cat, int index);
void i18n_free(i18n *cat);

#endif
