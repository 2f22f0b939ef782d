#!/bin/sh
# The kiosk's command line: --help/--version, bad flags exit 2 with one line,
# --check-config exits 0 for a good file and 1 with file:line for a bad one,
# a bad script line exits 2 with file:line before any window opens.
set -u
kiosk=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$kiosk" --help | grep -q -- '--script FILE' || fail "--help"
"$kiosk" --version | grep -q '^kiosk [0-9]' || fail "--version"

"$kiosk" --frobnicate 2>"$work/err"; rc=$?
[ $rc -eq 2 ] || fail "bad flag exit $rc"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "bad flag message is not one line"
grep -q 'unknown option --frobnicate' "$work/err" || fail "bad flag message"
"$kiosk" --size huge 2>/dev/null; [ $? -eq 2 ] || fail "--size huge"
"$kiosk" --lang fr 2>/dev/null; [ $? -eq 2 ] || fail "--lang fr"
"$kiosk" --central 2>/dev/null; [ $? -eq 2 ] || fail "--central without a value"

"$kiosk" --check-config --config "$src/packaging/kiosk.conf.example" >"$work/out" ||
  fail "example config refused"
grep -q ': ok' "$work/out" || fail "no ok line"
printf '[kiosk]\nid = k\nsecret = s\n[central]\nurl = http://x\nspeed = 3\n' >"$work/bad.conf"
"$kiosk" --check-config --config "$work/bad.conf" 2>"$work/err"; rc=$?
[ $rc -eq 1 ] || fail "bad config exit $rc"
grep -q "bad.conf:6: unknown key speed in \[central\]" "$work/err" || fail "bad config message: $(cat "$work/err")"
"$kiosk" --config "$work/bad.conf" 2>/dev/null; [ $? -eq 1 ] || fail "start with a bad config"

printf 'expect attract\nfly away\n' >"$work/bad.script"
SDL_VIDEODRIVER=dummy "$kiosk" --demo --central http://127.0.0.1:9 --state-dir "$work/st" \
  --script "$work/bad.script" 2>"$work/err"; rc=$?
[ $rc -eq 2 ] || fail "bad script exit $rc"
grep -q "bad.script:2: unknown command 'fly'" "$work/err" || fail "bad script message"

# A failed expect exits 1 naming both screens; the central is unreachable so
# the kiosk stays on attract.
printf 'expect member\n' >"$work/exp.script"
SDL_VIDEODRIVER=dummy "$kiosk" --demo --central http://127.0.0.1:9 --state-dir "$work/st" \
  --script "$work/exp.script" 2>"$work/err"; rc=$?
[ $rc -eq 1 ] || fail "failed expect exit $rc"
grep -q "exp.script:1: expected screen member, still on attract" "$work/err" || fail "expect message"
[ "$(stat -c %a "$work/st")" = 700 ] || fail "state dir is not 0700"
echo ok
