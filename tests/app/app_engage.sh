#!/bin/sh
# Earning and engagement journeys (issue 10) through the real binaries: a
# kiosk-central --demo on a free port, the kiosk headless running a script,
# the demo's file printer. Screenshots go to OUTDIR for a person to look at.
#
#   app_engage.sh MODE KIOSK CENTRAL APIGET OUTDIR
#   MODE: receipt | lottery | donate | home | landscape | offline
set -u
mode=$1 kiosk=$2 central=$3 apiget=$4 out=$5

. "$(dirname "$0")/lib.sh"
lib_init "$out"

# A receipt code of the demo sales feed: the first unclaimed one of SHOP.
receipt_code() { # SHOP
  "$apiget" "$url" /v1/demo/receipts >"$work/receipts.json" || fail "GET /v1/demo/receipts"
  tr '{' '\n' <"$work/receipts.json" | grep "\"shop_id\":\"$1\"" | head -1 |
    sed -n 's/.*"code":"\(KR1\.[^"]*\)".*/\1/p'
}

points_of() { # MEMBER
  "$apiget" "$url" "/v1/members/$1" | sed -n 's/.*"points":\([0-9]*\),"tier_points".*/\1/p'
}

start_central
case $mode in
receipt)
  # Gold member: a cinema receipt (double-points week) earns points; the
  # same receipt again is refused as claimed; another mall's and a receipt
  # older than 7 days are refused with their own words.
  code=$(receipt_code S03)
  other=$(receipt_code S90)
  "$apiget" "$url" /v1/demo/receipts | tr '{' '\n' | grep '"receipt_no":"000099"' |
    sed -n 's/.*"code":"\(KR1\.[^"]*\)".*/\1/p' >"$work/old"
  old=$(cat "$work/old")
  [ -n "$code" ] && [ -n "$other" ] && [ -n "$old" ] || fail "demo receipts missing"
  before=$(points_of M100003)
  cat >"$work/a.script" <<EOS
press demo-member-3
expect member
press btn-receipt
expect receipt
shot $out/receipt-scan.png
scan $code
expect receipt
shot $out/receipt-points.png
scan $code
expect receipt
shot $out/receipt-claimed.png
scan $other
expect receipt
shot $out/receipt-other-mall.png
scan $old
expect receipt
shot $out/receipt-too-old.png
press btn-done
expect member
EOS
  run_kiosk "$work/a.script"
  after=$(points_of M100003)
  [ -n "$before" ] && [ -n "$after" ] || fail "no balance from the central"
  # 90.00 yuan at the cinema: rate 2 x gold 2 x double points 2.
  [ "$after" -eq $((before + 720)) ] || fail "balance $before -> $after, want +720"
  grep -q 'receipt claim accepted (HTTP 201)' "$log" || fail "claim not accepted"
  grep -q 'receipt claim rejected: receipt_claimed' "$log" || fail "second claim not refused"
  grep -q 'rejected: receipt_other_mall' "$log" || fail "other mall not refused"
  grep -q 'rejected: receipt_too_old' "$log" || fail "old receipt not refused"
  ;;
lottery)
  # Diamond member: the wheel, one draw decided by the central, landing.
  before=$(points_of M100004)
  cat >"$work/a.script" <<EOS
press demo-member-4
expect member
press btn-lottery
expect lottery
shot $out/lottery.png
press btn-draw
wait 3200
expect lottery
shot $out/lottery-landed.png
EOS
  run_kiosk "$work/a.script"
  grep -q 'lottery draw accepted (HTTP 201)' "$log" || fail "draw not accepted"
  grep -q 'wheel landed' "$log" || fail "the wheel never landed"
  after=$(points_of M100004)
  [ "$after" -ne "$before" ] || fail "the draw did not change the balance"
  # A voucher prize prints; points and thanks print nothing.
  if grep -q 'txn: voucher printed' "$log"; then
    [ -s "$work/state/printer/voucher.png" ] || fail "voucher logged but no slip"
    cp "$work/state/printer/voucher.png" "$out/voucher-lottery.png"
  fi
  ;;
donate)
  # Standard member gives 200 points to the second project.
  before=$(points_of M100001)
  cat >"$work/a.script" <<EOS
press demo-member-1
expect member
press btn-donate
expect donate
press charity-CH2
press qty-plus
shot $out/donate.png
press btn-confirm
expect donate
shot $out/donate-thanks.png
EOS
  run_kiosk "$work/a.script"
  grep -q 'donation accepted (HTTP 201)' "$log" || fail "donation not accepted"
  after=$(points_of M100001)
  [ "$after" -eq $((before - 200)) ] || fail "balance $before -> $after, want -200"
  given=$("$apiget" "$url" /v1/charities | grep -o '"id":"CH2".*' |
    grep -o '"donated_points":[0-9]*' | head -1)
  [ "$given" = '"donated_points":200' ] || fail "the project total did not grow ($given)"
  ;;
home)
  # Member home extras: the campaign banner on attract, recommendations,
  # the birthday gift (printed), the streak calendar after a check-in.
  cat >"$work/a.script" <<EOS
expect attract
shot $out/attract-campaign.png
press demo-member-3
expect member
shot $out/member-home.png
press btn-birthday
wait 1500
expect member
shot $out/member-birthday-claimed.png
press btn-checkin
expect checkin
shot $out/checkin-calendar.png
press btn-done
expect member
press rec-E004
expect item
shot $out/item-from-recommendation.png
EOS
  run_kiosk "$work/a.script"
  grep -q 'birthday gift accepted (HTTP 201)' "$log" || fail "birthday gift not claimed"
  grep -q 'txn: voucher printed' "$log" || fail "birthday voucher not printed"
  cp "$work/state/printer/voucher.png" "$out/voucher-birthday.png"
  "$apiget" "$url" /v1/members/M100003 | grep -q '"birthday_gift_claimed":true' ||
    fail "central does not know the gift was claimed"
  ;;
landscape)
  code=$(receipt_code S01)
  cat >"$work/a.script" <<EOS
press demo-member-2
expect member
shot $out/land-member-en.png
press btn-receipt
expect receipt
shot $out/land-receipt-en.png
scan $code
expect receipt
shot $out/land-receipt-points-en.png
press btn-done
expect member
press btn-lottery
expect lottery
shot $out/land-lottery-en.png
press btn-draw
wait 3200
expect lottery
shot $out/land-lottery-landed-en.png
press btn-done
expect member
press btn-donate
expect donate
shot $out/land-donate-en.png
EOS
  run_kiosk "$work/a.script" --size 1920x1080 --lang en
  grep -q 'receipt claim accepted (HTTP 201)' "$log" || fail "claim not accepted"
  grep -q 'wheel landed' "$log" || fail "the wheel never landed"
  ;;
offline)
  # The central goes away once the member is on the receipt screen: the
  # claim is saved in the durable queue and the screen says the points
  # arrive once the kiosk is back online (app_receipt_offline.sh follows it
  # until the central credits it).
  code=$(receipt_code S01)
  dump=$work/widgets.txt
  cat >"$work/a.script" <<EOS
press demo-member-2
expect member
press btn-receipt
expect receipt
wait 1500
scan $code
expect receipt
wait 500
shot $out/receipt-offline.png
EOS
  KIOSK_WIDGET_DUMP=$dump SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" \
    --state-dir "$work/state" --script "$work/a.script" >/dev/null 2>"$log" &
  kpid=$!
  i=0
  until head -1 "$dump" 2>/dev/null | grep -q '^screen receipt'; do
    i=$((i + 1)); [ $i -gt 200 ] && { cat "$log" >&2; fail "never reached the receipt screen"; }
    sleep 0.05
  done
  kill "$cpid"; wait "$cpid" 2>/dev/null; cpid=
  wait "$kpid" || { cat "$log" >&2; fail "kiosk script failed"; }
  kpid=
  grep -q 'receipt claim queued until online' "$log" || fail "claim not queued until online"
  ! grep -q 'receipt claim accepted' "$log" || fail "accepted without a central"
  ;;
*) fail "unknown mode $mode" ;;
esac
for f in "$out"/*.png; do
  case $f in */voucher-*) ;; *) not_blank "$f" ;; esac
done
echo "ok: $mode (screenshots in $out)"
