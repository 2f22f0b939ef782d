#!/bin/sh
# The member cache (issue 4) through the real kiosk and central: a gold
# member scans while the central is up (the profile is cached, without a
# phone number, in a 0600 file), leaves; the central stops; the member scans
# a fresh code and gets the member home from the cache, marked offline, with
# the points of the code (zh + en shots). A member never seen here gets what
# an unreachable central always gave: the attract screen and its notice.
#
#   app_mcache.sh KIOSK CENTRAL APIGET OUTDIR
# Waits are bounded for liveness only.
set -u
kiosk=$1 central=$2 apiget=$3 out=$4

. "$(dirname "$0")/lib.sh"
lib_init "$out"
command -v sqlite3 >/dev/null || { echo "skipped: no sqlite3"; exit 77; }
start_central

code_of() { # MEMBER
  "$apiget" "$url" "/v1/demo/member-code/$1" |
    sed -n 's/.*"code" *: *"\([^"]*\)".*/\1/p'
}
c1=$(code_of M100003)
sleep 1.1
c2=$(code_of M100003)
c3=$(code_of M100001)
[ -n "$c1" ] && [ -n "$c2" ] && [ -n "$c3" ] || fail "no member codes from the central"
[ "$c1" != "$c2" ] || fail "the two codes are the same"

cat >"$work/a.script" <<EOS
scan $c1
expect member
wait 500
press btn-exit
expect attract
wait 2500
scan $c2
expect member
wait 500
shot $out/member-offline-zh.png
press lang-toggle
wait 300
shot $out/member-offline-en.png
press lang-toggle
press btn-exit
expect attract
scan $c3
wait 800
expect attract
EOS
SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" --state-dir "$work/state" \
  --script "$work/a.script" >/dev/null 2>>"$log" &
kpid=$!
wait_for "the first visit did not end" grep -q 'session ended' "$log"
kill "$cpid"; wait "$cpid" 2>/dev/null; cpid=
wait "$kpid" || { tail -30 "$log" >&2; fail "kiosk script failed"; }
kpid=

grep -q 'central unreachable: member home from the member cache' "$log" ||
  { tail -30 "$log" >&2; fail "no member home from the cache"; }
grep -q 'central unreachable and the member is not in the member cache' "$log" ||
  fail "an uncached member was not answered as before"
db=$work/state/members.sqlite
[ "$(stat -c %a "$db")" = 600 ] || fail "member cache mode $(stat -c %a "$db")"
[ "$(sqlite3 "$db" "SELECT count(*) FROM member WHERE member_id = 'M100003'")" = 1 ] ||
  fail "member not in the cache file"
[ "$(sqlite3 "$db" "SELECT count(*) FROM member WHERE member_id = 'M100001'")" = 0 ] ||
  fail "an unseen member is in the cache"
sqlite3 "$db" "SELECT profile FROM member" | grep -qi phone && fail "a phone field in the cache"
sqlite3 "$db" "SELECT profile FROM member" | grep -q benefits || fail "no benefits cached"
not_blank "$out/member-offline-zh.png"
not_blank "$out/member-offline-en.png"
echo "ok: member home from the member cache while the central is down"
