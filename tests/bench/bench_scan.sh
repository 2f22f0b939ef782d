#!/bin/sh
# Scanner benchmark: builds the corpus, runs bench_scan (ours vs plain zbar,
# decode only, in-process), then zbarimg and ZXingReader on the same files
# (whole process per image: their detection rate is comparable, their times
# include start-up and PNG decoding). Prints figures; asserts nothing.
#   bench_scan.sh BENCH_SCAN MAKE_CORPUS OUTDIR [N] [REPEAT]
set -u
BENCH=${1:?usage: bench_scan.sh BENCH_SCAN MAKE_CORPUS OUTDIR [N] [REPEAT]}
MK=${2:?usage}
OUT=${3:?usage}
N=${4:-4}
REPEAT=${5:-3}
rm -rf "$OUT"
sh "$MK" "$OUT" "$N" || exit $?
"$BENCH" "$OUT/manifest.tsv" "$REPEAT" ${BENCH_SCAN_ALL:+--all} || exit 1

# tool NAME CMD...: CMD prints the payload (or nothing) for one image.
tool() {
  name=$1
  shift
  command -v "$1" >/dev/null 2>&1 || { echo "$name: not installed"; return 0; }
  start=$(date +%s%N)
  while IFS="$(printf '\t')" read -r cat file expect; do
    got=$("$@" "$file" 2>/dev/null)
    printf '%s\t%s\t%s\n' "$cat" "$expect" "${got:--}"
  done <"$OUT/manifest.tsv" >"$OUT/$name.tsv"
  end=$(date +%s%N)
  awk -F'\t' -v name="$name" -v ms="$(( (end - start) / 1000000 ))" '
    { tot[$1]++; if ($2 == $3) ok[$1]++; if ($2 != "-") { coded++; if ($2 == $3) good++ } }
    END { printf "%-22s", name; n = 0
          for (c in tot) printf " %s=%.0f", c, 100 * ok[c] / tot[c]
          printf " | %.1f%% | %.1f ms per image, whole process\n", 100 * good / coded, ms / NR }' \
    "$OUT/$name.tsv"
}
zbarimg_one() { zbarimg -q --raw "$1" | head -n 1; }  # its defaults
zxing_one() { ZXingReader -format QRCode -bytes "$1"; }
echo "external tools (same frames):"
tool zbarimg zbarimg_one
tool ZXingReader zxing_one
