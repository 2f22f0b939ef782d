#!/bin/sh
# A receipt claim (自助积分) made while the central is down (issue 4): the
# kiosk saves it in its durable queue (kind receipt) and the screen says the
# points arrive once the kiosk is back online; when the central is back the
# queue drains and the ledger is credited exactly once per claim, under the
# queue's Idempotency-Key. The queued screen is shot in zh-CN and, after the
# language toggle, in English, for a person to look at.
#
#   app_receipt_offline.sh KIOSK CENTRAL APIGET OUTDIR
set -u
kiosk=$1 central=$2 apiget=$3 out=$4

. "$(dirname "$0")/lib.sh"
lib_init "$out"
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3"; exit 77; }

q() { sqlite3 -readonly "$work/central.db" "$1"; }
qk() { sqlite3 -readonly "$work/state/outbox.sqlite" "$1"; }

receipt_code() { # SHOP
  "$apiget" "$url" /v1/demo/receipts >"$work/receipts.json" || fail "GET /v1/demo/receipts"
  tr '{' '\n' <"$work/receipts.json" | grep "\"shop_id\":\"$1\"" | head -1 |
    sed -n 's/.*"code":"\(KR1\.[^"]*\)".*/\1/p'
}

# The member reaches the receipt screen, the central goes away, the member
# scans CODE: the claim must be queued until online.
claim_offline() { # CODE [KIOSK_ARG...]
  code=$1
  shift
  dump=$work/widgets.txt
  rm -f "$dump"
  cat >"$work/a.script" <<EOS
press demo-member-2
expect member
press btn-receipt
expect receipt
wait 1500
scan $code
expect receipt
wait 500
shot $out/receipt-queued-zh.png
press lang-toggle
expect receipt
shot $out/receipt-queued-en.png
EOS
  KIOSK_WIDGET_DUMP=$dump SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" \
    --state-dir "$work/state" --script "$work/a.script" "$@" >/dev/null 2>>"$log" &
  kpid=$!
  i=0
  until head -1 "$dump" 2>/dev/null | grep -q '^screen receipt'; do
    i=$((i + 1)); [ $i -gt 200 ] && { cat "$log" >&2; fail "never reached the receipt screen"; }
    sleep 0.05
  done
  if [ -n "$cpid" ]; then kill "$cpid"; wait "$cpid" 2>/dev/null; cpid=; fi
  wait "$kpid" || { cat "$log" >&2; fail "kiosk script failed"; }
  kpid=
}

start_central
s01=$(receipt_code S01)
[ -n "$s01" ] || fail "demo receipts missing"
before=$(q "SELECT ledger_sum FROM members WHERE id = 'M100002'")

claim_offline "$s01"
grep -q 'receipt claim queued until online' "$log" || fail "claim not queued until online"
! grep -q 'receipt claim accepted' "$log" || fail "accepted without a central"
[ "$(qk 'SELECT COUNT(*) FROM txn WHERE kind = 3 AND state = 0')" -eq 1 ] ||
  fail "kiosk queue: $(qk 'SELECT kind, state FROM txn')"
[ "$(q "SELECT COUNT(*) FROM receipt_claims")" -eq 0 ] || fail "claimed while down"

# Back online: the kiosk's queue drains on its own.
start_central
cat >"$work/idle.script" <<EOS
wait 2500
EOS
run_kiosk "$work/idle.script"
[ "$(qk 'SELECT COUNT(*) FROM txn WHERE kind = 3 AND state = 2')" -eq 1 ] ||
  fail "claims not acked: $(qk 'SELECT kind, state, last_error FROM txn')"
[ "$(q "SELECT COUNT(*) FROM receipt_claims WHERE member_id = 'M100002'")" -eq 1 ] ||
  fail "want one receipt claim: $(q 'SELECT * FROM receipt_claims')"
# The queued claim credited once, under its queue key.
for key in $(qk 'SELECT idem_key FROM txn WHERE kind = 3'); do
  [ "$(q "SELECT COUNT(*) FROM ledger WHERE idem_key = '$key' AND delta > 0")" -eq 1 ] ||
    fail "claim $key not credited exactly once"
done
after=$(q "SELECT ledger_sum FROM members WHERE id = 'M100002'")
earned=$(q "SELECT SUM(points) FROM receipt_claims WHERE member_id = 'M100002'")
[ "$earned" -gt 0 ] && [ "$after" -eq $((before + earned)) ] ||
  fail "balance $before -> $after, claims earned $earned"
# Once more: nothing left to send, nothing credited again.
run_kiosk "$work/idle.script"
[ "$(q "SELECT ledger_sum FROM members WHERE id = 'M100002'")" -eq "$after" ] ||
  fail "credited again"
for f in "$out"/*.png; do not_blank "$f"; done
echo "ok: offline receipt claim credited once (screenshots in $out)"
