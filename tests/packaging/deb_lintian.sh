#!/bin/sh
# lintian finds no errors in either package (warnings are printed, allowed).
# Usage: deb_lintian.sh SOURCE_DIR BUILD_DIR OUT
set -u
src=$1 build=$2 out=$3
. "$src/tests/packaging/pkg_lib.sh"
pkg_skip_unless_packagable "$build"
command -v lintian >/dev/null 2>&1 || { echo "SKIP: no lintian (apt-get install lintian)"; exit 77; }
kiosk=$(pkg_deb "$out" kiosk) || exit 1
central=$(pkg_deb "$out" kiosk-central) || exit 1
report=$(lintian --fail-on none "$kiosk" "$central" 2>&1)
printf '%s\n' "$report"
if printf '%s\n' "$report" | grep -q '^E: '; then
  echo "FAIL: lintian errors"
  exit 1
fi
echo "ok: no lintian errors"
