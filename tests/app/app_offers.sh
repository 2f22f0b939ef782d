#!/bin/sh
# Offers (issue 10) through the real binaries: kiosk-central --demo (P001 a
# running 限时兑换 at 200 points, E004 one that starts in two days, F001 a
# 积分秒杀 of 5 units starting in ten minutes) and the kiosk headless.
#
#   app_offers.sh MODE KIOSK CENTRAL APIGET OUTDIR
#   MODE: offers | donate
#
# offers, portrait zh_CN then landscape en: the attract screen's leaderboard, the
# member home's btn-offers, the offers screen with its countdowns, the flash
# sale before its start (no confirm, the reason on the item screen), and a
# redemption of the running offer: the central's ledger charges 200, not the
# tier price.
# donate: a donation prints the thank-you slip (the demo's file printer); its
# QR reads back as the donation id.
# Screenshots and slips in OUTDIR for a person to look at.
set -u
mode=$1 kiosk=$2 central=$3 apiget=$4 out=$5

. "$(dirname "$0")/lib.sh"
lib_init "$out"

points_of() { # MEMBER
  "$apiget" "$url" "/v1/members/$1" | sed -n 's/.*"points":\([0-9]*\),"tier_points".*/\1/p'
}

# The last ledger entry of MEMBER for a redemption, from the central's db.
last_redeem_delta() { # MEMBER
  command -v sqlite3 >/dev/null || { echo skip; return; }
  sqlite3 "$work/central.db" \
    "SELECT delta FROM ledger WHERE member_id='$1' ORDER BY id DESC LIMIT 1"
}

journey() { # MEMBER_N MEMBER_ID TAG [KIOSK ARGS...]
  n=$1 member=$2 tag=$3
  shift 3
  before=$(points_of "$member")
  cat >"$work/$tag.script" <<EOS
expect attract
wait 500
shot $out/$tag-attract-board.png
press demo-member-$n
expect member
shot $out/$tag-member-offers-button.png
press btn-offers
expect offers
shot $out/$tag-offers.png
press offer-F001
expect item
shot $out/$tag-flash-not-started.png
press btn-cancel
expect offers
press offer-P001
expect item
shot $out/$tag-item-offer-price.png
press btn-confirm
expect result
wait 1500
shot $out/$tag-result.png
EOS
  run_kiosk "$work/$tag.script" "$@"
  for p in "$out/$tag"-*.png; do not_blank "$p"; done
  grep -q 'item F001 not redeemable: offers.why.not_started' "$log" ||
    fail "$tag: the flash sale before its start was not refused on the kiosk"
  after=$(points_of "$member")
  [ "$after" -eq $((before - 200)) ] ||
    fail "$tag: balance $before -> $after, want the offer price 200 charged"
  d=$(last_redeem_delta "$member")
  [ "$d" = skip ] || [ "$d" = -200 ] || fail "$tag: ledger charged $d, want -200"
}

start_central
if [ "$mode" = donate ]; then
  for lang in zh en; do
    cat >"$work/d.script" <<EOS
press demo-member-1
expect member
press btn-donate
expect donate
press charity-CH2
press btn-confirm
expect donate
wait 1500
shot $out/donate-thanks-$lang.png
EOS
    if [ $lang = zh ]; then run_kiosk "$work/d.script"
    else run_kiosk "$work/d.script" --size 1920x1080 --lang en; fi
    not_blank "$out/donate-thanks-$lang.png"
    cp "$work/state/printer/voucher.png" "$out/slip-thanks-$lang.png" ||
      fail "no thank-you slip printed ($lang)"
  done
  [ "$(grep -c 'thank-you slip handed to the printer' "$log")" -eq 2 ] ||
    fail "the thank-you slip was not handed to the printer twice"
  id=$(sqlite3 "$work/central.db" \
    "SELECT id FROM donations ORDER BY rowid DESC LIMIT 1" 2>/dev/null)
  if [ -n "$id" ] && command -v zbarimg >/dev/null; then
    got=$(zbarimg -q --raw "$out/slip-thanks-en.png")
    [ "$got" = "$id" ] || fail "the slip's QR reads '$got', want the donation id $id"
  fi
  echo ok
  exit 0
fi
# The leaderboard the attract screen shows: the demo's opted-in earners.
"$apiget" "$url" /v1/leaderboard | grep -q '"name_masked"' ||
  fail "the demo leaderboard is empty: nothing to show on attract"
journey 1 M100001 zh
journey 2 M100002 en --size 1920x1080 --lang en
grep -q 'leaderboard: [1-9][0-9]* entries (HTTP 200)' "$log" ||
  fail "the attract screen did not load the leaderboard"
echo ok
