#!/bin/sh
# No member data in logs: a full scripted run of the real kiosk against the
# real kiosk-central --demo (tests/lib/with-central), both at KIOSK_LOG=debug,
# then both logs are searched for what must never be written there: the demo
# members' full names and phone numbers, the demo kiosk's secret and whole
# member codes (a logged code can be replayed within its validity).
#
#   with-central -- e2e_no_member_data_in_logs.sh KIOSK SOURCE_DIR OUTDIR
#
# The journeys: the demo tour (every member's home screen, both languages),
# a redemption with its printed voucher, a refused item, a check-in and a
# parking coupon typed on the plate keyboard. The logs are kept in OUTDIR.
set -u
kiosk=$1 src=$2 out=$3
: "${KIOSK_CENTRAL_URL:?run under tests/lib/with-central}"
: "${KIOSK_CENTRAL_LOG:?run under tests/lib/with-central}"

fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
klog=$out/kiosk.log
: >"$klog"

run_kiosk() { # SCRIPT [ARG...]
  s=$1
  shift
  # The tour writes its shots to demo-out/ under the working folder.
  (cd "$work" && KIOSK_LOG=debug SDL_VIDEODRIVER=dummy "$kiosk" --demo \
    --central "$KIOSK_CENTRAL_URL" --state-dir "$work/state" --script "$s" \
    "$@" >>"$klog" 2>&1)
  rc=$?
  [ $rc -eq 0 ] || { tail -20 "$klog" >&2; fail "kiosk script $s exited $rc"; }
}

run_kiosk "$src/assets/demo/tour.script"

cat >"$work/journeys.script" <<EOS
press demo-member-3
expect member
press btn-catalog
expect catalog
press item-G001
expect item
press btn-confirm
expect result
press btn-done
expect member
press btn-exit
expect attract
press demo-member-1
expect member
press btn-catalog
expect catalog
press item-G006
expect item
press btn-back
expect catalog
press btn-back
expect member
press btn-exit
expect attract
press demo-member-2
expect member
press btn-checkin
expect checkin
press btn-done
expect member
press btn-exit
expect attract
press demo-member-3
expect member
press btn-parking
expect parking
press key-沪
press key-C
press key-5
press key-D
press key-6
press key-7
press key-8
press btn-done
expect parking
press btn-confirm
expect result
wait 1500
quit
EOS
run_kiosk "$work/journeys.script"

cp "$KIOSK_CENTRAL_LOG" "$out/central.log"
clog=$out/central.log

# The run must have happened, at debug level, or an empty log would pass.
grep -q ' D ' "$klog" || fail "no debug lines in the kiosk log (KIOSK_LOG=debug not honoured?)"
grep -q 'redemption 1 accepted (HTTP 201)' "$klog" || fail "the redemption did not go through"
grep -q 'voucher printed' "$klog" || fail "no voucher printed"
grep -q 'checkin [0-9]* accepted (HTTP 201)' "$klog" || fail "the check-in did not go through"
grep -q 'parking [0-9]* accepted (HTTP 201)' "$klog" || fail "the parking coupon did not go through"

# What the demo central seeds (central/ctl_demo.c) and the demo identity.
cat >"$work/patterns" <<'EOP'
李婷
王建国
张晓明
陈思远
1380000100[1-4]
demo-secret
KM1\.[^ ]*\.[A-Za-z0-9_-]{86}
EOP

hits=0
for log in "$klog" "$clog"; do
  while IFS= read -r pat; do
    if grep -nE -- "$pat" "$log" >"$work/hit"; then
      hits=$((hits + 1))
      echo "LEAK ($pat) in $log:" >&2
      head -5 "$work/hit" >&2
    fi
  done <"$work/patterns"
done
[ $hits -eq 0 ] || fail "$hits kinds of member data found in the logs"
echo "no member data in $(wc -l <"$klog") kiosk and $(wc -l <"$clog") central log lines"
