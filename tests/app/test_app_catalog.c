/* The catalog rules the kiosk shows before anything is sent: the member's
 * tier price, why an item cannot be redeemed, the quantity limits, and the
 * member-facing reason for each refusal code of the central. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "catalog.h"
#include "prnw.h"
#include "txn.h"

static json_t *item_json(const char *extra) {
  char text[1024];
  snprintf(text, sizeof text,
           "{\"id\":\"G006\",\"kind\":\"gift\",\"name\":{\"zh\":\"香薰蜡烛\",\"en\":\"Candle\"},"
           "\"description\":{\"zh\":\"d\",\"en\":\"d\"},\"image\":\"/v1/assets/G006.png\","
           "\"points_cost\":1200,\"tier_prices\":{\"standard\":1200,\"silver\":1200,"
           "\"gold\":1100,\"diamond\":1000},\"min_tier\":\"gold\",\"stock\":40,"
           "\"limit_per_day\":null,\"limit_total\":2,\"valid_from\":100,\"valid_to\":1000,"
           "\"offline_redeemable\":false%s}",
           extra);
  json_t *j = json_loads(text, 0, NULL);
  assert_non_null(j);
  return j;
}

static void parses_prices_image_and_limits(void **state) {
  (void)state;
  json_t *j = item_json("");
  catalog_item it;
  kerr_msg msg;
  assert_int_equal(catalog_parse_item(j, &it, msg), KERR_OK);
  assert_string_equal(it.id, "G006");
  assert_string_equal(it.image, "G006.png");
  assert_string_equal(it.name_zh, "香薰蜡烛");
  assert_int_equal(catalog_price(&it, "standard"), 1200);
  assert_int_equal(catalog_price(&it, "gold"), 1100);
  assert_int_equal(catalog_price(&it, "diamond"), 1000);
  assert_int_equal(it.min_tier, 2);
  assert_int_equal(it.per_day, 0); /* null = no limit */
  assert_int_equal(it.total, 2);
  json_decref(j);
}

static void rejects_item_without_id(void **state) {
  (void)state;
  json_t *j = json_loads("{\"kind\":\"gift\",\"points_cost\":5}", 0, NULL);
  catalog_item it;
  kerr_msg msg;
  assert_int_equal(catalog_parse_item(j, &it, msg), KERR_PROTO);
  json_decref(j);
}

static void why_tier_first_then_dates_stock_points(void **state) {
  (void)state;
  json_t *j = item_json("");
  catalog_item it;
  kerr_msg msg;
  assert_int_equal(catalog_parse_item(j, &it, msg), KERR_OK);
  /* A standard member with plenty of points: tier is the reason. */
  assert_string_equal(catalog_why(&it, "standard", 99999, 500), "catalog.why.tier_gold");
  assert_string_equal(catalog_why(&it, "silver", 99999, 500), "catalog.why.tier_gold");
  assert_null(catalog_why(&it, "gold", 1100, 500));
  assert_string_equal(catalog_why(&it, "gold", 1099, 500), "catalog.why.points");
  assert_string_equal(catalog_why(&it, "gold", 9999, 50), "catalog.why.not_yet");
  assert_string_equal(catalog_why(&it, "gold", 9999, 1001), "catalog.why.ended");
  it.stock = 0;
  assert_string_equal(catalog_why(&it, "diamond", 9999, 500), "catalog.why.out_of_stock");
  /* Out of stock says so even when the points would not do either. */
  assert_string_equal(catalog_why(&it, "diamond", 0, 500), "catalog.why.out_of_stock");
  json_decref(j);
}

static void max_qty_is_the_tightest_limit(void **state) {
  (void)state;
  json_t *j = item_json("");
  catalog_item it;
  kerr_msg msg;
  assert_int_equal(catalog_parse_item(j, &it, msg), KERR_OK);
  assert_int_equal(catalog_max_qty(&it, "gold", 100000), 2);  /* limit_total */
  assert_int_equal(catalog_max_qty(&it, "gold", 1100), 1);    /* points */
  assert_int_equal(catalog_max_qty(&it, "gold", 1000), 0);
  it.total = 0;
  it.stock = 3;
  assert_int_equal(catalog_max_qty(&it, "gold", 100000), 3);  /* stock */
  it.stock = 500;
  assert_int_equal(catalog_max_qty(&it, "gold", 100000), 10); /* central's cap */
  it.per_day = 1;
  assert_int_equal(catalog_max_qty(&it, "gold", 100000), 1);
  json_decref(j);
}

/* Offers (issue 10): the fields the central puts on items, the offer price
 * only while the offer runs, a flash sale only in its window and stock. */
static void offers_price_window_and_flash_stock(void **state) {
  (void)state;
  kerr_msg msg;
  catalog_item it;
  json_t *j = item_json(",\"offer_kind\":\"limited\",\"offer_points\":600,"
                        "\"offer_from\":200,\"offer_to\":300,\"flash_stock\":null");
  assert_int_equal(catalog_parse_item(j, &it, msg), KERR_OK);
  json_decref(j);
  assert_string_equal(it.offer_kind, "limited");
  assert_int_equal(it.flash_stock, -1);
  assert_int_equal(catalog_offer_state(&it, 199), CATALOG_OFFER_UPCOMING);
  assert_int_equal(catalog_offer_state(&it, 200), CATALOG_OFFER_RUNNING);
  assert_int_equal(catalog_offer_state(&it, 300), CATALOG_OFFER_NONE);
  assert_int_equal(catalog_price_at(&it, "gold", 199), 1100);
  assert_int_equal(catalog_price_at(&it, "gold", 250), 600);
  assert_int_equal(catalog_price_at(&it, "gold", 300), 1100);
  /* enough for the offer price, not the tier price: redeemable while it runs */
  assert_null(catalog_why(&it, "gold", 700, 250));
  assert_string_equal(catalog_why(&it, "gold", 700, 350), "catalog.why.points");
  assert_int_equal(catalog_max_qty_at(&it, "gold", 1300, 250), 2);
  assert_int_equal(catalog_max_qty_at(&it, "gold", 1300, 350), 1);

  j = item_json(",\"offer_kind\":\"flash\",\"offer_points\":100,"
                "\"offer_from\":200,\"offer_to\":300,\"flash_stock\":1");
  assert_int_equal(catalog_parse_item(j, &it, msg), KERR_OK);
  json_decref(j);
  assert_string_equal(catalog_why(&it, "gold", 9999, 150), "offers.why.not_started");
  assert_null(catalog_why(&it, "gold", 100, 250));
  assert_string_equal(catalog_why(&it, "gold", 9999, 400), "offers.why.flash_ended");
  assert_int_equal(catalog_max_qty_at(&it, "gold", 9999, 250), 1); /* flash stock */
  it.flash_stock = 0;
  assert_int_equal(catalog_offer_state(&it, 250), CATALOG_OFFER_SOLD_OUT);
  assert_string_equal(catalog_why(&it, "gold", 9999, 250), "offers.why.sold_out");
  assert_int_equal(catalog_price_at(&it, "gold", 250), 1100);

  /* an offer the kiosk cannot read whole is left off, the item stays */
  j = item_json(",\"offer_kind\":\"flash\",\"offer_points\":100,"
                "\"offer_from\":200,\"offer_to\":300");
  assert_int_equal(catalog_parse_item(j, &it, msg), KERR_OK);
  json_decref(j);
  assert_string_equal(it.offer_kind, "");
  assert_int_equal(catalog_offer_state(&it, 250), CATALOG_OFFER_NONE);
  j = item_json(",\"offer_kind\":\"bogus\",\"offer_points\":1,"
                "\"offer_from\":200,\"offer_to\":300,\"flash_stock\":null");
  assert_int_equal(catalog_parse_item(j, &it, msg), KERR_OK);
  json_decref(j);
  assert_int_equal(catalog_price_at(&it, "gold", 250), 1100);
}

static void central_refusals_map_to_member_reasons(void **state) {
  (void)state;
  assert_string_equal(txn_reason_msgid("insufficient_points"),
                      "result.why.insufficient_points");
  assert_string_equal(txn_reason_msgid("out_of_stock"), "result.why.out_of_stock");
  assert_string_equal(txn_reason_msgid("limit_reached"), "result.why.limit_reached");
  assert_string_equal(txn_reason_msgid("tier_required"), "result.why.tier_required");
  assert_string_equal(txn_reason_msgid("item_unavailable"), "result.why.item_unavailable");
  assert_string_equal(txn_reason_msgid("something_new"), "result.why.other");
  assert_string_equal(txn_reason_msgid(NULL), "result.why.other");
}

static void parking_refusals_speak_of_the_car(void **state) {
  (void)state;
  assert_string_equal(txn_parking_reason_msgid("not_found"), "parking.why.not_found");
  assert_string_equal(txn_parking_reason_msgid("limit_reached"),
                      "parking.why.limit_reached");
  assert_string_equal(txn_parking_reason_msgid("invalid_plate"),
                      "parking.why.invalid_plate");
  assert_string_equal(txn_parking_reason_msgid("insufficient_points"),
                      "result.why.insufficient_points");
  assert_string_equal(txn_parking_reason_msgid("something_new"), "parking.why.other");
  assert_string_equal(txn_parking_reason_msgid(NULL), "parking.why.other");
}

static void printer_faults_have_reasons(void **state) {
  (void)state;
  assert_string_equal(prnw_fault_msgid(PRNW_PAPER_OUT), "result.print.paper_out");
  assert_string_equal(prnw_fault_msgid(PRNW_COVER_OPEN), "result.print.cover_open");
  assert_string_equal(prnw_fault_msgid(PRNW_NO_PRINTER), "result.print.no_printer");
  assert_string_equal(prnw_fault_msgid(PRNW_ERROR), "result.print.error");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_prices_image_and_limits),
      cmocka_unit_test(rejects_item_without_id),
      cmocka_unit_test(why_tier_first_then_dates_stock_points),
      cmocka_unit_test(max_qty_is_the_tightest_limit),
      cmocka_unit_test(offers_price_window_and_flash_stock),
      cmocka_unit_test(central_refusals_map_to_member_reasons),
      cmocka_unit_test(parking_refusals_speak_of_the_car),
      cmocka_unit_test(printer_faults_have_reasons),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
