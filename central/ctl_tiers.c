#include "ctl_tiers.h"

#include <string.h>

static const ctl_tier tiers[CTL_TIERS_N] = {
    {"standard", "普通", "Standard", 0, 10, 0,
     {{"消费每1元积1分", "1 point per yuan spent"},
      {"生日月专属礼遇", "A birthday-month treat"},
      {NULL, NULL}}},
    {"silver", "银卡", "Silver", 5000, 15, 1,
     {{"消费积分1.5倍", "1.5x points on purchases"},
      {"每日免费停车1小时", "1 free parking hour a day"},
      {"生日月专属礼遇", "A birthday-month treat"},
      {NULL, NULL}}},
    {"gold", "金卡", "Gold", 20000, 20, 3,
     {{"消费积分2倍", "2x points on purchases"},
      {"每日免费停车3小时", "3 free parking hours a day"},
      {"会员专享礼品兑换", "Members-only gifts"},
      {NULL, NULL}}},
    {"diamond", "钻石", "Diamond", 50000, 20, 5,
     {{"消费积分2倍", "2x points on purchases"},
      {"每日免费停车5小时", "5 free parking hours a day"},
      {"贵宾休息室", "VIP lounge access"},
      {NULL, NULL}}},
};

const ctl_tier *ctl_tiers_at(int index) {
  return index >= 0 && index < CTL_TIERS_N ? &tiers[index] : NULL;
}

int ctl_tiers_index(const char *code) {
  int i;
  for (i = 0; code && i < CTL_TIERS_N; i++)
    if (strcmp(code, tiers[i].code) == 0) return i;
  return -1;
}

int64_t ctl_tiers_earn_tenths(const char *code) {
  int i = ctl_tiers_index(code);
  return i < 0 ? -1 : tiers[i].earn_tenths;
}

const ctl_tier *ctl_tiers_for_points(int64_t tier_points) {
  int i = CTL_TIERS_N - 1;
  while (i > 0 && tier_points < tiers[i].threshold) i--;
  return &tiers[i];
}

static json_t *text(const char *zh, const char *en) {
  return json_pack("{s:s, s:s}", "zh", zh, "en", en);
}

json_t *ctl_tiers_ref_json(const ctl_tier *t) {
  return json_pack("{s:s, s:o}", "code", t->code, "name",
                   text(t->name_zh, t->name_en));
}

json_t *ctl_tiers_benefits_json(const ctl_tier *t) {
  json_t *arr = json_array();
  int i;
  for (i = 0; i < 4 && t->benefits[i][0]; i++)
    json_array_append_new(arr, text(t->benefits[i][0], t->benefits[i][1]));
  return arr;
}

json_t *ctl_tiers_config_json(void) {
  json_t *arr = json_array();
  int i;
  for (i = 0; i < CTL_TIERS_N; i++)
    json_array_append_new(
        arr, json_pack("{s:s, s:o, s:I, s:o, s:f, s:I, s:i}", "code", tiers[i].code,
                       "name", text(tiers[i].name_zh, tiers[i].name_en),
                       "threshold", (json_int_t)tiers[i].threshold, "benefits",
                       ctl_tiers_benefits_json(&tiers[i]), "earn_multiplier",
                       (double)tiers[i].earn_tenths / 10.0,
                       "earn_multiplier_tenths",
                       (json_int_t)tiers[i].earn_tenths, "parking_free_hours",
                       tiers[i].parking_free_hours));
  return arr;
}
