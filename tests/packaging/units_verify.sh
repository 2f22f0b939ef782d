#!/bin/sh
# systemd-analyze verify on every unit in systemd/ (and the cage drop-in on
# top of kiosk.service). verify exits 0 on many problems it only prints
# ("Unknown key", "Failed to parse"), so any output at all fails the test.
# The ExecStart binaries point at the build tree: verify insists they exist.
# Usage: units_verify.sh SOURCE_DIR BUILD_DIR
set -u
src=$1 build=$2
command -v systemd-analyze >/dev/null 2>&1 || { echo "SKIP: no systemd-analyze"; exit 77; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

rewrite() { # unit in, unit out: /usr/bin/X -> build dir (or /bin/true)
  sed_args=""
  for exe in kiosk kiosk-central kiosk-print kiosk-scan; do
    if [ -x "$build/$exe" ]; then to="$build/$exe"; else to=/bin/true; fi
    sed_args="$sed_args -e s#/usr/bin/$exe\\([[:space:]]\\|\$\\)#$to\\1#g"
  done
  # shellcheck disable=SC2086
  sed $sed_args -e 's#/usr/bin/cage#/bin/true#g' "$1" > "$2"
}

fail=0
check() { # dir unit
  out=$(cd "$1" && SYSTEMD_UNIT_PATH="$1:" systemd-analyze verify --man=no "$2" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] || [ -n "$out" ]; then
    echo "FAIL: $2${3:-}: systemd-analyze verify exit $rc"
    echo "$out"
    fail=1
  else
    echo "ok: $2${3:-}"
  fi
}

n=0
for unit in "$src"/systemd/*.service; do
  name=$(basename "$unit")
  d="$tmp/$name.d0"
  mkdir -p "$d"
  rewrite "$unit" "$d/$name"
  check "$d" "$name"
  n=$((n + 1))
done
[ "$n" -ge 2 ] || { echo "FAIL: expected kiosk.service and kiosk-central.service, found $n units"; exit 1; }

d="$tmp/cage"
mkdir -p "$d/kiosk.service.d"
rewrite "$src/systemd/kiosk.service" "$d/kiosk.service"
rewrite "$src/systemd/kiosk-cage.conf" "$d/kiosk.service.d/cage.conf"
check "$d" kiosk.service " + cage.conf drop-in"

# What the issue asks of the kiosk unit, so a later edit cannot drop it.
for want in '^User=kiosk$' '^Restart=always$' '^Type=notify$' '^WatchdogSec=' \
    '^NotifyAccess=main$' '^KillMode=' '^TimeoutStopSec=' '^NoNewPrivileges=yes$' \
    '^ProtectSystem=strict$' '^ProtectHome=yes$' '^PrivateTmp=yes$' \
    '^StateDirectory=kiosk$' '^DevicePolicy=closed$' '^Environment=SDL_VIDEODRIVER=kmsdrm$' \
    '^DeviceAllow=char-drm ' '^DeviceAllow=char-input ' '^DeviceAllow=char-video4linux ' \
    '^DeviceAllow=char-usb_device '; do
  grep -q "$want" "$src/systemd/kiosk.service" || { echo "FAIL: kiosk.service lacks $want"; fail=1; }
done
exit $fail
