/* session: the member's visit as a state machine; tmpl: placeholders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <sodium.h>

#include "session.h"
#include "tmpl.h"

static unsigned char pk[32], sk[64];
static const mcode_policy policy = MCODE_POLICY_DEFAULT;
#define NOW 1800000000

static void make_code(char *out, int64_t issued) {
  mcode_claims c = {.member_id = "M100003", .tier = "gold", .points = 12800,
                    .issued = issued};
  assert_int_equal(mcode_sign(&c, sk, out, MCODE_MAX_LEN + 1), 0);
}

static json_t *profile(const char *id) {
  return json_pack(
      "{s:s,s:s,s:s,s:{s:s,s:{s:s,s:s}},s:I,s:I,s:{s:s,s:{s:s,s:s},s:I,s:I},"
      "s:[{s:s,s:I}],s:[{s:s,s:s}],s:b,s:{s:i,s:b}}",
      "id", id, "name_masked", "张*明", "phone_masked", "138****1003", "tier",
      "code", "gold", "name", "zh", "金卡", "en", "Gold", "points",
      (json_int_t)12800, "tier_points", (json_int_t)32000, "next_tier", "code",
      "diamond", "name", "zh", "钻石", "en", "Diamond", "threshold",
      (json_int_t)50000, "missing", (json_int_t)18000, "expiring", "date",
      "2026-12-31", "points", (json_int_t)1200, "benefits", "zh", "免费停车",
      "en", "Free parking", "birthday_this_month", 1, "checkin", "streak", 2,
      "today", 0);
}

static session *active(uint64_t t) {
  session *s = session_new(45000, 10000);
  char code[MCODE_MAX_LEN + 1];
  make_code(code, NOW);
  mcode_status st;
  mcode_claims c;
  assert_int_equal(session_scan(s, code, strlen(code), pk, &policy, NOW, &st, &c),
                   SESSION_SCAN_RESOLVE);
  assert_int_equal(session_state_of(s), SESSION_CHECKING);
  json_t *p = profile("M100003");
  kerr_msg msg = "";
  assert_int_equal(session_resolved(s, session_generation(s), p, t, msg), 0);
  json_decref(p);
  return s;
}

static void good_code_and_profile_make_an_active_session(void **state) {
  (void)state;
  session *s = active(1000);
  assert_int_equal(session_state_of(s), SESSION_ACTIVE);
  const session_member *m = session_member_of(s);
  assert_non_null(m);
  assert_string_equal(m->name_masked, "张*明");
  assert_string_equal(m->tier, "gold");
  assert_int_equal(m->points, 12800);
  assert_int_equal(m->next_missing, 18000);
  assert_int_equal(m->n_expiring, 1);
  assert_string_equal(m->expiring[0].date, "2026-12-31");
  assert_string_equal(m->benefits[0].en, "Free parking");
  assert_true(m->birthday);
  assert_int_equal(m->checkin_streak, 2);
  session_free(s);
}

/* Offline redemption rests on the code's own points and issued time. */
static void the_verified_code_is_kept_until_the_session_ends(void **state) {
  (void)state;
  session *s = active(1000);
  const mcode_claims *c = session_code_of(s);
  assert_non_null(c);
  assert_string_equal(c->member_id, "M100003");
  assert_int_equal(c->points, 12800);
  assert_int_equal(c->issued, NOW);
  session_end(s);
  assert_null(session_code_of(s));
  session_free(s);
}

static void refused_codes_keep_the_session_idle(void **state) {
  (void)state;
  session *s = session_new(45000, 10000);
  char code[MCODE_MAX_LEN + 1];
  mcode_status st;
  mcode_claims c;
  make_code(code, NOW - 121);
  assert_int_equal(session_scan(s, code, strlen(code), pk, &policy, NOW, &st, &c),
                   SESSION_SCAN_REFUSED);
  assert_int_equal(st, MCODE_EXPIRED);
  make_code(code, NOW + 31);
  session_scan(s, code, strlen(code), pk, &policy, NOW, &st, &c);
  assert_int_equal(st, MCODE_FROM_FUTURE);
  make_code(code, NOW);
  /* Another valid base64url character well inside the signature. */
  char *c10 = &code[strlen(code) - 10];
  *c10 = *c10 == 'A' ? 'B' : 'A';
  session_scan(s, code, strlen(code), pk, &policy, NOW, &st, &c);
  assert_int_equal(st, MCODE_BAD_SIGNATURE);
  session_scan(s, "https://x", 9, pk, &policy, NOW, &st, &c);
  assert_int_equal(st, MCODE_NOT_MEMBER);
  assert_int_equal(session_state_of(s), SESSION_IDLE);
  session_free(s);
}

static void idle_member_gets_a_countdown_then_is_wiped(void **state) {
  (void)state;
  session *s = active(1000);
  assert_int_equal(session_tick(s, 1000 + 34999), 0);
  assert_int_equal(session_deadline(s, 2000), 1000 + 35000);
  assert_int_equal(session_tick(s, 1000 + 35000), 1);
  assert_int_equal(session_state_of(s), SESSION_ENDING);
  assert_int_equal(session_countdown_left(s, 1000 + 35000), 10);
  assert_int_equal(session_countdown_left(s, 1000 + 44001), 1);
  unsigned gen = session_generation(s);
  assert_int_equal(session_tick(s, 1000 + 45000), 1);
  assert_int_equal(session_state_of(s), SESSION_IDLE);
  assert_null(session_member_of(s));
  assert_true(session_generation(s) != gen);
  session_free(s);
}

static void a_touch_cancels_the_countdown(void **state) {
  (void)state;
  session *s = active(0);
  session_tick(s, 36000);
  assert_int_equal(session_state_of(s), SESSION_ENDING);
  session_touch(s, 37000);
  assert_int_equal(session_state_of(s), SESSION_ACTIVE);
  assert_int_equal(session_tick(s, 37000 + 34000), 0);
  assert_int_equal(session_state_of(s), SESSION_ACTIVE);
  session_free(s);
}

static void stale_or_wrong_answers_are_ignored(void **state) {
  (void)state;
  session *s = session_new(45000, 10000);
  char code[MCODE_MAX_LEN + 1];
  make_code(code, NOW);
  mcode_status st;
  mcode_claims c;
  session_scan(s, code, strlen(code), pk, &policy, NOW, &st, &c);
  unsigned gen = session_generation(s);
  /* A second scan while checking is dropped. */
  assert_int_equal(session_scan(s, code, strlen(code), pk, &policy, NOW, &st, &c),
                   SESSION_SCAN_BUSY);
  json_t *p = profile("M100003");
  kerr_msg msg = "";
  assert_int_equal(session_resolved(s, gen + 5, p, 0, msg), 0);
  assert_int_equal(session_state_of(s), SESSION_CHECKING);
  json_decref(p);
  /* An answer for another member is refused. */
  p = profile("M999999");
  assert_int_equal(session_resolved(s, gen, p, 0, msg), KERR_PROTO);
  assert_int_equal(session_state_of(s), SESSION_IDLE);
  json_decref(p);
  session_free(s);
}

static void profile_without_points_is_refused(void **state) {
  (void)state;
  session_member m;
  kerr_msg msg = "";
  json_t *p = json_pack("{s:s,s:{s:s}}", "id", "M1", "tier", "code", "gold");
  assert_int_equal(session_parse_member(p, &m, msg), KERR_PROTO);
  json_decref(p);
}

static void placeholders_and_numbers(void **state) {
  (void)state;
  char out[64];
  tmpl_fill(out, sizeof out, "{points} 积分将于 {date} 过期",
            (const char *[]){"points", "1,200", "date", "2026-12-31", NULL});
  assert_string_equal(out, "1,200 积分将于 2026-12-31 过期");
  tmpl_fill(out, sizeof out, "{unknown} stays", (const char *[]){NULL});
  assert_string_equal(out, "{unknown} stays");
  tmpl_fill(out, 8, "积分积分", NULL); /* 12 bytes into 8: cut at a character */
  assert_string_equal(out, "积分");
  tmpl_number(12800, out, sizeof out);
  assert_string_equal(out, "12,800");
  tmpl_number(999, out, sizeof out);
  assert_string_equal(out, "999");
  tmpl_number(-1234567, out, sizeof out);
  assert_string_equal(out, "-1,234,567");
}

int main(void) {
  if (sodium_init() < 0) return 1;
  crypto_sign_keypair(pk, sk);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(good_code_and_profile_make_an_active_session),
      cmocka_unit_test(the_verified_code_is_kept_until_the_session_ends),
      cmocka_unit_test(refused_codes_keep_the_session_idle),
      cmocka_unit_test(idle_member_gets_a_countdown_then_is_wiped),
      cmocka_unit_test(a_touch_cancels_the_countdown),
      cmocka_unit_test(stale_or_wrong_answers_are_ignored),
      cmocka_unit_test(profile_without_points_is_refused),
      cmocka_unit_test(placeholders_and_numbers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
