#!/bin/sh
# The catalog scrolls under a finger (script `drag`): a swipe that starts on
# a card moves the grid and opens nothing; after it the grid shows other
# rows (the screenshots differ), and a swipe back brings the first rows back.
# usage: app_scroll.sh KIOSK CENTRAL OUTDIR
kiosk=$1 central=$2
. "$(dirname "$0")/lib.sh"
lib_init "$3"
command -v compare >/dev/null || { echo "no imagemagick compare"; exit 77; }
start_central
cat >"$work/s.script" <<EOS
press demo-member-4
expect member
press btn-catalog
expect catalog
shot $out/top.png
drag 540 1750 540 950 250
wait 2000
expect catalog
shot $out/scrolled.png
drag 540 700 540 1800 200
drag 540 700 540 1800 200
drag 540 700 540 1800 200
wait 2000
expect catalog
shot $out/back.png
quit
EOS
run_kiosk "$work/s.script"
for p in top scrolled back; do not_blank "$out/$p.png"; done
moved=$(compare -metric AE -fuzz 5% "$out/top.png" "$out/scrolled.png" /dev/null 2>&1)
back=$(compare -metric AE -fuzz 5% "$out/top.png" "$out/back.png" /dev/null 2>&1)
echo "pixels changed by the swipe: $moved; after swiping back: $back"
# compare prints large counts as 1.2e+06: awk reads either form.
awk -v n="$moved" 'BEGIN {exit !(n + 0 > 100000)}' || fail "the swipe did not scroll the grid ($moved pixels changed)"
awk -v n="$back" 'BEGIN {exit !(n + 0 < 1000)}' || fail "swiping back did not return to the top ($back pixels differ)"
