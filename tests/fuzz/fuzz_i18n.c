/* libFuzzer: a .po file (a translator's edit, a language pack) through
 * i18n_load: any bytes must load or fail with "file:line: what", and a
 * loaded catalog must answer every key it lists, never NULL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path;
  i18n *cat = NULL;
  kerr_msg msg;
  if (size > 65536) return 0;
  path = fuzz_file(data, size, ".po");
  memset(msg, 0, sizeof msg);
  if (i18n_load(path, &cat, msg) != KERR_OK) {
    size_t n = strlen(path);
    fuzz_check_str(msg, sizeof msg);
    if (cat) abort();
    if (strncmp(msg, path, n) != 0 || msg[n] != ':') abort();
    return 0;
  }
  for (int i = 0; i < i18n_count(cat); i++) {
    const char *key = i18n_key(cat, i);
    const char *text;
    if (!key) abort();
    text = i18n_get(cat, key);
    if (!text) abort();
    /* has(): a non-empty translation; without one get() gives the key. */
    if (i18n_has(cat, key) ? !text[0] : text != key) abort();
  }
  if (!i18n_get(cat, "no.such.key.in.any.catalog")) abort();
  i18n_free(cat);
  return 0;
}
