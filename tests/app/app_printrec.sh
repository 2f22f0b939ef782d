#!/bin/sh
# Print records (issue 4) end to end through the real binaries: the kiosk
# headless (kiosk --script, SDL_VIDEODRIVER=dummy) against kiosk-central
# --demo; every voucher job that asked for paper ends in one print record
# queued in the kiosk's outbox and delivered to POST /v1/kiosk/print-records.
# The central's database (sqlite3) must then hold exactly one row per job.
#
#   app_printrec.sh MODE KIOSK CENTRAL FAKE_PRINTER OUTDIR
#   MODE: printed  the demo's file printer prints the voucher: one record
#                  "printed", not a reprint, for the code the central issued;
#                  a second kiosk run (the queue reopened) sends nothing more
#         paperout a TCP printer out of paper: one record "failed" with the
#                  reason paper_out for the voucher kept in the journal
set -u
mode=$1 kiosk=$2 central=$3 fake=$4 out=$5

. "$(dirname "$0")/lib.sh"
lib_init "$out"
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3"; exit 77; }

q() { sqlite3 -readonly "$work/central.db" "$1"; }
qk() { sqlite3 -readonly "$work/state/outbox.sqlite" "$1"; }

# Redeem one umbrella as the gold demo member, then stay on the result long
# enough for the queue to deliver the print record.
cat >"$work/redeem.script" <<EOS
press demo-member-3
expect member
press btn-catalog
expect catalog
press item-G001
expect item
press btn-confirm
expect result
wait 2500
shot $out/result.png
EOS
cat >"$work/idle.script" <<EOS
wait 2000
EOS

# Waits (at most 10 s) until the central holds N print records.
records_reach() { [ "$(q 'SELECT COUNT(*) FROM print_records')" -ge "$1" ]; }

start_central
case $mode in
printed)
  run_kiosk "$work/redeem.script"
  grep -q 'voucher printed' "$log" || fail "voucher not printed"
  wait_for "no print record at the central" records_reach 1
  [ "$(q 'SELECT COUNT(*) FROM print_records')" -eq 1 ] ||
    fail "want one print record: $(q 'SELECT * FROM print_records')"
  row=$(q "SELECT kiosk_id, outcome, reprint, COALESCE(reason, '-') FROM print_records")
  [ "$row" = "demo-kiosk|printed|0|-" ] || fail "print record: $row"
  # The record names the voucher the central issued for this redemption.
  n=$(q "SELECT COUNT(*) FROM print_records p JOIN vouchers v ON v.code = p.voucher_code
         JOIN redemptions r ON r.id = v.redemption_id WHERE r.item_id = 'G001'
         AND r.member_id = 'M100003' AND r.kiosk_id = 'demo-kiosk'")
  [ "$n" -eq 1 ] || fail "print record not for the redeemed voucher"
  # In the kiosk's queue: one print record (kind 4), acknowledged (state 2).
  [ "$(qk 'SELECT COUNT(*) FROM txn WHERE kind = 4')" -eq 1 ] ||
    fail "kiosk queue: $(qk 'SELECT kind, state FROM txn')"
  [ "$(qk 'SELECT state FROM txn WHERE kind = 4')" -eq 2 ] || fail "print record not acked"
  # Reopened, the queue has nothing more to send: still one row.
  run_kiosk "$work/idle.script"
  [ "$(q 'SELECT COUNT(*) FROM print_records')" -eq 1 ] || fail "print record sent twice"
  ;;
paperout)
  "$fake" --port-file "$work/port" --out "$work/got.bin" --paper-out &
  fpid=$!
  i=0
  while [ ! -s "$work/port" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "fake printer did not start"; sleep 0.05
  done
  printf '[printer]\nuri = tcp:127.0.0.1:%s\n' "$(cat "$work/port")" >"$work/k.conf"
  run_kiosk "$work/redeem.script" --config "$work/k.conf"
  grep -q 'voucher not printed (result.print.paper_out)' "$log" || fail "paper out not reported"
  wait_for "no print record at the central" records_reach 1
  row=$(q "SELECT kiosk_id, outcome, reprint, reason FROM print_records")
  [ "$row" = "demo-kiosk|failed|0|paper_out" ] || fail "print record: $row"
  [ "$(q "SELECT COUNT(*) FROM print_records p JOIN vouchers v ON v.code = p.voucher_code")" -eq 1 ] ||
    fail "print record not for a voucher the central issued"
  ;;
*) fail "unknown mode $mode" ;;
esac
not_blank "$out/result.png"
echo "ok: $mode (screenshots in $out)"
