#!/bin/sh
# `systemd-analyze security --offline=yes` exposure of every unit in systemd/
# must be at most 3.0 (systemd's own scale: 0 = locked down, 10 = exposed).
# Usage: units_security.sh SOURCE_DIR [MAX]
set -u
src=$1 max=${2:-3.0}
command -v systemd-analyze >/dev/null 2>&1 || { echo "SKIP: no systemd-analyze"; exit 77; }
systemd-analyze security --help 2>/dev/null | grep -q -- '--offline' ||
  { echo "SKIP: systemd-analyze security has no --offline (systemd < 250)"; exit 77; }

fail=0
for unit in "$src"/systemd/*.service; do
  name=$(basename "$unit")
  out=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1)
  level=$(printf '%s\n' "$out" | sed -n "s/.*Overall exposure level for $name: \([0-9.]*\).*/\1/p")
  if [ -z "$level" ]; then
    echo "FAIL: $name: no exposure level in systemd-analyze output:"
    printf '%s\n' "$out" | tail -n 5
    fail=1
  elif awk -v l="$level" -v m="$max" 'BEGIN { exit !(l > m) }'; then
    echo "FAIL: $name: exposure $level > $max; the open items:"
    printf '%s\n' "$out" | grep '✗'
    fail=1
  else
    echo "ok: $name exposure $level (limit $max)"
  fi
done
exit $fail
