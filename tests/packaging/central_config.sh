#!/bin/sh
# kiosk-central --config FILE (what kiosk-central.service runs, through
# LoadCredential=): the kiosk secrets and staff accounts in the file work,
# and none of them shows in /proc/PID/cmdline or /proc/PID/environ. A wrong
# secret in the file is refused (so the file really is what the server
# uses); a secret given as a flag draws a warning, the file's never does; a
# bad line is reported as FILE:LINE.
# Usage: central_config.sh CENTRAL APIGET
set -u
central=$1 apiget=$2
command -v curl >/dev/null 2>&1 || { echo "SKIP: no curl"; exit 77; }
work=$(mktemp -d)
cpid=
cleanup() {
  [ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# start CONF [FLAG...]: the server on a free port; sets $url and $cpid.
start() {
  conf=$1
  shift
  : >"$work/out"
  "$central" --config "$conf" --db "$work/central.db" "$@" >"$work/out" 2>"$work/err" &
  cpid=$!
  i=0
  until grep -q '^listening on ' "$work/out"; do
    i=$((i + 1))
    [ $i -gt 100 ] && { cat "$work/err"; fail "kiosk-central did not start"; }
    kill -0 "$cpid" 2>/dev/null || { cat "$work/err"; fail "kiosk-central exited"; }
    sleep 0.1
  done
  url=$(sed -n 's/^listening on //p' "$work/out")
}
stop() { kill "$cpid"; wait "$cpid"; cpid=; }

secret=s3cret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
password=pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
hash=$(printf '%s\n' "$password" | "$central" --hash-password) || fail "--hash-password"
umask 077
cat >"$work/central.conf" <<EOF
# as packaging/central.conf.example
[central]
listen = 127.0.0.1:0
kiosk = demo-kiosk:demo-secret
kiosk = kiosk-007:$secret
staff = desk7:desk:$hash
threads = 2
EOF

start "$work/central.conf"
for f in cmdline environ; do
  tr '\0' '\n' <"/proc/$cpid/$f" >"$work/$f"
  grep -q -e "$secret" -e "$hash" -e demo-secret "$work/$f" && fail "a secret is in /proc/PID/$f"
done
grep -q -- "--config" "$work/cmdline" || fail "/proc/PID/cmdline lacks --config (wrong process?)"
"$apiget" "$url" /v1/catalog >"$work/catalog.json" ||
  fail "the file's kiosk demo-kiosk was refused: $(cat "$work/catalog.json")"
code=$(curl -s -o "$work/login.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"user\":\"desk7\",\"password\":\"$password\"}" "$url/v1/staff/login")
[ "$code" = 200 ] || fail "the file's staff account cannot log in: $code $(cat "$work/login.json")"
grep -q 'warning' "$work/err" && fail "warning for a config file: $(cat "$work/err")"
stop

# The same server with a wrong secret in the file refuses the kiosk.
sed 's/^kiosk = demo-kiosk:demo-secret$/kiosk = demo-kiosk:not-the-secret/' \
  "$work/central.conf" >"$work/wrong.conf"
start "$work/wrong.conf"
"$apiget" "$url" /v1/catalog >"$work/catalog.json" 2>&1 &&
  fail "a wrong secret in the file was accepted"
stop

# Secrets as flags still work, with a warning that names the flag only.
start "$work/wrong.conf" --kiosk "kiosk-008:$secret"
grep -q 'warning: --kiosk on the command line is visible' "$work/err" ||
  fail "no warning for --kiosk on the command line: $(cat "$work/err")"
grep -q -e "$secret" "$work/err" && fail "the warning shows the secret"
stop

# Mistakes name file and line.
printf '[central]\nlisten = 127.0.0.1:0\nkiosks = x:y\n' >"$work/bad.conf"
"$central" --config "$work/bad.conf" >/dev/null 2>"$work/err" && fail "unknown key accepted"
grep -q "bad.conf:3: unknown key 'kiosks'" "$work/err" || fail "no FILE:LINE: $(cat "$work/err")"
chmod 0644 "$work/bad.conf"
"$central" --config "$work/bad.conf" >/dev/null 2>"$work/err"
grep -q 'readable or writable by every user' "$work/err" || fail "no warning for a 0644 file"
echo "ok: secrets from --config work and stay out of /proc/PID/cmdline"
