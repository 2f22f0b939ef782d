#!/bin/sh
# The hidden admin gesture as staff do it: the kiosk as a real X11 window
# under Xvfb, the mouse button held on the logo corner with xdotool (no
# script, so no `press admin-gesture` shortcut). A 1 s hold opens nothing;
# a 3.2 s hold opens the PIN screen (admin), over the attract screen.
#   app_longpress.sh KIOSK CENTRAL OUTDIR
set -u
kiosk=$1 central=$2 out=$3
. "$(dirname "$0")/lib.sh"
lib_init "$out"
start_central
x11_kiosk $((120 + $$ % 100)) admin-gesture
on_screen() { head -1 "$dump" | grep -q "^screen $1\$"; }
xdo() { DISPLAY=$d xdotool "$@"; }

# Too short: held 1 s, then 3 s more with the button up. Still attract.
xdo mousemove --window "$wid" "$x" "$y"
xdo mousedown 1
sleep 1
xdo mouseup 1
sleep 3
on_screen attract || fail "a 1 s hold left the attract screen: $(head -1 "$dump")"
sed -n 2p "$dump" | grep -q admin && fail "admin on the stack after a 1 s hold"

# Held 3.2 s: the PIN screen, over attract.
xdo mousedown 1
sleep 3.2
xdo mouseup 1
wait_for "a 3.2 s hold did not open the PIN screen: $(head -1 "$dump")" on_screen admin
sed -n 2p "$dump" | grep -q '^stack attract admin$' || fail "stack: $(sed -n 2p "$dump")"
grep -q '^pin-1 ' "$dump" || fail "no PIN keypad on the admin screen"
DISPLAY=$d import -window "$wid" "$out/longpress-pin.png" 2>/dev/null && not_blank "$out/longpress-pin.png"
grep -q 'video x11' "$log" || fail "not the x11 driver"
echo "ok: 1 s hold ignored, 3.2 s hold opened the PIN screen"
