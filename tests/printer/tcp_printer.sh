#!/bin/bash
# kiosk-print against fake_printer on loopback TCP.
# usage: tcp_printer.sh KIOSK_PRINT FAKE_PRINTER DATA_DIR CASE
set -u
KP=$1 FAKE=$2 DATA=$3 CASE=$4
W=$(mktemp -d)
trap 'kill $FP 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; echo "--- stderr:"; cat "$W/err"; exit 1; }

start() {
  "$FAKE" --port-file "$W/port" --out "$W/got.bin" "$@" &
  FP=$!
  for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
  [ -s "$W/port" ] || fail "fake printer did not start"
  PORT=$(cat "$W/port")
}
run() { "$KP" --printer "tcp:127.0.0.1:$PORT" "$@" >"$W/out" 2>"$W/err"; RC=$?; }
lines() { wc -l <"$W/err"; }
Q='\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04'

case $CASE in
job_is_framed_by_status_queries)
  # The bytes on the wire are the status queries, then exactly what the
  # file transport writes for the same voucher, then the queries again.
  start
  run --voucher "$DATA/gift.json"
  [ $RC -eq 0 ] || fail "exit $RC"
  wait $FP
  "$KP" --printer "file:$W/ref.bin" --voucher "$DATA/gift.json" >/dev/null 2>&1 || fail "file ref"
  { printf "$Q"; cat "$W/ref.bin"; printf "$Q"; } >"$W/want.bin"
  cmp "$W/got.bin" "$W/want.bin" || fail "stream differs from file transport output"
  grep -q "status checked" "$W/out" || fail "no status check after the job"
  ;;
paper_out_before_job_sends_nothing)
  start --paper-out
  run --voucher "$DATA/gift.json"
  [ $RC -eq 1 ] || fail "exit $RC, want 1"
  [ "$(lines)" -eq 1 ] || fail "want one line on stderr"
  grep -q "paper out" "$W/err" || fail "no 'paper out' in message"
  kill $FP 2>/dev/null; wait $FP
  [ "$(stat -c %s "$W/got.bin")" -eq 12 ] || fail "job bytes were sent to a printer without paper"
  ;;
paper_out_mid_job_fails_the_job)
  start --paper-out-after 20000
  run --voucher "$DATA/gift.json"
  [ $RC -eq 1 ] || fail "exit $RC, want 1"
  grep -q "paper out.*during the job" "$W/err" || fail "message does not say paper ran out"
  ;;
dropped_connection_mid_job_fails_the_job)
  start --drop-after 20000
  run --voucher "$DATA/gift.json"
  [ $RC -eq 1 ] || fail "exit $RC, want 1"
  [ "$(lines)" -eq 1 ] || fail "want one line on stderr"
  grep -Eq "dropped the connection|connection closed|Connection reset" "$W/err" ||
    fail "message does not say the connection dropped"
  ;;
status_reports_paper_near_end)
  start --near-end
  run --status
  [ $RC -eq 0 ] || fail "exit $RC, want 0"
  grep -qx "status: paper near end" "$W/out" || fail "stdout: $(cat "$W/out")"
  ;;
status_of_silent_printer_times_out)
  start --silent
  run --status
  [ $RC -eq 1 ] || fail "exit $RC, want 1"
  grep -q "no answer to DLE EOT 1" "$W/err" || fail "no timeout message"
  ;;
refused_connection_is_one_line)
  start
  kill $FP; wait $FP 2>/dev/null
  run --status
  [ $RC -eq 1 ] || fail "exit $RC, want 1"
  [ "$(lines)" -eq 1 ] || fail "want one line on stderr"
  grep -q "Connection refused" "$W/err" || fail "no reason in message"
  ;;
text_mode_test_page_prints)
  start
  run --test-page --mode text --width 384
  [ $RC -eq 0 ] || fail "exit $RC"
  wait $FP
  # 中文测试 in GBK and the CODE128 of KIOSK-TEST must be in the stream
  grep -qa "$(printf '\xd6\xd0\xce\xc4\xb2\xe2\xca\xd4')" "$W/got.bin" || fail "no GBK 中文测试"
  grep -qa "{BKIOSK-TEST" "$W/got.bin" || fail "no CODE128"
  ;;
*) echo "unknown case $CASE"; exit 2 ;;
esac
echo "ok $CASE"
