/* engage: the central's refusal codes become the member's words, the
 * profile's streak calendar and bonus are read, the lottery's odds and
 * stock are read (null stock = unlimited), and ending a session wipes what
 * was the member's but keeps the mall's lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"
#include "engage.h"

static void receipt_refusals_have_their_own_words(void **state) {
  (void)state;
  assert_string_equal(engage_reason_msgid(ENGAGE_RECEIPT, "receipt_claimed"),
                      "receipt.why.claimed");
  assert_string_equal(engage_reason_msgid(ENGAGE_RECEIPT, "receipt_too_old"),
                      "receipt.why.too_old");
  assert_string_equal(engage_reason_msgid(ENGAGE_RECEIPT, "receipt_other_mall"),
                      "receipt.why.other_mall");
  assert_string_equal(engage_reason_msgid(ENGAGE_RECEIPT, "invalid_receipt"),
                      "receipt.why.invalid");
  assert_string_equal(engage_reason_msgid(ENGAGE_RECEIPT, NULL), "receipt.why.invalid");
  assert_string_equal(engage_reason_msgid(ENGAGE_DRAW, "insufficient_points"),
                      "engage.why.insufficient_points");
  assert_string_equal(engage_reason_msgid(ENGAGE_DRAW, "limit_reached"),
                      "engage.why.limit_reached");
  assert_string_equal(engage_reason_msgid(ENGAGE_BIRTHDAY, "birthday_claimed"),
                      "engage.why.birthday_claimed");
  assert_string_equal(engage_reason_msgid(ENGAGE_DONATION, "something_new"),
                      "engage.why.other");
}

static const char *profile =
    "{\"id\":\"M1\",\"birthday_gift_claimed\":true,\"checkin\":{\"streak\":2,"
    "\"today\":false,\"calendar\":[{\"date\":\"2026-11-18\",\"checked_in\":false},"
    "{\"date\":\"2026-11-19\",\"checked_in\":false},{\"date\":\"2026-11-20\","
    "\"checked_in\":false},{\"date\":\"2026-11-21\",\"checked_in\":false},"
    "{\"date\":\"2026-11-22\",\"checked_in\":true},{\"date\":\"2026-11-23\","
    "\"checked_in\":true},{\"date\":\"2026-11-24\",\"checked_in\":false}],"
    "\"bonus\":{\"every_days\":3,\"points\":30,\"next_in_days\":1}}}";

static void profile_calendar_and_bonus_are_read(void **state) {
  (void)state;
  json_t *p = json_loads(profile, 0, NULL);
  assert_non_null(p);
  engage_profile(p);
  const engage *e = engage_get();
  assert_true(e->has_calendar);
  assert_string_equal(e->calendar[0].date, "2026-11-18");
  assert_false(e->calendar[3].checked_in);
  assert_true(e->calendar[4].checked_in);
  assert_true(e->calendar[5].checked_in);
  assert_false(e->calendar[6].checked_in);
  assert_int_equal(e->bonus_every, 3);
  assert_int_equal(e->bonus_points, 30);
  assert_int_equal(e->bonus_next_in, 1);
  assert_true(e->birthday_gift_claimed);
  /* A calendar that is not seven days is not shown at all. */
  json_array_remove(json_object_get(json_object_get(p, "checkin"), "calendar"), 0);
  engage_profile(p);
  assert_false(engage_get()->has_calendar);
  json_decref(p);
  engage_forget();
}

static void lottery_read_and_session_end_keeps_mall_lists(void **state) {
  (void)state;
  app a;
  memset(&a, 0, sizeof a);
  a.ses = session_new(45000, 10000);
  assert_non_null(a.ses);
  apiw_result r;
  memset(&r, 0, sizeof r);
  r.tag = ENGAGE_TAG_LOTTERY;
  r.user = (void *)(uintptr_t)session_generation(a.ses);
  r.resp.status = 200;
  r.resp.body = json_loads(
      "{\"cost\":500,\"per_day\":5,\"total_weight\":105,\"prizes\":["
      "{\"id\":\"LP1\",\"kind\":\"voucher\",\"name\":{\"zh\":\"音箱\",\"en\":"
      "\"Speaker\"},\"points\":0,\"weight\":5,\"odds_ppm\":47619,\"remaining\":2,"
      "\"in_stock\":true},{\"id\":\"LP5\",\"kind\":\"thanks\",\"name\":{\"zh\":"
      "\"谢谢参与\",\"en\":\"Thanks\"},\"points\":0,\"weight\":100,\"odds_ppm\":"
      "952381,\"remaining\":null,\"in_stock\":true}]}",
      0, NULL);
  assert_non_null(r.resp.body);
  engage_answer(&a, &r);
  const engage *e = engage_get();
  assert_int_equal(e->lottery_state, 2);
  assert_int_equal(e->lottery_cost, 500);
  assert_int_equal(e->n_prizes, 2);
  assert_string_equal(e->prizes[0].name.en, "Speaker");
  assert_int_equal(e->prizes[0].remaining, 2);
  assert_int_equal(e->prizes[1].remaining, -1);
  assert_int_equal(e->prizes[1].odds_ppm, 952381);
  json_t *p = json_loads(profile, 0, NULL);
  engage_profile(p);
  json_decref(p);
  engage_forget();
  assert_false(e->has_calendar);
  assert_false(e->birthday_gift_claimed);
  assert_int_equal(e->lottery_state, 2); /* the mall's, not the member's */
  assert_int_equal(e->n_prizes, 2);
  json_decref(r.resp.body);
  session_free(a.ses);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(receipt_refusals_have_their_own_words),
      cmocka_unit_test(profile_calendar_and_bonus_are_read),
      cmocka_unit_test(lottery_read_and_session_end_keeps_mall_lists),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
