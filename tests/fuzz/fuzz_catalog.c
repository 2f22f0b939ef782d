/* libFuzzer: the catalog body from GET /v1/catalog (or the copy cached on
 * disk) the way the kiosk reads it: each entry of "items" through
 * catalog_parse_item, then the rules the catalog and item screens apply for
 * every tier. Any JSON must give terminated strings, a quantity the item
 * screen can offer (0..10) and a reason that is a real msgid. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_item(const catalog_item *it) {
  static const char *const tiers[] = {"standard", "silver", "gold", "diamond",
                                      "unknown"};
  static const int64_t points[] = {0, 720, 60000, INT64_MAX};
  fuzz_check_str(it->id, sizeof it->id);
  fuzz_check_str(it->kind, sizeof it->kind);
  fuzz_check_str(it->name_zh, sizeof it->name_zh);
  fuzz_check_str(it->name_en, sizeof it->name_en);
  fuzz_check_str(it->desc_zh, sizeof it->desc_zh);
  fuzz_check_str(it->desc_en, sizeof it->desc_en);
  fuzz_check_str(it->image, sizeof it->image);
  /* The image name becomes a cache file name: no path may survive. */
  if (strchr(it->image, '/')) abort();
  if (it->min_tier < 0 || it->min_tier > 3) abort();
  for (size_t t = 0; t < sizeof tiers / sizeof tiers[0]; t++)
    for (size_t p = 0; p < sizeof points / sizeof points[0]; p++) {
      const char *why = catalog_why(it, tiers[t], points[p], 1795512000);
      int q = catalog_max_qty(it, tiers[t], points[p]);
      (void)catalog_price(it, tiers[t]);
      if (why && strncmp(why, "catalog.why.", 12) != 0) abort();
      if (q < 0 || q > 10) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_error_t jerr;
  json_t *list = json_loadb((const char *)data, size, 0, &jerr);
  size_t i;
  json_t *v;
  int n = 0;
  if (!list) return 0;
  json_array_foreach(json_object_get(list, "items"), i, v) {
    catalog_item it;
    kerr_msg msg;
    if (n == CATALOG_MAX) break;
    if (catalog_parse_item(v, &it, msg) != KERR_OK) {
      fuzz_check_str(msg, sizeof msg);
      continue;
    }
    check_item(&it);
    n++;
  }
  json_decref(list);
  return 0;
}
