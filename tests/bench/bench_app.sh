#!/bin/sh
# Kiosk app figures (never asserts on time):
#   - cold start to first frame (the kiosk logs it), headless software renderer
#   - scan-to-member-screen latency: demo card tap -> code fetch -> QR image ->
#     zbar -> verify -> resolve -> member screen drawn, against a local central
#   - peak RSS of the kiosk over a whole run (GNU time, else /proc)
# usage: bench_app.sh KIOSK CENTRAL [RUNS]
set -u
kiosk=$1 central=$2 runs=${3:-10}
work=$(mktemp -d)
cpid=
trap '[ -n "$cpid" ] && kill $cpid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
"$central" --listen 127.0.0.1:0 --db "$work/c.db" --demo >"$work/c.out" 2>/dev/null &
cpid=$!
i=0
until grep -q 'listening on ' "$work/c.out" 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 100 ] && { echo "central did not start"; exit 1; }; sleep 0.1
done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/c.out" | head -1)
cat >"$work/s.script" <<EOS
press demo-member-1
expect member
press btn-exit
expect attract
press demo-member-2
expect member
press btn-exit
expect attract
press demo-member-3
expect member
press btn-exit
expect attract
press demo-member-4
expect member
quit
EOS
timer=
[ -x /usr/bin/time ] && timer="/usr/bin/time -f rss_kb=%M"
for r in $(seq "$runs"); do
  SDL_VIDEODRIVER=dummy $timer "$kiosk" --demo --central "$url" --state-dir "$work/st" \
    --script "$work/s.script" >/dev/null 2>>"$work/log" || echo "run $r failed"
done
pct() { # FILE P
  sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int((NR-1)*p/100)+1; print a[i]}'
}
sed -n 's/.*first frame after \([0-9]*\) ms.*/\1/p' "$work/log" >"$work/ff"
sed -n 's/.*scan to member screen: \([0-9]*\) ms.*/\1/p' "$work/log" >"$work/sm"
sed -n 's/.*rss_kb=\([0-9]*\).*/\1/p' "$work/log" >"$work/rss"
echo "kiosk app bench: $runs runs, 1080x1920, software renderer, SDL dummy video"
echo "  cold start to first frame: p50 $(pct "$work/ff" 50) ms, max $(pct "$work/ff" 100) ms (target <= 250)"
echo "  scan to member screen ($(wc -l <"$work/sm") scans): p50 $(pct "$work/sm" 50) ms, p95 $(pct "$work/sm" 95) ms (target p95 <= 300)"
[ -s "$work/rss" ] && echo "  peak RSS: max $(( $(pct "$work/rss" 100) / 1024 )) MB (target <= 100)"
exit 0
