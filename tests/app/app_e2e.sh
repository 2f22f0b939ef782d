#!/bin/sh
# End-to-end tests of the kiosk through the real binaries: a kiosk-central
# --demo on a free port, the kiosk headless (SDL_VIDEODRIVER=dummy) running a
# script, or the kiosk as a real X11 window under Xvfb clicked with xdotool.
#
#   app_e2e.sh MODE KIOSK CENTRAL CODEGEN OUTDIR
#   MODE: members | codes | ocr | x11 | idle | idlestack | dirscan
# Screenshots go to OUTDIR (under the build dir) for a person to look at.
set -u
mode=$1 kiosk=$2 central=$3 codegen=$4 out=$5
# A fixed test key: the central signs with it, so this script can make
# expired and future codes the kiosk must refuse.
seed=4b494f534b2d746573742d7369676e696e672d736565642d3031323334353637
other=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff

. "$(dirname "$0")/lib.sh"
lib_init "$out"

# A short idle time: the countdown comes after 2 s, the end 3 s later.
idle_conf() {
  printf '[ui]\nidle_timeout_s = 5\ncountdown_s = 3\n' >"$work/idle.conf"
}

start_central --signing-seed "$seed"
case $mode in
members)
  # Each demo member through the card tap: fetch, QR image, zbar, verify,
  # resolve. Portrait zh_CN, then landscape en.
  {
    echo "expect attract"
    echo "shot $out/attract.png"
    for n in 1 2 3 4; do
      echo "press demo-member-$n"
      echo "expect member"
      echo "shot $out/member-$n.png"
      echo "press btn-exit"
      echo "expect attract"
    done
    echo "quit"
  } >"$work/members.script"
  run_kiosk "$work/members.script"
  for f in "$out"/*.png; do not_blank "$f"; done
  [ "$(grep -c 'scan accepted for member' "$log")" -eq 4 ] || fail "not 4 members"
  cat >"$work/land.script" <<EOS
expect attract
shot $out/land-attract-en.png
press demo-member-3
expect member
shot $out/land-member-3-en.png
press btn-catalog
shot $out/land-member-3-toast-en.png
press btn-exit
expect attract
EOS
  run_kiosk "$work/land.script" --size 1920x1080 --lang en
  for f in "$out"/land-*.png; do not_blank "$f"; done
  ;;
codes)
  # Codes scanned as text (the `scan` command takes the scanner's path from
  # the verification on): good codes open the member screen; refused codes
  # keep the attract screen and say why.
  : >"$work/codes.script"
  for id in M100001 M100002 M100003 M100004; do
    code=$("$codegen" fetch "$url" "$id") || fail "fetch code for $id"
    printf 'scan %s\nexpect member\npress btn-exit\nexpect attract\n' "$code" >>"$work/codes.script"
  done
  good=$("$codegen" fetch "$url" M100003) || fail "fetch code"
  # Change one character well inside the signature (the last one carries
  # padding bits a decoder may ignore): a forged code.
  len=${#good}
  pos=$((len - 10))
  ch=$(printf %s "$good" | cut -c "$pos")
  [ "$ch" = A ] && sub=B || sub=A
  forged="$(printf %s "$good" | cut -c "1-$((pos - 1))")$sub$(printf %s "$good" | cut -c "$((pos + 1))-")"
  [ "$forged" != "$good" ] && [ ${#forged} -eq "$len" ] || fail "forging went wrong"
  expired=$("$codegen" sign "$seed" M100003 gold 12800 -600) || fail sign
  future=$("$codegen" sign "$seed" M100003 gold 12800 600) || fail sign
  notours=$("$codegen" sign "$other" M100003 gold 12800 0) || fail sign
  cat >>"$work/codes.script" <<EOS
scan $expired
expect attract
shot $out/refused-expired.png
scan $future
expect attract
scan $forged
expect attract
scan $notours
expect attract
scan https://pay.example.com/qr?id=1
expect attract
shot $out/refused-not-member.png
EOS
  run_kiosk "$work/codes.script"
  [ "$(grep -c 'scan accepted for member' "$log")" -eq 4 ] || fail "good codes not all accepted"
  grep -q 'scan refused: code expired' "$log" || fail "expired code not refused as expired"
  grep -q 'scan refused: code issued in the future' "$log" || fail "future code not refused"
  [ "$(grep -c 'scan refused: bad signature' "$log")" -eq 2 ] || fail "forged/not-ours not refused"
  grep -q 'scan refused: not a member code' "$log" || fail "payment code not refused"
  not_blank "$out/refused-expired.png"
  ;;
ocr)
  command -v tesseract >/dev/null || { echo "no tesseract"; exit 77; }
  tesseract --list-langs 2>/dev/null | grep -q chi_sim || { echo "no chi_sim"; exit 77; }
  printf 'press demo-member-3\nexpect member\nshot %s/member-3.png\npress btn-exit\nexpect attract\nshot %s/attract.png\n' \
    "$out" "$out" >"$work/ocr.script"
  run_kiosk "$work/ocr.script"
  tesseract "$out/member-3.png" "$work/member" -l chi_sim+eng >/dev/null 2>&1
  tr -d ' \n' <"$work/member.txt" | grep -q '积分' || fail "member screen does not say 积分: $(cat "$work/member.txt")"
  tr -d ' \n' <"$work/member.txt" | grep -q '金卡会员' || fail "member screen does not say 金卡会员"
  tesseract "$out/attract.png" "$work/attract" -l chi_sim+eng >/dev/null 2>&1
  tr -d ' \n' <"$work/attract.txt" | grep -q '出示会员码' || fail "attract does not say 出示会员码: $(cat "$work/attract.txt")"
  ;;
idle)
  # A short idle time: the countdown shows, a touch keeps the session, then
  # without touches the session ends by itself and the member is gone.
  idle_conf
  cat >"$work/idle.script" <<EOS
press demo-member-2
expect member
wait 2600
shot $out/countdown.png
press btn-continue
wait 300
expect member
wait 5200
expect attract
shot $out/after-idle.png
EOS
  SDL_VIDEODRIVER=dummy "$kiosk" --demo --config "$work/idle.conf" --central "$url" \
    --state-dir "$work/state" --script "$work/idle.script" >/dev/null 2>"$log" ||
    { cat "$log" >&2; fail "idle script"; }
  grep -q 'session idle: countdown' "$log" || fail "no countdown"
  grep -q 'session ended after idle time' "$log" || fail "session did not end"
  not_blank "$out/countdown.png"
  ;;
idlestack)
  # The countdown overlays the screen the member is on (catalog, parking
  # with a half-typed plate): a touch keeps that screen; running out ends
  # the session with the attract screen alone on the stack.
  idle_conf
  cat >"$work/idle.script" <<EOS
press demo-member-2
expect member
press btn-catalog
expect catalog
wait 2600
expect catalog
shot $out/countdown-catalog.png
press btn-continue
wait 300
expect catalog
press tab-coupon
expect catalog
wait 5200
expect attract
shot $out/after-idle-catalog.png
press demo-member-3
expect member
press btn-parking
expect parking
press key-沪
press key-C
wait 2600
expect parking
shot $out/countdown-parking.png
press btn-continue
wait 300
expect parking
press key-5
wait 5200
expect attract
shot $out/after-idle-parking.png
EOS
  dump=$work/widgets.txt
  KIOSK_WIDGET_DUMP=$dump SDL_VIDEODRIVER=dummy "$kiosk" --demo --config "$work/idle.conf" \
    --central "$url" --state-dir "$work/state" --script "$work/idle.script" >/dev/null \
    2>"$log" || { cat "$log" >&2; fail "idle stack script"; }
  [ "$(grep -c 'session idle: countdown' "$log")" -ge 3 ] || fail "countdowns missing"
  [ "$(grep -c 'session ended after idle time' "$log")" -eq 2 ] || fail "sessions did not end"
  sed -n 2p "$dump" | grep -qx 'stack attract' || fail "left on the stack: $(sed -n 2p "$dump")"
  grep -q '^btn-continue ' "$dump" && fail "countdown still laid out on attract"
  for f in "$out"/*.png; do not_blank "$f"; done
  ;;
dirscan)
  # Scanner sources from the config: a folder the test drops QR pictures
  # into, and a camera that is not there (the kiosk keeps working; the
  # admin screen says so). A fresh member code opens the session; the same
  # code again after the session is refused as already used.
  command -v qrencode >/dev/null || { echo "no qrencode"; exit 77; }
  mkdir -p "$work/scans"
  code=$("$codegen" fetch "$url" M100002) || fail "fetch code"
  qrencode -s 6 -o "$work/code.png" "$code" || fail qrencode
  cp "$work/code.png" "$work/scans/.a.png" && mv "$work/scans/.a.png" "$work/scans/a.png"
  cat >"$work/scan.conf" <<EOS
[ui]
notice_s = 20
[scanner]
source = dir:$work/scans, camera:/dev/video-kiosk-test-absent
preview = yes
EOS
  cat >"$work/scan.script" <<EOS
expect member
shot $out/member-from-folder.png
press btn-exit
expect attract
wait 6000
expect attract
shot $out/refused-replayed.png
press admin-gesture
press pin-2
press pin-5
press pin-8
press pin-0
press pin-ok
expect admin
wait 600
shot $out/admin-scanners.png
EOS
  SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" --config "$work/scan.conf" \
    --state-dir "$work/state" --script "$work/scan.script" >/dev/null 2>"$log" &
  kpid=$!
  wait_for "no session from the folder" grep -q 'app: session ended' "$log"
  # Past the scanner's 3 s window in which one code read twice is one scan.
  sleep 3.2
  cp "$work/code.png" "$work/scans/.b.png" && mv "$work/scans/.b.png" "$work/scans/b.png"
  wait "$kpid" || { cat "$log" >&2; fail "dirscan script"; }
  kpid=
  [ "$(grep -c 'scan accepted for member M100002' "$log")" -eq 1 ] || fail "not one session"
  grep -q 'scan refused: code already used at this kiosk' "$log" || fail "replayed code not refused"
  grep -q 'camera:/dev/video-kiosk-test-absent absent' "$log" || fail "absent camera not reported"
  [ -e "$work/scans/a.png.done" ] && [ -e "$work/scans/b.png.done" ] || fail "pictures not read"
  for f in "$out"/*.png; do not_blank "$f"; done
  ;;
x11)
  x11_kiosk $((90 + $$ % 100)) demo-member-1
  DISPLAY=$d xdotool mousemove --window "$wid" "$x" "$y" click 1
  i=0
  until head -1 "$dump" | grep -q '^screen member'; do
    i=$((i + 1)); [ $i -gt 200 ] && { cat "$log" >&2; fail "click did not open the member screen"; }
    sleep 0.1
  done
  DISPLAY=$d import -window "$wid" "$out/x11-member.png" 2>/dev/null && not_blank "$out/x11-member.png"
  grep -q 'video x11' "$log" || fail "not the x11 driver"
  ;;
*) fail "unknown mode $mode" ;;
esac
echo "ok: $mode (screenshots in $out)"
