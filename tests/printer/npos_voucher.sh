#!/bin/bash
# Independent check: npm npos parses kiosk-print's raster-mode stream and the
# image it decodes from the GS v 0 bands reads back as the voucher code.
# Needs `npm install` in tests/printer (skipped without node_modules).
# usage: npos_voucher.sh KIOSK_PRINT DATA_DIR
set -u
KP=$1 DATA=$2 HERE=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null || { echo "node not installed: skipped"; exit 77; }
[ -d "$HERE/node_modules/npos" ] || { echo "run npm install in tests/printer: skipped"; exit 77; }
command -v ZXingReader >/dev/null || { echo "ZXingReader not installed: skipped"; exit 77; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
for v in gift parking; do
  code=$(sed -n 's/.*"voucher_code": *"\([^"]*\)".*/\1/p' "$DATA/$v.json")
  "$KP" --printer "file:$W/$v.bin" --voucher "$DATA/$v.json" >/dev/null || { echo "FAIL: kiosk-print"; exit 1; }
  (cd "$HERE" && node npos_raster.js "$W/$v.bin" "$W/$v.pgm") || { echo "FAIL: npos could not parse $v"; exit 1; }
  read -r _ h < <(sed -n 2p "$W/$v.pgm")
  read -r _ H < <(identify -format '%w %h\n' "$W/$v.bin.png" 2>/dev/null || echo "0 $h")
  [ "$h" = "$H" ] || { echo "FAIL: npos raster height $h, ours $H"; exit 1; }
  got=$(ZXingReader "$W/$v.pgm" | sed -n 's/^Text: *"\(.*\)"$/\1/p')
  [ "$got" = "$code" ] || { echo "FAIL: npos raster of $v reads '$got', want '$code'"; exit 1; }
done
echo "ok: npos decoded both vouchers"
