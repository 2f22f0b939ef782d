#include "ctl_demoitems.h"

#include <stdio.h>

#include "ctl_clock.h"
#include "ctl_db.h"
#include "kerr.h"

#define DAY_S 86400
#define NONE (-1)

typedef struct {
  const char *id, *kind, *name_zh, *name_en, *desc_zh, *desc_en;
  int64_t cost, silver, gold, diamond; /* NONE = same as the tier below */
  const char *min_tier;
  int64_t stock, per_day, total; /* NONE = no limit */
  int from_days, to_days;        /* validity window around now */
  int offline, voucher_days;
  const char *pickup_zh, *pickup_en;
} demo_item;

#define DESK "一楼服务台", "Service desk, 1F"
#define ONLINE "兑换后出示券码使用", "Show the voucher code when you use it"

static const demo_item items[] = {
    {"G001", "gift", "晴雨伞", "Umbrella", "自动开合折叠伞", "Automatic folding umbrella",
     800, 720, 640, 560, "standard", 50, 2, 5, -30, 180, 0, 7, DESK},
    {"G002", "gift", "保温杯", "Thermos", "500毫升不锈钢保温杯", "500 ml steel thermos",
     1500, 1350, 1200, 1000, "standard", 30, NONE, NONE, -30, 180, 0, 7, DESK},
    {"G003", "gift", "限量帆布袋", "Limited tote bag", "星河限定款帆布袋", "Galaxy Mall limited tote",
     500, NONE, NONE, NONE, "standard", 5, NONE, NONE, -30, 180, 1, 7, DESK},
    {"G004", "gift", "蓝牙耳机", "Wireless earbuds", "降噪蓝牙耳机", "Noise-cancelling earbuds",
     60000, 58000, 55000, 50000, "silver", 5, NONE, 1, -30, 180, 0, 7, DESK},
    {"G005", "gift", "限量公仔", "Limited figure", "周年纪念公仔", "Anniversary figure",
     1000, NONE, NONE, NONE, "standard", 0, NONE, NONE, -30, 180, 0, 7, DESK},
    {"G006", "gift", "香薰蜡烛", "Scented candle", "金卡会员专享", "For gold members and above",
     1200, NONE, 1100, 1000, "gold", 40, NONE, 2, -30, 180, 0, 7, DESK},
    {"G007", "gift", "钻石礼盒", "Diamond gift box", "钻石会员年度礼盒", "Yearly gift for diamond members",
     3000, NONE, NONE, NONE, "diamond", 10, NONE, 1, -30, 180, 0, 14, DESK},
    {"C001", "coupon", "咖啡券", "Coffee coupon", "一楼咖啡店任意中杯", "Any medium coffee, 1F cafe",
     300, 270, 240, 200, "standard", 500, 1, NONE, -30, 180, 1, 3, ONLINE},
    {"C002", "coupon", "50元餐饮券", "50-yuan dining voucher", "五楼餐厅通用", "Valid at 5F restaurants",
     2500, 2300, 2100, 1900, "standard", 200, 2, NONE, -30, 180, 0, 30, ONLINE},
    {"C003", "coupon", "电影票", "Movie ticket", "星河影城2D电影票", "2D ticket, Galaxy Cinema",
     1800, 1700, 1600, 1500, "standard", 100, 2, NONE, -30, 180, 0, 30, ONLINE},
    {"C004", "coupon", "春季满减券", "Spring sale coupon", "活动已结束", "The promotion has ended",
     200, NONE, NONE, NONE, "standard", 100, NONE, NONE, -90, -1, 0, 7, ONLINE},
    {"P001", "parking", "停车2小时券", "2-hour parking voucher", "下次停车抵扣2小时", "2 hours off a later stay",
     400, 360, 320, 280, "standard", 1000, 2, NONE, -30, 180, 1, 30, ONLINE},
    {"P002", "parking", "全天停车券", "Day parking pass", "下次停车全天免费", "A later stay free all day",
     1500, 1400, 1300, 1200, "standard", 300, 1, NONE, -30, 180, 0, 30, ONLINE},
    {"E001", "experience", "儿童乐园体验", "Kids' play area pass", "三楼乐园1小时", "1 hour, 3F play area",
     1000, 900, 800, 700, "standard", 60, 1, NONE, -30, 180, 0, 14, DESK},
    {"E002", "experience", "贵宾室体验", "VIP lounge visit", "贵宾休息室一次", "One VIP lounge visit",
     2000, NONE, 1800, 1500, "gold", 20, 1, NONE, -30, 180, 0, 14, DESK},
    {"E003", "experience", "新年烘焙课", "New Year baking class", "即将开放报名", "Sign-up opens soon",
     1500, NONE, NONE, NONE, "standard", 20, NONE, 1, 10, 60, 0, 14, DESK},
    {"E004", "experience", "水疗体验", "Spa session", "每位会员限一次", "Once per member",
     4000, 3800, 3500, 3000, "standard", 15, NONE, 1, -30, 180, 0, 30, DESK},
};

static void bind_opt(sqlite3_stmt *st, int i, int64_t v) {
  if (v == NONE)
    sqlite3_bind_null(st, i);
  else
    sqlite3_bind_int64(st, i, v);
}

/* Cars in the lot, parked this many minutes ago. */
static const struct {
  const char *plate;
  int minutes;
} cars[] = {
    {"粤B12345", 150}, {"京A88888", 45},  {"沪C5D678", 610},
    {"粤BD12345", 200}, {"浙A12345D", 30}, {"粤B6789学", 95},
};

int ctl_demoitems_seed(sqlite3 *conn, int64_t now, char *msg) {
  sqlite3_stmt *st;
  size_t i;
  int rc = ctl_db_prepare(
      conn,
      "INSERT INTO items(id, sort, kind, name_zh, name_en, desc_zh, desc_en, "
      "image, points_cost, price_silver, price_gold, price_diamond, min_tier, "
      "stock, limit_per_day, limit_total, valid_from, valid_to, "
      "offline_redeemable, voucher_days, pickup_zh, pickup_en) VALUES(?, ?, "
      "?, ?, ?, ?, ?, '/v1/assets/' || ?1 || '.png', ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?)",
      &st, msg);
  if (rc) return rc;
  for (i = 0; i < sizeof items / sizeof items[0]; i++) {
    const demo_item *it = &items[i];
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, it->id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, (int)i);
    sqlite3_bind_text(st, 3, it->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, it->name_zh, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, it->name_en, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, it->desc_zh, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, it->desc_en, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, it->cost);
    bind_opt(st, 9, it->silver);
    bind_opt(st, 10, it->gold);
    bind_opt(st, 11, it->diamond);
    sqlite3_bind_text(st, 12, it->min_tier, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, it->stock);
    bind_opt(st, 14, it->per_day);
    bind_opt(st, 15, it->total);
    sqlite3_bind_int64(st, 16, ctl_clock_end_of_day(now + (int64_t)it->from_days * DAY_S) - DAY_S + 1);
    sqlite3_bind_int64(st, 17, ctl_clock_end_of_day(now + (int64_t)it->to_days * DAY_S));
    sqlite3_bind_int(st, 18, it->offline);
    sqlite3_bind_int(st, 19, it->voucher_days);
    sqlite3_bind_text(st, 20, it->pickup_zh, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 21, it->pickup_en, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
      rc = kerr_set(msg, KERR_DB, "seed item %s: %s", it->id,
                    sqlite3_errmsg(conn));
      break;
    }
  }
  ctl_db_finish(st);
  if (rc) return rc;
  if ((rc = ctl_db_exec(conn,
                        "INSERT INTO meta(key, value) VALUES('catalog_version', 1)",
                        msg)) != 0)
    return rc;
  if ((rc = ctl_db_prepare(conn,
                           "INSERT INTO cars(plate, entered_at) VALUES(?, ?)",
                           &st, msg)) != 0)
    return rc;
  for (i = 0; i < sizeof cars / sizeof cars[0]; i++) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, cars[i].plate, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now - (int64_t)cars[i].minutes * 60);
    if (sqlite3_step(st) != SQLITE_DONE) {
      rc = kerr_set(msg, KERR_DB, "seed car: %s", sqlite3_errmsg(conn));
      break;
    }
  }
  ctl_db_finish(st);
  return rc;
}
