#!/bin/bash
# kiosk-print --journal against fake_printer on loopback TCP: the voucher is
# owed before the printer is touched, a refused job leaves it owed as a first
# print, a dropped job makes the next print 重印, and a printed voucher only
# prints again through --reprint, as 重印.
# usage: journal_cli.sh KIOSK_PRINT FAKE_PRINTER DATA_DIR CASE
set -u
KP=$1 FAKE=$2 DATA=$3 CASE=$4
W=$(mktemp -d)
FP=
trap '[ -n "$FP" ] && kill $FP 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; echo "--- stdout:"; cat "$W/out"; echo "--- stderr:"; cat "$W/err"; exit 1; }

start() {
  rm -f "$W/port"
  "$FAKE" --port-file "$W/port" --out "$W/got.bin" "$@" &
  FP=$!
  for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
  [ -s "$W/port" ] || fail "fake printer did not start"
  PORT=$(cat "$W/port")
}
stop() { wait $FP 2>/dev/null; FP=; }
jp() { "$KP" --journal "$W/state" "$@" >"$W/out" 2>"$W/err"; RC=$?; }
run() { jp --printer "tcp:127.0.0.1:$PORT" "$@"; }
Q='\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04'
CODE=GV7K2M9QXA

# want.bin: what the printer must receive for the gift voucher, reprint or not.
want() {
  sed "s/\"reprint\": false/\"reprint\": $1/" "$DATA/gift.json" >"$W/v.json"
  "$KP" --printer "file:$W/ref.bin" --voucher "$W/v.json" >/dev/null 2>&1 || fail "reference"
  { printf "$Q"; cat "$W/ref.bin"; printf "$Q"; } >"$W/want.bin"
}

case $CASE in
paper_out_leaves_voucher_owed_then_prints_without_reprint)
  start --paper-out
  run --voucher "$DATA/gift.json" --member M1 --txn 17
  [ $RC -eq 1 ] || fail "exit $RC, want 1"
  grep -q "paper out.*voucher $CODE is owed in the journal" "$W/err" || fail "message"
  stop
  jp --list
  grep -qx "$CODE owed attempts=1 error=.*paper out.*" "$W/out" || fail "list after refusal"
  start
  run --reprint $CODE
  [ $RC -eq 0 ] || fail "exit $RC"
  grep -q "REPRINT" "$W/out" && fail "a refused job made a reprint"
  stop
  want false
  cmp "$W/got.bin" "$W/want.bin" || fail "printer did not get the plain voucher"
  ;;
dropped_job_fails_then_prints_as_reprint)
  start --drop-after 20000
  run --voucher "$DATA/gift.json"
  [ $RC -eq 1 ] || fail "exit $RC, want 1"
  grep -q "voucher $CODE is failed in the journal" "$W/err" || fail "message"
  stop
  jp --list
  grep -q "^$CODE failed attempts=1 next=重印" "$W/out" || fail "list after drop"
  start
  run --reprint $CODE
  [ $RC -eq 0 ] || fail "exit $RC"
  grep -q "as 重印 / REPRINT" "$W/out" || fail "not said to be a reprint"
  stop
  want true
  cmp "$W/got.bin" "$W/want.bin" || fail "printer did not get the 重印 voucher"
  ;;
printed_voucher_prints_again_only_as_reprint)
  start
  run --voucher "$DATA/gift.json"
  [ $RC -eq 0 ] || fail "exit $RC"
  stop
  want false
  cmp "$W/got.bin" "$W/want.bin" || fail "first print"
  run --voucher "$DATA/gift.json"
  [ $RC -eq 1 ] || fail "a printed voucher printed again: exit $RC"
  grep -q "already printed; --reprint $CODE" "$W/err" || fail "message"
  jp --list
  [ -s "$W/out" ] && fail "a printed voucher is listed as owed"
  start
  run --reprint $CODE
  [ $RC -eq 0 ] || fail "exit $RC"
  stop
  want true
  cmp "$W/got.bin" "$W/want.bin" || fail "reprint without 重印"
  ;;
unreachable_printer_leaves_voucher_owed)
  jp --printer tcp:127.0.0.1:1 --voucher "$DATA/gift.json"
  [ $RC -eq 1 ] || fail "exit $RC, want 1"
  grep -q "stays owed in the journal" "$W/err" || fail "message"
  jp --list
  grep -qx "$CODE owed attempts=0" "$W/out" || fail "list"
  jp --printer tcp:127.0.0.1:1 --reprint NOPE
  [ $RC -eq 1 ] || fail "unknown code: exit $RC"
  grep -q "no voucher NOPE is owed" "$W/err" || fail "unknown code message"
  ;;
*) echo "unknown case $CASE"; exit 2 ;;
esac
echo "ok $CASE"
