#!/bin/sh
# Soak (issue 7): N whole sessions in one kiosk process (demo card -> member
# -> catalog -> back -> exit -> attract), N=50 here, KIOSK_LONG=1 for 1000,
# KIOSK_SOAK_SESSIONS=N for any number (3000 is about an hour here).
# RSS and open file descriptors are read after the first tenth of the
# sessions and at the end (a `shot`
# in the script marks each point: the test waits for the file, then reads
# /proc). Fails on a failed journey, a leak report (LSan, in a
# -DKIOSK_SANITIZE=ON build, at exit) or RSS growth over SOAK_MAX_GROWTH_MB
# (default 20) or more than 4 descriptors more at the end - never on time.
# usage: app_soak.sh KIOSK CENTRAL OUTDIR
kiosk=$1 central=$2
. "$(dirname "$0")/lib.sh"
lib_init "$3"
n=50
[ "${KIOSK_LONG:-0}" = 1 ] && n=1000
[ -n "${KIOSK_SOAK_SESSIONS:-}" ] && n=$KIOSK_SOAK_SESSIONS
tenth=$((n / 10))
bound=${SOAK_MAX_GROWTH_MB:-20}
sanitized=no
if grep -q __asan_init "$kiosk" 2>/dev/null; then
  sanitized=yes
  # A small quarantine, so RSS shows what the kiosk keeps, not what ASan
  # holds back to catch use-after-free.
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:quarantine_size_mb=8"
  export ASAN_OPTIONS
fi
start_central
# The soak measures memory, not the 180 ms screen fades (4 a session).
KIOSK_TRANSITION_MS=0
export KIOSK_TRANSITION_MS

s=$work/soak.script
: >"$s"
i=1
while [ $i -le $n ]; do
  m=$(( (i - 1) % 4 + 1 ))
  cat >>"$s" <<EOS
press demo-member-$m
expect member
press btn-catalog
expect catalog
drag 540 1700 540 1100 150
press btn-back
expect member
press btn-exit
expect attract
EOS
  [ $i -eq "$tenth" ] && echo "shot $out/after-first-tenth.png" >>"$s"
  i=$((i + 1))
done
echo "shot $out/end.png" >>"$s"
echo "wait 1500" >>"$s"
echo "quit" >>"$s"

rss_of() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
fds_of() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" --state-dir "$work/state" \
  --script "$s" >/dev/null 2>"$work/kiosk.err" &
kpid=$!
wait_shot() { # FILE: polls (no time limit beyond ctest's) while the kiosk runs
  while [ ! -s "$1" ]; do
    kill -0 "$kpid" 2>/dev/null || return 1
    sleep 0.1
  done
}
wait_shot "$out/after-first-tenth.png" || true
rss1=$(rss_of "$kpid") fds1=$(fds_of "$kpid")
wait_shot "$out/end.png" || true
rss2=$(rss_of "$kpid") fds2=$(fds_of "$kpid")
wait "$kpid"
rc=$?
kpid=
cp "$work/kiosk.err" "$log"
if grep -q "LeakSanitizer\|AddressSanitizer" "$log"; then
  grep -A20 "Sanitizer" "$log" | head -40 >&2
  fail "sanitizer report after $n sessions"
fi
[ $rc -eq 0 ] || { tail -5 "$log" >&2; fail "kiosk exited $rc"; }
[ -n "$rss1" ] && [ -n "$rss2" ] || fail "could not read the kiosk's RSS"
sessions=$(grep -c "scan to member screen" "$log")
growth=$(( (rss2 - rss1) / 1024 ))
echo "soak: $n sessions ($sessions reached the member screen), sanitized=$sanitized"
echo "  RSS after $tenth sessions: $((rss1 / 1024)) MB; at the end: $((rss2 / 1024)) MB; growth $growth MB (bound $bound)"
[ "$sessions" -eq "$n" ] || fail "$sessions of $n sessions reached the member screen"
echo "  open descriptors after $tenth sessions: $fds1; at the end: $fds2"
[ "$growth" -le "$bound" ] || fail "RSS grew by $growth MB over $n sessions"
[ "$fds1" -gt 0 ] && [ "$fds2" -le $((fds1 + 4)) ] ||
  fail "open descriptors went from $fds1 to $fds2 over $n sessions"
exit 0
