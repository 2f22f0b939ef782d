#!/bin/sh
# kiosk-scan end to end: images made here by the qrencode tool, decoded by
# the real binary; exit codes and output format as the README documents them.
set -u
BIN=${1:?usage: e2e_kiosk_scan.sh PATH/TO/kiosk-scan}
command -v qrencode >/dev/null 2>&1 || { echo "qrencode tool missing"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-scan-e2e.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

CODE='KM1.m-0001.gold.1200.1700000000.c2lnbmF0dXJl'
URL='https://pay.example.com/qr?id=42&amt=9.90'
qrencode -8 -l M -s 6 -o "$T/member.png" "$CODE" || fail "qrencode"
qrencode -8 -l M -s 3 -o "$T/url.png" "$URL" || fail "qrencode"
printf 'a\tb' | qrencode -8 -s 4 -o "$T/tab.png" || fail "qrencode"
# No code: the same PNG with every module painted white by a 1x1 pattern.
qrencode -s 1 -m 40 -o "$T/blank.png" 'x' && \
  command -v convert >/dev/null 2>&1 && convert "$T/blank.png" -fill white \
    -colorize 100 "$T/blank.png"
[ -f "$T/blank.png" ] || fail "no blank image"

out=$("$BIN" "$T/member.png" "$T/url.png" "$T/tab.png" "$T/blank.png") ||
  fail "exit $? on readable images"
expect=$(printf '%s\t%s\n%s\t%s\n%s\t%s\n%s\t-' "$T/member.png" "$CODE" \
  "$T/url.png" "$URL" "$T/tab.png" 'a\tb' "$T/blank.png")
[ "$out" = "$expect" ] || fail "output was
$out
expected
$expect"

# An unreadable file: a message naming it on stderr, the others still done.
out=$("$BIN" "$T/missing.png" "$T/member.png" 2>"$T/err")
rc=$?
[ "$rc" = 1 ] || fail "missing file: exit $rc, want 1"
grep -q "missing.png" "$T/err" || fail "stderr does not name the file"
[ "$out" = "$(printf '%s\t%s' "$T/member.png" "$CODE")" ] ||
  fail "other file not decoded after a missing one: $out"

# Usage errors: exit 2 with exactly one line.
"$BIN" --no-such-flag "$T/member.png" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 2 ] || fail "bad flag: exit $rc, want 2"
[ "$(wc -l <"$T/err")" = 1 ] || fail "bad flag: not one line: $(cat "$T/err")"
"$BIN" >/dev/null 2>&1
[ $? = 2 ] || fail "no image: want exit 2"
"$BIN" --help | grep -q 'usage: kiosk-scan' || fail "--help"
"$BIN" --version | grep -Eq '^kiosk-scan [0-9]+\.[0-9]+' || fail "--version"

# --json and --bench carry the same payload.
"$BIN" --json "$T/member.png" "$T/blank.png" >"$T/json" || fail "--json exit"
grep -qF "\"payload\":\"$CODE\"" "$T/json" || fail "json: $(cat "$T/json")"
grep -qF '"payload":null' "$T/json" || fail "json null: $(cat "$T/json")"
out=$("$BIN" --bench --repeat 3 "$T/member.png") || fail "--bench exit"
echo "$out" | grep -q "^$T/member.png	$CODE	median_ms=" || fail "bench: $out"
echo "$out" | grep -q '^# total: images=1 decoded=1 decodes=3 ' ||
  fail "bench total: $out"
echo "ok"
