#!/bin/bash
# Independent check: the raster kiosk-print sends (as the PNG the file
# transport rebuilds from the byte stream) decodes to the voucher code with
# zxing-cpp's ZXingReader and, when installed, zbarimg.
# usage: zxing_voucher.sh KIOSK_PRINT DATA_DIR
set -u
KP=$1 DATA=$2
command -v ZXingReader >/dev/null || command -v zbarimg >/dev/null ||
  { echo "neither ZXingReader nor zbarimg installed: skipped"; exit 77; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
n=0
for v in gift gift_pending_reprint parking; do
  code=$(sed -n 's/.*"voucher_code": *"\([^"]*\)".*/\1/p' "$DATA/$v.json")
  [ -n "$code" ] || { echo "FAIL: no voucher_code in $v.json"; exit 1; }
  for w in 576 512 384; do
    "$KP" --printer "file:$W/$v-$w.bin" --voucher "$DATA/$v.json" --width $w >/dev/null ||
      { echo "FAIL: kiosk-print $v $w"; exit 1; }
    png="$W/$v-$w.bin.png"
    if command -v ZXingReader >/dev/null; then
      got=$(ZXingReader "$png" | sed -n 's/^Text: *"\(.*\)"$/\1/p')
      [ "$got" = "$code" ] || { echo "FAIL: ZXingReader read '$got' from $v at $w dots, want '$code'"; exit 1; }
      n=$((n+1))
    fi
    if command -v zbarimg >/dev/null; then
      got=$(zbarimg -q --raw "$png")
      [ "$got" = "$code" ] || { echo "FAIL: zbarimg read '$got' from $v at $w dots, want '$code'"; exit 1; }
      n=$((n+1))
    fi
  done
done
echo "ok: $n decodes matched the voucher codes"
