#!/bin/sh
# The kiosk's health reports through the real binaries against a
# kiosk-central --demo: systemd's notify protocol (a unix datagram socket
# this test owns plays systemd) and the heartbeat the central keeps.
#
#   app_health.sh MODE KIOSK CENTRAL SINK OUTDIR
#   MODE: sdnotify | heartbeat
set -u
mode=$1 kiosk=$2 central=$3 sink=$4
. "$(dirname "$0")/lib.sh"
lib_init "$5"

start_central
case $mode in
sdnotify)
  # READY once the first frame is up, WATCHDOG=1 again and again while the
  # kiosk idles on the attract screen (the wait is capped by the watchdog
  # interval), a STATUS line without member data, STOPPING=1 at SIGTERM.
  sock=$work/notify.sock msgs=$work/notify.txt
  "$sink" "$sock" "$msgs" &
  spid=$!
  wait_for "notify socket not bound" test -S "$sock"
  NOTIFY_SOCKET=$sock WATCHDOG_USEC=400000 SDL_VIDEODRIVER=dummy \
    sh -c 'WATCHDOG_PID=$$ exec "$0" "$@"' "$kiosk" --demo --central "$url" \
    --state-dir "$work/state" >/dev/null 2>"$log" &
  kpid=$!
  wait_for "no READY=1: $(cat "$msgs" 2>/dev/null)" grep -qx 'READY=1' "$msgs"
  five_pings() { [ "$(sed -n '/^READY=1$/,$p' "$msgs" | grep -c '^WATCHDOG=1$')" -ge 5 ]; }
  wait_for "not 5 watchdog pings after READY" five_pings
  wait_for "no STATUS line: $(cat "$msgs")" grep -q '^STATUS=queue ' "$msgs"
  kill -TERM "$kpid"
  wait "$kpid"
  rc=$?
  kpid=
  [ $rc -eq 0 ] || { cat "$log" >&2; fail "kiosk exited $rc on SIGTERM"; }
  tail -1 "$msgs" | grep -qx 'STOPPING=1' || fail "STOPPING=1 is not the last word: $(cat "$msgs")"
  grep '^STATUS=' "$msgs" | grep -q 'M10000\|\*' && fail "member data in STATUS"
  cp "$msgs" "$out/notify.txt"
  ;;
heartbeat)
  # A short interval; a redemption prints in between, so a later beat says
  # the printer is fine. The central keeps the last beat per kiosk.
  command -v sqlite3 >/dev/null || { echo "no sqlite3"; exit 77; }
  printf '[central]\nheartbeat_s = 1\n' >"$work/k.conf"
  cat >"$work/a.script" <<EOS
press demo-member-3
expect member
press btn-catalog
expect catalog
press item-G001
expect item
press btn-confirm
expect result
wait 2500
expect result
EOS
  SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" --config "$work/k.conf" \
    --state-dir "$work/state" --script "$work/a.script" >/dev/null 2>"$log" ||
    { cat "$log" >&2; fail "kiosk script"; }
  grep -q 'voucher printed' "$log" || fail "nothing printed"
  beat=$(sqlite3 "$work/central.db" "SELECT body FROM heartbeats WHERE kiosk_id='demo-kiosk'")
  echo "$beat" >"$out/heartbeat.json"
  version=$("$kiosk" --version | sed 's/^kiosk //')
  for want in '"printer":"ok"' '"paper":"ok"' '"queue_depth":0' '"oldest_pending_age_s":0' \
      '"rejected_offline":0' "\"version\":\"$version\""; do
    case $beat in *"$want"*) ;; *) fail "heartbeat lacks $want: $beat" ;; esac
  done
  grep -q 'heartbeat: not delivered\|heartbeat: central answered' "$log" && fail "a heartbeat failed"
  ;;
*) fail "unknown mode $mode" ;;
esac
echo "ok: $mode"
