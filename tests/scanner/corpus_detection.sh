#!/bin/sh
# Detection rate per corpus category through kiosk-scan (the kiosk's decode
# path). Prints every category's rate; fails when a category the scanner
# issue demands at 100% (clean, small, rotated, inverted, lowcontrast) is
# below it, when a frame without a code yields one, or when a read payload
# differs from the one encoded. Other categories are recorded, not asserted.
set -u
BIN=${1:?usage: corpus_detection.sh KIOSK_SCAN MAKE_CORPUS [N]}
MK=${2:?usage}
N=${3:-6}
T=$(mktemp -d "${TMPDIR:-/tmp}/scan-corpus.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
sh "$MK" "$T" "$N" || exit $?
cut -f2 "$T/manifest.tsv" | xargs "$BIN" >"$T/out" || { echo "kiosk-scan failed"; exit 1; }
# kiosk-scan escapes control bytes; no corpus payload has any.
awk -F'\t' '
  NR == FNR { got[$1] = $2; next }
  { cat = $1; tot[cat]++
    if ($3 == "-") { if (got[$2] == "-") ok[cat]++; else { fp++; print "false positive: " $2 } }
    else if (got[$2] == $3) ok[cat]++
    else if (got[$2] != "-") { wrong++; print "wrong payload: " $2 } }
  END {
    split("clean small rotated inverted lowcontrast", must, " ")
    for (i in must) need[must[i]] = 1
    bad = 0
    for (c in tot) {
      printf "%-12s %3d/%-3d %5.1f%%%s\n", c, ok[c], tot[c], 100 * ok[c] / tot[c], (c in need) ? "  (must be 100%)" : ""
      if ((c in need) && ok[c] < tot[c]) bad = 1
    }
    exit (bad || fp || wrong) ? 1 : 0
  }' "$T/out" "$T/manifest.tsv"
