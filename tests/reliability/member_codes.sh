#!/bin/sh
# reliability_member_codes_two_kiosks: hostile member codes through the real
# scanner path of two real kiosk processes (headless, each watching a
# scanner folder, as [scanner] source = dir:PATH) against one kiosk-central
# that knows both kiosks. QR pictures are made with qrencode from codes the
# central signed (app_codegen fetch) or signed here with the central's test
# seed (app_codegen sign), then edited.
#
#   member_codes.sh KIOSK CENTRAL CODEGEN OUTDIR
#
# Each picture must leave the kiosk on the attract screen with the right
# message (the msgid in the KIOSK_WIDGET_DUMP file's `notice` line, not OCR):
# points edited, tier edited (forged), expired, from the future, oversized,
# binary garbage, a file that is no picture, the same code again at the same
# kiosk, and at a second kiosk (the central answers 409 code_used, see
# central/ctl_codeuse.h). Good codes open the member screen at both kiosks,
# so a kiosk that refuses everything fails too. The central never treats a
# bad code as valid: the kiosk never sends one (its log), the replay at the
# second kiosk is refused by the central (its log), and no ledger row or
# redemption appears.
set -u
kiosk=$1 central=$2 codegen=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
seed=4b494f534b2d746573742d7369676e696e672d736565642d3031323334353637
command -v qrencode >/dev/null || { echo "SKIP: no qrencode"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3 shell"; exit 77; }
. "$here/../app/lib.sh"
lib_init "$out"
start_central --signing-seed "$seed" --kiosk kiosk-2:secret-2
db=$work/central.db
count() { sqlite3 "$db" "SELECT 'ledger rows ' || (SELECT count(*) FROM ledger) || ', redemptions ' || (SELECT count(*) FROM redemptions)"; }
before=$(count)

# Two kiosks: A is the demo kiosk, B is kiosk-2. Short idle and notice
# times, so a session ends by itself and each message clears before the next.
start_kiosk() { # NAME ID SECRET
  mkdir -p "$work/scan-$1"
  cat >"$work/$1.conf" <<EOF
[kiosk]
id = $2
secret = $3
[ui]
idle_timeout_s = 5
countdown_s = 1
notice_s = 1
[scanner]
source = dir:$work/scan-$1
EOF
  printf 'expect attract\nwait 170000\nquit\n' >"$work/$1.script"
  KIOSK_WIDGET_DUMP=$work/$1.dump SDL_VIDEODRIVER=dummy "$kiosk" --demo \
    --central "$url" --config "$work/$1.conf" --state-dir "$work/state-$1" \
    --script "$work/$1.script" >/dev/null 2>"$out/kiosk-$1.log" &
}
start_kiosk a demo-kiosk demo-secret
apid=$!
start_kiosk b kiosk-2 secret-2
bpid=$!
kpid="$apid $bpid"

# Polls the widget dump of kiosk K until GREP_ARGS match (10 s at most).
dump_has() { # K PATTERN
  i=0
  until [ -f "$work/$1.dump" ] && grep -qx "$2" "$work/$1.dump"; do
    i=$((i + 1))
    if [ $i -gt 200 ]; then
      echo "--- dump of kiosk $1:" >&2
      cat "$work/$1.dump" >&2 2>/dev/null
      echo "--- log of kiosk $1:" >&2
      tail -20 "$out/kiosk-$1.log" >&2
      return 1
    fi
    sleep 0.05
  done
}
no_notice() { # K
  i=0
  while grep -q '^notice ' "$work/$1.dump" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 200 ] && fail "kiosk $1: notice never cleared"
    sleep 0.05
  done
}
n=0
drop() { # K FILE
  n=$((n + 1))
  cp "$2" "$work/scan-$1/.p$n.png" && mv "$work/scan-$1/.p$n.png" "$work/scan-$1/p$n.png"
}
qr() { # NAME TEXT
  printf %s "$2" | qrencode -8 -s 6 -o "$work/$1.png" || fail "qrencode $1"
}
cases=0
refused() { # K PICTURE MSGID... (the first that shows wins)
  k=$1 pic=$2
  shift 2
  no_notice "$k"
  dump_has "$k" 'screen attract' || fail "kiosk $k not on the attract screen before $pic"
  drop "$k" "$work/$pic.png"
  i=0
  while :; do
    for m in "$@"; do
      grep -qx "notice $m" "$work/$k.dump" 2>/dev/null && { got=$m; break 2; }
    done
    grep -qx 'screen member' "$work/$k.dump" 2>/dev/null && fail "kiosk $k: $pic opened a member session"
    i=$((i + 1))
    if [ $i -gt 200 ]; then
      cat "$work/$k.dump" >&2
      tail -20 "$out/kiosk-$k.log" >&2
      fail "kiosk $k: $pic did not show $*"
    fi
    sleep 0.05
  done
  grep -qx 'screen attract' "$work/$k.dump" || fail "kiosk $k: $pic left the attract screen"
  cases=$((cases + 1))
  echo "ok: kiosk $k refused $pic: $got"
}
opened() { # K PICTURE
  no_notice "$1"
  drop "$1" "$work/$2.png"
  dump_has "$1" 'screen member' || fail "kiosk $1: $2 did not open the member screen"
  echo "ok: kiosk $1 opened a session with $2"
}

dump_has a 'screen attract' || fail "kiosk a did not start"
dump_has b 'screen attract' || fail "kiosk b did not start"

good=$("$codegen" fetch "$url" M100002) || fail "fetch code"
good_b=$("$codegen" fetch "$url" M100003) || fail "fetch code"
# KM1.<id>.<tier>.<points>.<issued>.<sig>: edit one claim, keep the signature.
pts=$(echo "$good" | cut -d. -f4)
qr points "$(echo "$good" | awk -F. -v p=$((pts + 100000)) 'BEGIN{OFS="."}{$4=p; print}')"
qr tier "$(echo "$good" | awk -F. 'BEGIN{OFS="."}{$3="diamond"; print}')"
qr expired "$("$codegen" sign "$seed" M100002 silver 100 -600)" || fail sign
qr future "$("$codegen" sign "$seed" M100002 silver 100 600)" || fail sign
qr oversized "KM1.M100002.silver.100.$(date +%s).$(head -c 300 /dev/zero | tr '\0' A)"
# Binary garbage, the same bytes every run (a failure can be replayed).
bytes() { LC_ALL=C awk -v n="$1" -v s="$2" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%c", int(rand() * 256) }'; }
bytes 120 9 >"$work/garbage.bin"
qrencode -8 -s 6 -r "$work/garbage.bin" -o "$work/garbage.png" || fail "qrencode garbage"
bytes 4096 10 >"$work/notapicture.png"
qr good "$good"
qr good_b "$good_b"

refused a points scan.error.forged
refused a tier scan.error.forged
refused a expired scan.error.expired
refused a future scan.error.future
refused a oversized scan.error.invalid
refused a garbage scan.error.not_member scan.error.invalid attract.error.unreadable
refused a notapicture attract.error.unreadable
opened a good
# The same code at the second kiosk while it is still valid: the central
# refuses it (409 code_used), the kiosk says the code was already used.
refused b good scan.error.replayed
# After A's session ended by itself, the same code again at A.
dump_has a 'screen attract' || fail "kiosk a: session did not end"
sleep 3.2 # past the scanner's window in which one code read twice is one scan
refused a good scan.error.replayed
opened b good_b

after=$(count)
[ "$before" = "$after" ] || fail "ledger/redemptions changed: $before -> $after"
la=$out/kiosk-a.log lb=$out/kiosk-b.log
[ "$(grep -c 'scan accepted for member' "$la")" -eq 1 ] || fail "kiosk a accepted other than one code: $(grep 'scan accepted' "$la")"
[ "$(grep -c 'scan accepted for member' "$lb")" -eq 2 ] || fail "kiosk b: want the replay and good_b accepted locally, then the replay refused by the central"
grep -q 'central answered 409 code_used' "$lb" || fail "kiosk b: no 409 code_used from the central"
grep -q 'member code already used at another kiosk' "$work/central.err" || fail "central did not log the refused replay"
! grep -qE '^[^ ]+ E ' "$work/central.err" || fail "errors in the central log: $(grep -E '^[^ ]+ E ' "$work/central.err")"
[ "$(grep -c 'member code already used at another kiosk' "$work/central.err")" -eq 1 ] || fail "central refused more than the one replay"
for f in "$la" "$lb"; do
  grep -q 'scan refused: bad signature' "$f" 2>/dev/null || [ "$f" = "$lb" ] || fail "no bad signature refusal in $f"
  if grep -qE '^[^ ]+ E ' "$f"; then
    grep -E '^[^ ]+ E ' "$f" >&2
    fail "errors in $f"
  fi
done
sh "$here/report-row" reliability_member_codes_two_kiosks \
  "hostile member codes (points/tier edited, expired, future, oversized, binary, not a picture, replayed at the same and at a second kiosk) through the scanner folder of 2 kiosk processes" \
  "$cases" 0 "$cases refused with the right message; 0 reached the central as valid; $before before and after"
echo "ok: $cases hostile codes refused"
