#include "ctl_demoengage.h"

#include <sodium.h>
#include <stdio.h>

#include "ctl_clock.h"
#include "ctl_db.h"
#include "ctl_engage.h"
#include "ctl_receipts.h"
#include "kerr.h"

#define DAY_S 86400
#define HOUR_S 3600

static const struct {
  const char *id, *mall, *zh, *en, *category;
} shops[] = {
    {"S01", CTL_ENGAGE_MALL, "星河小馆", "Galaxy Bistro", "dining"},
    {"S02", CTL_ENGAGE_MALL, "衣见倾心", "Style Studio", "fashion"},
    {"S03", CTL_ENGAGE_MALL, "星河影城", "Galaxy Cinema", "cinema"},
    {"S90", "harbor", "海港茶餐厅", "Harbor Cafe", "dining"},
};

static const struct {
  const char *shop, *no;
  int64_t cents, hours_ago;
} sales[] = {
    {"S01", "000101", 12850, 2},  {"S01", "000102", 6800, 72},
    {"S01", "000103", 10000, 20}, {"S01", "000104", 4560, 30},
    {"S02", "000201", 59900, 26}, {"S02", "000202", 29900, 50},
    {"S03", "000301", 9000, 5},   {"S03", "000302", 13500, 150},
    {"S01", "000099", 8800, 240}, {"S90", "900001", 15000, 24},
};

static const char *const sql[] = {
    /* campaigns: id, kind, category, title, body, starts, ends (hours) */
    "INSERT INTO campaigns VALUES('CP01', 'double_points', 'cinema',"
    "  '影城双倍积分周', 'Cinema double-points week',"
    "  '本周在星河影城消费，小票积分翻倍', 'Receipts from Galaxy Cinema earn "
    "double points this week', ?1 - 86400, ?1 + 6 * 86400);"
    "INSERT INTO campaigns VALUES('CP02', 'event', NULL, '周末亲子市集',"
    "  'Family market this weekend', '中庭亲子市集，欢迎参加',"
    "  'A family market in the atrium: come and join', ?1 + 2 * 86400,"
    "  ?1 + 4 * 86400);"
    "INSERT INTO campaigns VALUES('CP03', 'double_points', NULL,"
    "  '会员日全场双倍积分', 'Member day: double points everywhere',"
    "  '会员日当天所有小票积分翻倍', 'Every receipt earns double points on "
    "member day', ?1 + 10 * 86400, ?1 + 11 * 86400);",
    "INSERT INTO lottery_prizes VALUES('LP1', 1, 'voucher', '蓝牙音箱',"
    "  'Bluetooth speaker', 5, 2, 0, 14, '一楼服务台', 'Service desk, 1F');"
    "INSERT INTO lottery_prizes VALUES('LP2', 2, 'voucher', '咖啡券',"
    "  'Coffee coupon', 100, 30, 0, 7, '一楼咖啡店出示券码',"
    "  'Show the code at the 1F cafe');"
    "INSERT INTO lottery_prizes VALUES('LP3', 3, 'points', '1000积分',"
    "  '1,000 points', 45, 10, 1000, 0, NULL, NULL);"
    "INSERT INTO lottery_prizes VALUES('LP4', 4, 'points', '100积分',"
    "  '100 points', 350, NULL, 100, 0, NULL, NULL);"
    "INSERT INTO lottery_prizes VALUES('LP5', 5, 'thanks', '谢谢参与',"
    "  'Thanks for playing', 500, NULL, 0, 0, NULL, NULL);",
    "INSERT INTO charities VALUES('CH1', 1, '山区儿童图书角',"
    "  'Books for mountain schools', '为山区小学捐建图书角',"
    "  'Reading corners for rural primary schools', 500000);"
    "INSERT INTO charities VALUES('CH2', 2, '流浪动物救助',"
    "  'Stray animal rescue', '救助与领养城市流浪动物',"
    "  'Rescue and adoption of stray animals', 300000);"
    "INSERT INTO charities VALUES('CH3', 3, '城市绿化植树',"
    "  'Trees for the city', '为城市公园种下新树',"
    "  'New trees for the city parks', 200000);",
    "INSERT INTO items(id, sort, kind, name_zh, name_en, desc_zh, desc_en,"
    "  image, points_cost, min_tier, stock, valid_from, valid_to,"
    "  offline_redeemable, voucher_days, pickup_zh, pickup_en)"
    "  SELECT 'F001', 100, 'gift', '秒杀·蓝牙音箱', 'Flash sale: speaker',"
    "  '限量5台，开抢后先到先得', 'Only 5, first come first served',"
    "  '/v1/assets/F001.png', 8000, 'standard', 5, ?1 - 30 * 86400,"
    "  ?1 + 30 * 86400, 0, 14, '一楼服务台', 'Service desk, 1F'"
    "  WHERE NOT EXISTS (SELECT 1 FROM items WHERE id='F001');"
    "INSERT INTO offers SELECT 'P001', 'limited', 200, ?1 - 86400,"
    "  ?1 + 3 * 86400, NULL WHERE EXISTS (SELECT 1 FROM items WHERE id='P001');"
    "INSERT INTO offers SELECT 'E004', 'limited', 2800, ?1 + 2 * 86400,"
    "  ?1 + 9 * 86400, NULL WHERE EXISTS (SELECT 1 FROM items WHERE id='E004');"
    "INSERT INTO offers VALUES('F001', 'flash', 800, ?1 + 600,"
    "  ?1 + 7 * 86400, 5);",
    "INSERT INTO member_prefs SELECT 'M100001', 0, 'coupon,parking'"
    "  WHERE EXISTS (SELECT 1 FROM members WHERE id='M100001');"
    "INSERT INTO member_prefs SELECT 'M100002', 1, 'coupon'"
    "  WHERE EXISTS (SELECT 1 FROM members WHERE id='M100002');"
    "INSERT INTO member_prefs SELECT 'M100003', 1, 'gift,experience'"
    "  WHERE EXISTS (SELECT 1 FROM members WHERE id='M100003');"
    "INSERT INTO member_prefs SELECT 'M100004', 1, 'experience'"
    "  WHERE EXISTS (SELECT 1 FROM members WHERE id='M100004');",
};

/* Runs each statement of a ;-separated list with ?1 = now. */
static int run_all(sqlite3 *conn, const char *text, int64_t now, char *msg) {
  const char *tail = text;
  while (tail && *tail) {
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(conn, tail, -1, &st, &tail);
    if (rc != SQLITE_OK)
      return kerr_set(msg, KERR_DB, "demo engage: %s", sqlite3_errmsg(conn));
    if (!st) break; /* trailing whitespace */
    if (sqlite3_bind_parameter_count(st) > 0) sqlite3_bind_int64(st, 1, now);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
      return kerr_set(msg, KERR_DB, "demo engage: %s", sqlite3_errmsg(conn));
  }
  return KERR_OK;
}

static int seed_shops(sqlite3 *conn, int64_t now, char *msg) {
  sqlite3_stmt *st;
  size_t i;
  int rc = ctl_db_prepare(conn,
                          "INSERT INTO shops(id, mall, name_zh, name_en, "
                          "category, public_key) VALUES(?, ?, ?, ?, ?, ?)",
                          &st, msg);
  if (rc) return rc;
  for (i = 0; rc == 0 && i < sizeof shops / sizeof shops[0]; i++) {
    unsigned char pk[32], sk[64];
    ctl_receipts_demo_keys(shops[i].id, pk, sk);
    sodium_memzero(sk, sizeof sk);
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, shops[i].id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, shops[i].mall, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, shops[i].zh, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, shops[i].en, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, shops[i].category, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 6, pk, sizeof pk, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
      rc = kerr_set(msg, KERR_DB, "seed shop: %s", sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  if (rc ||
      (rc = ctl_db_prepare(conn,
                           "INSERT INTO sales(shop_id, receipt_no, "
                           "amount_cents, sold_at) VALUES(?, ?, ?, ?)",
                           &st, msg)) != 0)
    return rc;
  for (i = 0; rc == 0 && i < sizeof sales / sizeof sales[0]; i++) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, sales[i].shop, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, sales[i].no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, sales[i].cents);
    sqlite3_bind_int64(st, 4, now - sales[i].hours_ago * HOUR_S);
    if (sqlite3_step(st) != SQLITE_DONE)
      rc = kerr_set(msg, KERR_DB, "seed sale: %s", sqlite3_errmsg(conn));
  }
  ctl_db_finish(st);
  return rc;
}

int ctl_demoengage_seed(sqlite3 *conn, int64_t now, char *msg) {
  int64_t n;
  size_t i;
  int rc = ctl_db_int(conn, "SELECT COUNT(*) FROM shops", NULL, NULL, 0, &n,
                      msg);
  if (rc || n) return rc;
  if ((rc = seed_shops(conn, now, msg)) != 0) return rc;
  for (i = 0; rc == 0 && i < sizeof sql / sizeof sql[0]; i++)
    rc = run_all(conn, sql[i], now, msg);
  return rc;
}
