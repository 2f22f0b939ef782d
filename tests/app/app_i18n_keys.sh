#!/bin/sh
# Every key the app uses exists in both languages, and app.po has the same
# keys in zh_CN and en.
set -u
src=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
keys() { sed -n 's/^msgid "\(..*\)"$/\1/p' "$@" | sort -u; }
keys "$src/assets/i18n/zh_CN/app.po" >/tmp/app_i18n_zh.$$
keys "$src/assets/i18n/en/app.po" >/tmp/app_i18n_en.$$
diff /tmp/app_i18n_zh.$$ /tmp/app_i18n_en.$$ || fail "app.po keys differ between zh_CN and en"
rm -f /tmp/app_i18n_zh.$$ /tmp/app_i18n_en.$$
for lang in zh_CN en; do
  keys "$src"/assets/i18n/$lang/*.po >/tmp/app_i18n_all.$$
  used=$(grep -ohE 'app_t(_other)?\(a, "[^"]+"\)|(notice|app_toast)\(a, "[^"]+"\)|return "[a-z]+\.[a-z_.]+";' \
    "$src"/app/*.c | grep -oE '"[^"]+"' | tr -d '"' | sort -u)
  for k in $used tier.standard tier.silver tier.gold tier.diamond scan.error.expired \
    scan.error.future scan.error.not_member scan.error.forged scan.error.invalid; do
    grep -qx "$k" /tmp/app_i18n_all.$$ || fail "$lang lacks $k"
  done
  rm -f /tmp/app_i18n_all.$$
done
echo ok
