#!/bin/sh
# The kiosk's clock minutes off the central's (kiosk-central --clock-offset
# moves the central's clock instead, which is the same for the signature).
#
#   e2e_clock_skew.sh KIOSK CENTRAL CODEGEN OUTDIR
#
# 1. 120 s off: signed requests are still within the 300 s the central
#    allows; scan -> member -> redeem -> voucher printed.
# 2. Mid-journey the central's clock jumps to 900 s off: the redemption is
#    refused with 401 clock_skew and stays pending in the queue (not
#    rejected, not dead), the log and the admin screen say the clock is 15
#    minutes off; the central's ledger unchanged.
# 3. The clocks agree again: the queue drains, the redemption arrives once.
# Screenshots in OUTDIR: admin-clock-skew-zh.png, admin-clock-skew-en.png.
#
# Member codes have their own, tighter window than signatures (the kiosk
# refuses a code more than 30 s in the future, the central one more than
# 120 s old: mcode.h). The kiosk checks a code's age by the central's clock
# (the offset it learns from the config's server_time), so step 1 scans a
# code the central would issue now, 120 s in the kiosk's future: without
# that offset the kiosk would refuse it as from the future. Later steps scan
# codes issued 25 s ahead of the kiosk's clock, good at either end.
set -u
kiosk=$1 central=$2 codegen=$3 out=$4
here=$(dirname "$0")
. "$here/../app/lib.sh"
. "$here/e2e_swap_lib.sh"
command -v sqlite3 >/dev/null || { echo "no sqlite3"; exit 77; }
lib_init "$out"
seed=5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed
code() { "$codegen" sign "$seed" M100003 gold 12780 "${1:-25}" || fail "codegen failed"; }

# --- 1. 120 s off: still fine ------------------------------------------------
start_central --signing-seed "$seed" --clock-offset 120
cat >"$work/a.script" <<EOS
scan $(code 120)
expect member
press btn-catalog
expect catalog
press item-G001
expect item
press btn-confirm
expect result
EOS
run_kiosk "$work/a.script"
grep -q 'redemption 1 accepted (HTTP 201)' "$log" || fail "redemption 120 s off not accepted"
grep -q 'voucher printed' "$log" || fail "voucher not printed"
grep -q 'clock_skew' "$log" && fail "120 s was called a clock skew"
grep -q "clock is 1[12][0-9] s behind the central's" "$log" ||
  fail "the kiosk did not learn the central's clock from its config"
[ "$(redemptions)" -eq 1 ] || fail "want 1 redemption, have $(redemptions)"
echo "ok 1: 120 s off, the journey passes"

# --- 2. 900 s off mid-journey ------------------------------------------------
: >"$log"
first="scan $(code)" journey_then_swap "--signing-seed $seed --clock-offset 900"
grep -q 'HTTP 401 clock_skew' "$log" || fail "the central did not answer clock_skew: $(grep sync "$log" | tail -2)"
grep -q 'clock skew: the central refuses this kiosk.s clock, 900 s behind' "$log" ||
  fail "the kiosk's log does not say its clock is 900 s behind"
st=$(queue_states)
[ "$st" = "2 0" ] || fail "want the first acked and the second pending, queue states: $st"
[ "$(redemptions)" -eq 1 ] || fail "the refused redemption reached the ledger"
admin_shot "$out/admin-clock-skew-zh.png"
admin_shot "$out/admin-clock-skew-en.png" --lang en
[ "$(grep -c "admin: shown: central certificate not in doubt, clock off the central's" "$log")" -eq 2 ] ||
  fail "the admin screen does not say the clock is off"
[ "$(queue_states)" = "2 0" ] || fail "the pending redemption did not stay pending: $(queue_states)"
[ "$(redemptions)" -eq 1 ] || fail "the ledger moved while the clock was off"
echo "ok 2: 900 s off, refused as clock_skew, kept pending, shown on the admin screen"

# --- 3. the clock fixed ------------------------------------------------------
: >"$log"
restart_central --signing-seed "$seed"
due_now
printf 'wait 3000\n' >"$work/drain.script"
run_kiosk "$work/drain.script"
[ "$(queue_states)" = "2 2" ] || fail "the queue did not drain once the clocks agreed: $(queue_states)"
[ "$(redemptions)" -eq 2 ] || fail "want exactly 2 redemptions, have $(redemptions)"
grep -q 'clock_skew\|clock skew' "$log" && fail "still a clock skew after the fix"
echo "ok 3: clocks agree, the pending redemption arrives once"
