#!/bin/sh
# End-to-end journeys of the parking and admin screens through the real
# binaries: a kiosk-central --demo on a free port (its demo cars are in the
# lot: central/ctl_demoitems.c), the kiosk headless (SDL_VIDEODRIVER=dummy)
# running a script that types on the on-screen keyboard and the PIN pad, the
# demo's file printer. Screenshots go to OUTDIR for a person to look at.
#
#   app_parking_admin.sh MODE KIOSK CENTRAL OUTDIR [APIGET]
#   MODE: parking | notinlot | badplate | adminlock | admin | owed | landscape
#         | parkrefused
set -u
mode=$1 kiosk=$2 central=$3 out=$4 apiget=${5:-}

. "$(dirname "$0")/lib.sh"
lib_init "$out"


# press lines for each character of a plate typed on the keyboard
keys() {
  printf '%s\n' "$@" | sed 's/^/press key-/'
}

# The gold demo member (3 free hours a day) and the car parked 610 minutes:
# 11 hours due. One hour less: 3 free + 7 x 300 = 2,100 points.
parking_script() { # LANG-SUFFIX
  sfx=$1
  cat <<EOS
press demo-member-3
expect member
press btn-parking
expect parking
shot $out/parking-keyboard-province$sfx.png
EOS
  keys 沪 C 5 D 6 7 8
  cat <<EOS
shot $out/parking-keyboard$sfx.png
press btn-done
expect parking
shot $out/parking-stay$sfx.png
press qty-minus
shot $out/parking-confirm$sfx.png
press btn-confirm
expect result
wait 1500
shot $out/parking-result$sfx.png
EOS
}

start_central
case $mode in
parking)
  { parking_script ""; echo "quit"; } >"$work/p.script"
  run_kiosk "$work/p.script"
  for f in "$out"/*.png; do not_blank "$f"; done
  grep -q 'parking: stay found: 6[0-9][0-9] min, 11 h due, 110 yuan' "$log" ||
    fail "stay of the car not shown"
  grep -q 'parking coupon of 10 h queued' "$log" || fail "coupon not queued for 10 h"
  grep -q 'txn: parking 1 accepted (HTTP 201)' "$log" || fail "coupon not accepted"
  grep -q 'txn: voucher printed' "$log" || fail "receipt not printed"
  png=$work/state/printer/voucher.png
  [ -s "$png" ] || fail "no receipt PNG"
  cp "$png" "$out/receipt.png"
  code=
  if command -v zbarimg >/dev/null; then
    code=$(zbarimg -q --raw "$png" 2>/dev/null | grep '^PC' | head -1)
  elif command -v ZXingReader >/dev/null; then
    code=$(ZXingReader "$png" 2>/dev/null | sed -n 's/^Text: *"\{0,1\}\(PC[0-9A-F]*\)"\{0,1\}$/\1/p' | head -1)
  else
    echo "no QR reader"; exit 77
  fi
  [ -n "$code" ] || fail "the receipt's QR does not decode to a coupon id"
  # The central's stay now has the 10 hours covered; the plate stays out of
  # the kiosk's log.
  grep -q '沪C5D678' "$log" && fail "the plate was logged"
  # The result speaks of parking: the coupon, the plate, the hours.
  txt=$(ocr "$out/parking-result.png" chi_sim)
  for w in 请取走停车券 车牌 10小时停车费 免费3小时 2,100积分; do
    case $txt in *"$w"*) ;; *) fail "parking result does not say $w: $txt" ;; esac
  done
  case $txt in *凭证*|*兑换*) fail "parking result speaks of redemption: $txt" ;; esac
  ;;
parkrefused)
  # The car park's pay station settles the stay while the member looks at
  # it; the kiosk's coupon is then refused with parking words.
  {
    echo "press demo-member-3"
    echo "expect member"
    echo "press btn-parking"
    echo "expect parking"
    keys 沪 C 5 D 6 7 8
    echo "press btn-done"
    echo "expect parking"
    echo "wait 3000"
    echo "press btn-confirm"
    echo "expect result"
    echo "wait 800"
    echo "shot $out/parking-refused.png"
  } >"$work/r.script"
  dump=$work/widgets
  KIOSK_WIDGET_DUMP=$dump SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" \
    --state-dir "$work/state" --script "$work/r.script" >/dev/null 2>"$log" &
  kpid=$!
  i=0
  until grep -q '^btn-confirm ' "$dump" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && { cat "$log" >&2; fail "the stay was never shown"; }
    sleep 0.05
  done
  "$apiget" "$url" /v1/parking/coupons POST \
    '{"member_id":"M100004","plate":"沪C5D678","hours":11}' >/dev/null ||
    fail "the pay station's coupon was refused"
  wait "$kpid" || { cat "$log" >&2; fail "kiosk script failed"; }
  grep -q 'parking 1 rejected: limit_reached' "$log" || fail "coupon not refused as limit_reached"
  grep -q 'voucher printed' "$log" && fail "a refused coupon printed"
  not_blank "$out/parking-refused.png"
  txt=$(ocr "$out/parking-refused.png" chi_sim)
  for w in 停车券未能办理 待缴时长 积分未扣除; do
    case $txt in *"$w"*) ;; *) fail "refusal does not say $w: $txt" ;; esac
  done
  ;;
notinlot)
  {
    echo "press demo-member-2"
    echo "expect member"
    echo "press btn-parking"
    echo "expect parking"
    keys 京 A 1 2 3 4 5
    echo "press btn-done"
    echo "expect parking"
    echo "shot $out/parking-not-found.png"
    echo "press btn-retype"
    echo "expect parking"
    echo "press key-back"
    echo "shot $out/parking-retype.png"
  } >"$work/n.script"
  run_kiosk "$work/n.script"
  not_blank "$out/parking-not-found.png"
  grep -q 'stay lookup: car not in the car park (HTTP 404)' "$log" || fail "404 not shown"
  if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -q chi_sim; then
    tesseract "$out/parking-not-found.png" "$work/nf" -l chi_sim >/dev/null 2>&1
    tr -d ' \n' <"$work/nf.txt" | grep -q '未查询到该车辆的停车记录' ||
      fail "screen does not say 未查询到该车辆的停车记录: $(cat "$work/nf.txt")"
  fi
  ;;
badplate)
  # A digit where the letter goes, then I and O typed on a hardware
  # keyboard: each refused with its reason, nothing looked up.
  {
    echo "press demo-member-1"
    echo "expect member"
    echo "press btn-parking"
    echo "expect parking"
    keys 粤 1
    echo "shot $out/parking-bad-letter.png"
    echo "press btn-done"
    echo "press key-back"
    echo "type BIO12"
    echo "shot $out/parking-bad-io.png"
    echo "press btn-done"
    echo "key BackSpace"
    echo "key BackSpace"
    echo "key BackSpace"
    echo "key BackSpace"
    echo "press key-1"
    echo "press key-2"
    echo "press key-3"
    echo "press key-学"
    echo "press btn-done"
    echo "expect parking"
    echo "shot $out/parking-bad-suffix.png"
  } >"$work/b.script"
  run_kiosk "$work/b.script"
  not_blank "$out/parking-bad-letter.png"
  grep -q 'plate not accepted as typed: plate.why.letter' "$log" || fail "no letter reason"
  grep -q 'plate not accepted as typed: plate.why.io' "$log" || fail "no I/O reason"
  grep -q 'plate not accepted as typed: plate.why.suffix' "$log" || fail "no suffix reason"
  grep -q 'stay found\|stay lookup' "$log" && fail "an invalid plate was looked up"
  ;;
adminlock)
  # Five wrong PINs lock the pad; the right PIN is then refused too.
  {
    echo "press admin-gesture"
    echo "expect admin"
    echo "shot $out/admin-pin.png"
    for n in 1 2 3 4 5; do
      printf 'press pin-1\npress pin-1\npress pin-1\npress pin-%s\npress pin-ok\n' "$n"
    done
    echo "shot $out/admin-locked.png"
    printf 'press pin-2\npress pin-5\npress pin-8\npress pin-0\npress pin-ok\n'
    echo "expect admin"
  } >"$work/l.script"
  run_kiosk "$work/l.script"
  not_blank "$out/admin-locked.png"
  [ "$(grep -c 'admin: wrong PIN' "$log")" -eq 4 ] || fail "not 4 wrong-PIN answers"
  grep -q 'admin: PIN pad locked for 300 s' "$log" || fail "pad not locked"
  grep -q 'PIN accepted' "$log" && fail "the right PIN opened a locked pad"
  grep -q '1111\|2580' "$log" && fail "a PIN was logged"
  ;;
admin)
  {
    echo "press admin-gesture"
    echo "expect admin"
    printf 'press pin-2\npress pin-5\npress pin-8\npress pin-0\npress pin-ok\n'
    echo "expect admin"
    echo "wait 1200"
    echo "shot $out/admin-open.png"
    echo "press btn-test-print"
    echo "wait 1200"
    echo "shot $out/admin-test-print.png"
    echo "press btn-back"
    echo "expect attract"
  } >"$work/a.script"
  run_kiosk "$work/a.script"
  not_blank "$out/admin-open.png"
  grep -q 'admin: PIN accepted' "$log" || fail "right PIN refused"
  grep -q "admin: shown: version [0-9][^,]*, queue depth 0," "$log" ||
    fail "admin screen without version and queue depth"
  grep -q 'admin: test page printed' "$log" || fail "no test page"
  # A PIN of the mall's own, hashed by kiosk --hash-pin into the config:
  # the demo PIN no longer opens, the configured one does, and exit to the
  # system appears because the config allows it.
  line=$(echo 4711 | "$kiosk" --hash-pin) || fail "--hash-pin failed"
  case $line in 'pin_hash = $argon2id$'*) ;; *) fail "--hash-pin printed $line" ;; esac
  echo 12 | "$kiosk" --hash-pin >/dev/null 2>&1 && fail "--hash-pin took a 2-digit PIN"
  printf '[admin]\n%s\nallow_exit = yes\n' "$line" >"$work/admin.conf"
  {
    echo "press admin-gesture"
    echo "expect admin"
    printf 'press pin-2\npress pin-5\npress pin-8\npress pin-0\npress pin-ok\n'
    printf 'press pin-4\npress pin-7\npress pin-1\npress pin-1\npress pin-ok\n'
    echo "expect admin"
    echo "wait 600"
    echo "shot $out/admin-open-exit.png"
    echo "press btn-exit-app"
    echo "wait 5000"
    echo "shot $out/not-reached.png"
  } >"$work/c.script"
  run_kiosk "$work/c.script" --config "$work/admin.conf"
  [ "$(grep -c 'admin: wrong PIN' "$log")" -eq 1 ] || fail "demo PIN not refused with a configured one"
  [ "$(grep -c 'admin: PIN accepted' "$log")" -eq 2 ] || fail "configured PIN refused"
  grep -q 'admin: exit to the system' "$log" || fail "no exit to the system"
  [ -e "$out/not-reached.png" ] && fail "the kiosk did not exit"
  ;;
owed)
  # A parking receipt the printer could not take (nothing listens on the
  # TCP port) stays owed; the admin screen lists it, and its reprint button
  # prints it once the printer is back (the demo's file printer).
  printf '[printer]\nuri = tcp:127.0.0.1:9\n' >"$work/bad-printer.conf"
  {
    parking_script "-owed"
    echo "press btn-exit"
    echo "expect attract"
  } >"$work/p.script"
  run_kiosk "$work/p.script" --config "$work/bad-printer.conf"
  grep -q 'txn: parking 1 accepted' "$log" || fail "coupon not accepted"
  grep -q 'voucher not printed.*kept in the print journal' "$log" || fail "receipt not owed"
  {
    echo "press admin-gesture"
    printf 'press pin-2\npress pin-5\npress pin-8\npress pin-0\npress pin-ok\n'
    echo "expect admin"
    echo "wait 1500"
    echo "shot $out/admin-owed.png"
  } >"$work/a.script"
  KIOSK_WIDGET_DUMP=$work/widgets run_kiosk "$work/a.script"
  id=$(sed -n 's/^\(btn-reprint-PC[0-9A-F]*\) .*/\1/p' "$work/widgets" | head -1)
  [ -n "$id" ] || fail "no reprint button for the owed receipt: $(cat "$work/widgets")"
  rm -f "$work/state/printer/voucher.png"
  {
    echo "press admin-gesture"
    printf 'press pin-2\npress pin-5\npress pin-8\npress pin-0\npress pin-ok\n'
    echo "expect admin"
    echo "press $id"
    echo "wait 2500"
    echo "shot $out/admin-after-reprint.png"
  } >"$work/r.script"
  run_kiosk "$work/r.script"
  grep -q 'admin: reprint of an owed voucher queued' "$log" || fail "reprint not queued"
  grep -q 'txn: voucher printed' "$log" || fail "reprint not printed"
  [ -s "$work/state/printer/voucher.png" ] || fail "no reprinted receipt"
  cp "$work/state/printer/voucher.png" "$out/receipt-reprint.png"
  ;;
landscape)
  # The same screens 1920x1080 in English.
  { parking_script "-en"; } >"$work/p.script"
  {
    echo "press admin-gesture"
    echo "expect admin"
    echo "shot $out/admin-pin-en.png"
    printf 'press pin-2\npress pin-5\npress pin-8\npress pin-0\npress pin-ok\n'
    echo "wait 1200"
    echo "shot $out/admin-open-en.png"
  } >"$work/a.script"
  run_kiosk "$work/p.script" --size 1920x1080 --lang en
  run_kiosk "$work/a.script" --size 1920x1080 --lang en
  for f in "$out"/*.png; do not_blank "$f"; done
  grep -q 'admin: PIN accepted' "$log" || fail "right PIN refused"
  txt=$(ocr "$out/parking-result-en.png" eng)
  case $txt in *Pleasetakeyourparkingcoupon*) ;; *) fail "English parking result: $txt" ;; esac
  ;;
*) fail "unknown mode $mode" ;;
esac
echo "ok: $mode (screenshots in $out)"
