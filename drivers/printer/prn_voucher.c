#include "prn_voucher.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *prn_voucher_assets_dir(void) {
  const char *env = getenv("KIOSK_ASSETS");
  struct stat st;
  if (env && *env)
    return env;
  if (stat(KIOSK_SOURCE_ASSETS, &st) == 0 && S_ISDIR(st.st_mode))
    return KIOSK_SOURCE_ASSETS;
  return KIOSK_INSTALL_ASSETS;
}

/* The mall logo from the assets, or "" when this kiosk has none there: a
 * missing default logo must not stop a voucher from printing. */
static void default_logo(char *out, size_t cap) {
  int n = snprintf(out, cap, "%s/%s", prn_voucher_assets_dir(), PRN_VOUCHER_LOGO);
  if (n < 0 || (size_t)n >= cap || access(out, R_OK) != 0)
    out[0] = '\0';
}

static int get_str(json_t *o, const char *key, char *out, size_t cap, int required,
                   char *msg) {
  json_t *j = json_object_get(o, key);
  out[0] = '\0';
  if (!j || json_is_null(j)) {
    if (required)
      return kerr_set(msg, KERR_INVALID, "voucher: \"%s\" is missing", key);
    return KERR_OK;
  }
  if (!json_is_string(j))
    return kerr_set(msg, KERR_INVALID, "voucher: \"%s\" must be a string", key);
  size_t n = json_string_length(j);
  if (n >= cap)
    return kerr_set(msg, KERR_INVALID, "voucher: \"%s\" is longer than %zu bytes", key,
                    cap - 1);
  if (memchr(json_string_value(j), '\0', n))
    return kerr_set(msg, KERR_INVALID, "voucher: \"%s\" holds a NUL", key);
  memcpy(out, json_string_value(j), n + 1);
  if (required && n == 0)
    return kerr_set(msg, KERR_INVALID, "voucher: \"%s\" is empty", key);
  return KERR_OK;
}

static int get_int(json_t *o, const char *key, long lo, long hi, long *out, int required,
                   char *msg) {
  json_t *j = json_object_get(o, key);
  *out = 0;
  if (!j || json_is_null(j))
    return required ? kerr_set(msg, KERR_INVALID, "voucher: \"%s\" is missing", key)
                    : KERR_OK;
  if (!json_is_integer(j) || json_integer_value(j) < lo || json_integer_value(j) > hi)
    return kerr_set(msg, KERR_INVALID, "voucher: \"%s\" must be an integer %ld..%ld", key,
                    lo, hi);
  *out = (long)json_integer_value(j);
  return KERR_OK;
}

static int get_bool(json_t *o, const char *key, int *out, char *msg) {
  json_t *j = json_object_get(o, key);
  *out = 0;
  if (!j || json_is_null(j))
    return KERR_OK;
  if (!json_is_boolean(j))
    return kerr_set(msg, KERR_INVALID, "voucher: \"%s\" must be true or false", key);
  *out = json_is_true(j);
  return KERR_OK;
}

/* The line under the QR is what a person reads out or types at the desk: a
 * signed KV1 code is ~125 characters, so its voucher id field stands in. */
static void derive_short_code(prn_voucher *v) {
  const char *c = v->voucher_code, *id, *end;
  size_t n;
  if (strncmp(c, "KV1.", 4) == 0 && (end = strchr(c + 4, '.')) != NULL) {
    id = c + 4;
    n = (size_t)(end - id);
  } else {
    id = c;
    n = strlen(c);
  }
  if (n == 0 || n >= sizeof v->short_code) {
    id = c;
    n = sizeof v->short_code - 1 < strlen(c) ? sizeof v->short_code - 1 : strlen(c);
  }
  memcpy(v->short_code, id, n);
  v->short_code[n] = '\0';
}

static int from_json(json_t *o, prn_voucher *v, char *msg) {
  char kind[16];
  int rc;
  long hours = 0;
  memset(v, 0, sizeof *v);
  if (!json_is_object(o))
    return kerr_set(msg, KERR_INVALID, "voucher: not a JSON object");
  if ((rc = get_str(o, "kind", kind, sizeof kind, 1, msg)))
    return rc;
  if (strcmp(kind, "gift") == 0)
    v->kind = PRN_VOUCHER_GIFT;
  else if (strcmp(kind, "parking") == 0)
    v->kind = PRN_VOUCHER_PARKING;
  else if (strcmp(kind, "thanks") == 0)
    v->kind = PRN_VOUCHER_THANKS;
  else
    return kerr_set(msg, KERR_INVALID,
                    "voucher: \"kind\" must be \"gift\", \"parking\" or \"thanks\"");
  int park = v->kind == PRN_VOUCHER_PARKING, thanks = v->kind == PRN_VOUCHER_THANKS;
  int gift = !park; /* a gift or the thanks slip names its item (the project) */
  if ((rc = get_str(o, "mall_name_zh", v->mall_name_zh, sizeof v->mall_name_zh, 1, msg)) ||
      (rc = get_str(o, "mall_name_en", v->mall_name_en, sizeof v->mall_name_en, 0, msg)) ||
      (rc = get_str(o, "item_name_zh", v->item_name_zh, sizeof v->item_name_zh, gift, msg)) ||
      (rc = get_str(o, "item_name_en", v->item_name_en, sizeof v->item_name_en, 0, msg)) ||
      (rc = get_int(o, "points_charged", 0, 1000000000L, &v->points_charged, 1, msg)) ||
      (rc = get_int(o, "points_balance", 0, 1000000000L, &v->points_balance, !thanks,
                    msg)) ||
      (rc = get_int(o, "project_total", 0, 1000000000L, &v->project_total, thanks,
                    msg)) ||
      (rc = get_str(o, "member_id", v->member_id, sizeof v->member_id, 0, msg)) ||
      (rc = get_str(o, "member_name", v->member_name, sizeof v->member_name, 0, msg)) ||
      (rc = get_str(o, "voucher_code", v->voucher_code, sizeof v->voucher_code, 1, msg)) ||
      (rc = get_str(o, "short_code", v->short_code, sizeof v->short_code, 0, msg)) ||
      (rc = get_str(o, "pickup_zh", v->pickup_zh, sizeof v->pickup_zh, 0, msg)) ||
      (rc = get_str(o, "pickup_en", v->pickup_en, sizeof v->pickup_en, 0, msg)) ||
      (rc = get_str(o, "expires_at", v->expires_at, sizeof v->expires_at, 0, msg)) ||
      (rc = get_str(o, "kiosk_id", v->kiosk_id, sizeof v->kiosk_id, 1, msg)) ||
      (rc = get_str(o, "time", v->time, sizeof v->time, 1, msg)) ||
      (rc = get_bool(o, "pending", &v->pending, msg)) ||
      (rc = get_bool(o, "reprint", &v->reprint, msg)) ||
      (rc = get_str(o, "plate", v->plate, sizeof v->plate, park, msg)) ||
      (rc = get_int(o, "hours", 1, 99, &hours, park, msg)) ||
      (rc = get_str(o, "logo", v->logo, sizeof v->logo, 0, msg)))
    return rc;
  v->hours = (int)hours;
  json_t *logo = json_object_get(o, "logo");
  if (!logo || json_is_null(logo))
    default_logo(v->logo, sizeof v->logo);
  for (const char *p = v->voucher_code; *p; p++)
    if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
      return kerr_set(msg, KERR_INVALID,
                      "voucher: \"voucher_code\" must be printable ASCII without spaces");
  if (!v->short_code[0]) derive_short_code(v);
  return KERR_OK;
}

int prn_voucher_parse(const char *json, prn_voucher *v, char *msg) {
  json_error_t err;
  json_t *o = json_loads(json, JSON_REJECT_DUPLICATES, &err);
  if (!o)
    return kerr_set(msg, KERR_INVALID, "voucher JSON line %d: %s", err.line, err.text);
  int rc = from_json(o, v, msg);
  json_decref(o);
  return rc;
}

int prn_voucher_load(const char *path, prn_voucher *v, char *msg) {
  json_error_t err;
  json_t *o = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
  if (!o)
    return kerr_set(msg, KERR_INVALID, "%s:%d: %s", path, err.line, err.text);
  int rc = from_json(o, v, msg);
  json_decref(o);
  return rc;
}
