/*
 * prn_voucher: what goes on a voucher slip, read from JSON.
 *
 * `kiosk-print --voucher FILE.json` and the kiosk app hand the printer one
 * JSON object. Strings are UTF-8; unknown fields are ignored so the app can
 * add its own. Fields:
 *
 *   kind            "gift" | "parking" | "thanks"               required
 *                   (thanks: the donation thank-you slip, prn_slip.h)
 *   mall_name_zh    mall name, Chinese (first line)              required
 *   mall_name_en    mall name, English (secondary line)          optional
 *   item_name_zh    gift, Chinese (gift: required); for thanks   gift, thanks
 *                   the charity project's name
 *   item_name_en    gift, English                                optional
 *   points_charged  integer >= 0, points this voucher cost       required
 *   points_balance  integer >= 0, the member's balance after     required
 *                   (optional for thanks; points_charged is the points
 *                   donated)
 *   project_total   integer >= 0: the mall's total for the project thanks
 *   member_id       member id, printed masked (M100001 → M1***01) optional
 *   member_name     full name; printed masked (张小明 → 张*明)   optional
 *   voucher_code    printable ASCII, 1..255 chars: the QR         required
 *   short_code      what the service desk types, 1..32 chars    optional
 *                   (default: for a KV1 code its voucher id field,
 *                   else the voucher code itself if ≤ 32 chars)
 *   pickup_zh       where to collect the gift / use the coupon   optional
 *   pickup_en       same, English                                optional
 *   expires_at      free text as it should print, "2026-12-31"   optional
 *   kiosk_id        "K-0001"                                     required
 *   time            issue time as it should print                required
 *   pending         true: issued offline, 待确认 / PENDING banner  default false
 *   reprint         true: 重印 / REPRINT banner                    default false
 *   plate           car plate, parking only ("沪A·12345")        parking
 *   hours           parking hours covered, integer 1..99         parking
 *   logo            path of a PNG logo printed above the name   optional
 *                   (absent: PRN_VOUCHER_LOGO in the assets folder
 *                   when it is there; "": no logo)
 *
 * Contract: prn_voucher_parse() fills every field or fails with KERR_INVALID
 * and names the bad field in msg; a missing optional string is "", except
 * logo, which defaults to the mall logo of the assets folder
 * (prn_voucher_assets_dir()) when that file is readable.
 * The member name is kept unmasked here: the layout masks it at print time
 * and nothing in this module logs it.
 */
#ifndef PRN_VOUCHER_H
#define PRN_VOUCHER_H

#include "kerr.h"

typedef enum { PRN_VOUCHER_GIFT, PRN_VOUCHER_PARKING, PRN_VOUCHER_THANKS } prn_voucher_kind;

typedef struct prn_voucher {
  prn_voucher_kind kind;
  char mall_name_zh[128], mall_name_en[128];
  char item_name_zh[128], item_name_en[128];
  long points_charged, points_balance;
  char member_name[64];
  char voucher_code[256];
  char short_code[33];
  char pickup_zh[192], pickup_en[192];
  char expires_at[64];
  char kiosk_id[32];
  char time[64];
  int pending, reprint;
  char plate[32];
  int hours;
  long project_total; /* thanks */
  char member_id[32]; /* thanks */
  char logo[256];
} prn_voucher;

/* The mall logo, relative to the assets folder. */
#define PRN_VOUCHER_LOGO "brand/mall-logo.png"

int prn_voucher_parse(const char *json, prn_voucher *v, char *msg);
int prn_voucher_load(const char *path, prn_voucher *v, char *msg);
/* Where the kiosk's assets are: $KIOSK_ASSETS when set, else the source
 * tree's assets/ when it exists (a developer's build), else the installed
 * ones (KIOSK_INSTALL_ASSETS); the same order as the kiosk app. */
const char *prn_voucher_assets_dir(void);

#endif
