#!/bin/sh
# Every flag a program's --help names is documented in its man page, so the
# pages cannot fall behind the programs.
# Usage: man_flags.sh SOURCE_DIR BUILD_DIR
set -u
src=$1 build=$2
fail=0
for pair in kiosk:kiosk.1 kiosk-central:kiosk-central.8 kiosk-print:kiosk-print.1 kiosk-scan:kiosk-scan.1; do
  prog=${pair%%:*} page=$src/packaging/man/${pair#*:}
  [ -x "$build/$prog" ] || { echo "FAIL: $build/$prog not built"; fail=1; continue; }
  flags=$("$build/$prog" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u)
  [ -n "$flags" ] || { echo "FAIL: $prog --help names no flags"; fail=1; continue; }
  # troff escapes the dashes: --foo-bar is written \-\-foo\-bar.
  text=$(sed 's/\\-/-/g' "$page")
  for f in $flags; do
    printf '%s\n' "$text" | grep -q -- "$f" || { echo "FAIL: $prog $f is not in ${page#"$src"/}"; fail=1; }
  done
done
[ $fail -eq 0 ] && echo "every --help flag is in its man page"
exit $fail
