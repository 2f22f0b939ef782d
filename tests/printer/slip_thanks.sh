#!/bin/bash
# The donation thank-you slip in raster through kiosk-print and the file
# printer (which rebuilds the PNG from the byte stream): at 576 and 384
# dots, zh_CN (with English) and en; the QR decodes to the donation id with
# zbarimg or ZXingReader. The PNGs stay in OUTDIR for a person to look at.
# usage: slip_thanks.sh KIOSK_PRINT DATA_DIR OUTDIR
set -u
KP=$1 DATA=$2 OUT=$3
rm -rf "$OUT"
mkdir -p "$OUT"
code=$(sed -n 's/.*"voucher_code": *"\([^"]*\)".*/\1/p' "$DATA/thanks.json")
[ -n "$code" ] || { echo "FAIL: no voucher_code in thanks.json"; exit 1; }
n=0
for lang in zh_CN en; do
  for w in 576 384; do
    "$KP" --printer "file:$OUT/thanks-$lang-$w.bin" --voucher "$DATA/thanks.json" \
      --width $w --lang $lang >/dev/null || { echo "FAIL: kiosk-print $lang $w"; exit 1; }
    png="$OUT/thanks-$lang-$w.bin.png"
    [ -s "$png" ] || { echo "FAIL: no PNG for $lang at $w dots"; exit 1; }
    if command -v zbarimg >/dev/null; then
      got=$(zbarimg -q --raw "$png")
      [ "$got" = "$code" ] || { echo "FAIL: zbarimg read '$got' at $w dots, want '$code'"; exit 1; }
      n=$((n + 1))
    elif command -v ZXingReader >/dev/null; then
      got=$(ZXingReader "$png" | sed -n 's/^Text: *"\(.*\)"$/\1/p')
      [ "$got" = "$code" ] || { echo "FAIL: ZXingReader read '$got' at $w dots, want '$code'"; exit 1; }
      n=$((n + 1))
    fi
  done
done
[ $n -gt 0 ] || { echo "no QR decoder installed: skipped"; exit 77; }
echo "ok: $n slips, each QR read back as $code"
