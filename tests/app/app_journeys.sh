#!/bin/sh
# End-to-end journeys through the real binaries: a kiosk-central --demo on a
# free port, the kiosk headless (SDL_VIDEODRIVER=dummy) running a script, the
# demo's file printer (or tests/printer/fake_printer on TCP). Screenshots go
# to OUTDIR (under the build dir) for a person to look at.
#
#   app_journeys.sh MODE KIOSK CENTRAL APIGET FAKE_PRINTER OUTDIR
#   MODE: redeem | refusals | checkin | paperout | offline
set -u
mode=$1 kiosk=$2 central=$3 apiget=$4 fake=$5 out=$6

. "$(dirname "$0")/lib.sh"
lib_init "$out"


# The QR on the printed slip (the file printer's PNG) holds the voucher code.
voucher_code() {
  png=$work/state/printer/voucher.png
  [ -s "$png" ] || fail "no voucher printed ($png missing)"
  code=
  if command -v zbarimg >/dev/null; then
    code=$(zbarimg -q --raw "$png" 2>/dev/null | grep '^KV1\.' | head -1)
  fi
  if [ -z "$code" ] && command -v ZXingReader >/dev/null; then
    code=$(ZXingReader -bytes "$png" 2>/dev/null | grep '^KV1\.' | head -1)
    [ -n "$code" ] || code=$(ZXingReader "$png" 2>/dev/null | sed -n 's/^Text: *"\{0,1\}\(KV1\.[^"]*\)"\{0,1\}$/\1/p' | head -1)
  fi
  [ -n "$code" ] || fail "no KV1 voucher code readable in $png"
  cp "$png" "$out/voucher-$1.png"
}

issued() { # CODE
  "$apiget" "$url" "/v1/vouchers/$1" >"$work/voucher.json" ||
    fail "central does not know voucher $1"
  grep -q '"status":"issued"' "$work/voucher.json" ||
    fail "voucher not issued: $(cat "$work/voucher.json")"
}

start_central
case $mode in
redeem)
  # Gold member: catalog -> umbrella -> confirm -> printed voucher.
  cat >"$work/a.script" <<EOS
press demo-member-3
expect member
shot $out/member.png
press btn-catalog
expect catalog
shot $out/catalog.png
press item-G001
expect item
press qty-plus
shot $out/item.png
press qty-minus
press btn-confirm
expect result
shot $out/result.png
press btn-done
expect member
shot $out/member-after.png
EOS
  run_kiosk "$work/a.script"
  grep -q 'redemption 1 accepted (HTTP 201)' "$log" || fail "redemption not accepted"
  grep -q 'voucher printed' "$log" || fail "voucher not printed"
  voucher_code zh
  issued "$code"
  # Landscape English: catalog and a second redemption's result.
  cat >"$work/b.script" <<EOS
press demo-member-3
expect member
press btn-catalog
expect catalog
press tab-coupon
expect catalog
shot $out/land-catalog-en.png
press item-C001
expect item
shot $out/land-item-en.png
press btn-confirm
expect result
shot $out/land-result-en.png
EOS
  run_kiosk "$work/b.script" --size 1920x1080 --lang en
  [ "$(grep -c 'voucher printed' "$log")" -eq 2 ] || fail "second voucher not printed"
  voucher_code en
  issued "$code"
  ;;
refusals)
  # Standard member (1,700 points): a gold-only gift, an out-of-stock gift
  # and a coupon above the balance are refused on the item screen.
  cat >"$work/a.script" <<EOS
press demo-member-1
expect member
press btn-catalog
expect catalog
shot $out/catalog-standard.png
press item-G006
expect item
shot $out/item-tier-only.png
press btn-back
expect catalog
press item-G005
expect item
shot $out/item-out-of-stock.png
press btn-cancel
expect catalog
press tab-coupon
expect catalog
press item-C002
expect item
shot $out/item-insufficient.png
EOS
  run_kiosk "$work/a.script"
  grep -q 'item G006 not redeemable: catalog.why.tier_gold' "$log" || fail "G006 not refused for tier"
  grep -q 'item G005 not redeemable: catalog.why.out_of_stock' "$log" || fail "G005 not refused as out of stock"
  grep -q 'item C002 not redeemable: catalog.why.points' "$log" || fail "C002 not refused for points"
  ! grep -q 'redemption of' "$log" || fail "a refused item was sent"
  [ ! -e "$work/state/printer/voucher.png" ] || fail "something printed"
  # The central refuses what the kiosk cannot know: a second day pass the
  # same day (limit_reached). The screen says why; nothing more prints.
  cat >"$work/b.script" <<EOS
press demo-member-3
expect member
press btn-catalog
expect catalog
press tab-parking
press item-P002
expect item
press btn-confirm
expect result
press btn-back
expect catalog
press item-P002
expect item
press btn-confirm
expect result
shot $out/result-limit-reached.png
EOS
  run_kiosk "$work/b.script"
  grep -q 'rejected: limit_reached' "$log" || fail "second day pass not rejected"
  [ "$(grep -c 'voucher printed' "$log")" -eq 1 ] || fail "want exactly one voucher printed"
  ;;
checkin)
  cat >"$work/a.script" <<EOS
press demo-member-2
expect member
press btn-checkin
expect checkin
shot $out/checkin.png
press btn-done
expect member
shot $out/member-checked-in.png
press btn-checkin
expect checkin
shot $out/checkin-again.png
EOS
  run_kiosk "$work/a.script"
  grep -q 'checkin [0-9]* accepted (HTTP 201)' "$log" || fail "first check-in not accepted"
  grep -q 'already checked in today' "$log" || fail "second check-in not refused as done today"
  ;;
paperout)
  # A TCP printer out of paper: the redemption goes through, nothing is
  # sent to the printer, the screen says the voucher is kept.
  "$fake" --port-file "$work/port" --out "$work/got.bin" --paper-out &
  fpid=$!
  i=0
  while [ ! -s "$work/port" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "fake printer did not start"; sleep 0.05
  done
  printf '[printer]\nuri = tcp:127.0.0.1:%s\n' "$(cat "$work/port")" >"$work/k.conf"
  cat >"$work/a.script" <<EOS
press demo-member-3
expect member
press btn-catalog
expect catalog
press item-G002
expect item
press btn-confirm
expect result
shot $out/result-paper-out.png
EOS
  run_kiosk "$work/a.script" --config "$work/k.conf"
  grep -q 'voucher not printed (result.print.paper_out)' "$log" || fail "paper out not reported"
  grep -q 'kept in the print journal' "$log" || fail "voucher not kept"
  kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null; fpid=
  [ "$(stat -c %s "$work/got.bin")" -le 12 ] || fail "job bytes went to a printer without paper"
  ;;
offline)
  # The central goes away after the member is in: the redemption is saved
  # and the screen says it is confirmed once online.
  dump=$work/widgets.txt
  cat >"$work/a.script" <<EOS
press demo-member-3
expect member
press btn-catalog
expect catalog
press item-G001
expect item
wait 1500
press btn-confirm
expect result
wait 3500
expect result
shot $out/result-queued.png
EOS
  KIOSK_WIDGET_DUMP=$dump SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" \
    --state-dir "$work/state" --script "$work/a.script" >/dev/null 2>"$log" &
  kpid=$!
  i=0
  until head -1 "$dump" 2>/dev/null | grep -q '^screen item'; do
    i=$((i + 1)); [ $i -gt 200 ] && { cat "$log" >&2; fail "never reached the item screen"; }
    sleep 0.05
  done
  kill "$cpid"; wait "$cpid" 2>/dev/null; cpid=
  wait "$kpid" || { cat "$log" >&2; fail "kiosk script failed"; }
  kpid=
  grep -q 'queued until online' "$log" || fail "not queued after the deadline"
  ! grep -q 'voucher printed' "$log" || fail "printed without an answer"
  ;;
*) fail "unknown mode $mode" ;;
esac
for f in "$out"/*.png; do
  case $f in */voucher-*) ;; *) not_blank "$f" ;; esac
done
echo "ok: $mode (screenshots in $out)"
