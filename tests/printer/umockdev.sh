#!/bin/bash
# Runs a program against a replayed USB printer.
# usage: umockdev.sh DIR IOCTL EXPECT_RC PROGRAM ARGS...  (DIR holds printer.umockdev)
# Output of the program must then match the grep pattern in $UMOCKDEV_EXPECT, if set.
set -u
DIR=$1 IOCTL=$2 WANT=$3; shift 3
command -v umockdev-run >/dev/null || { echo "umockdev-run not installed: skipped"; exit 77; }
# umockdev preloads its own library; an ASan build must accept not coming first.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
OUT=$(umockdev-run -d "$DIR/printer.umockdev" -i "/dev/bus/usb/001/002=$DIR/$IOCTL" -- "$@" 2>&1)
RC=$?
echo "$OUT"
[ "$RC" -eq "$WANT" ] || { echo "FAIL: exit $RC, want $WANT"; exit 1; }
if [ -n "${UMOCKDEV_EXPECT:-}" ]; then
  echo "$OUT" | grep -Eq "$UMOCKDEV_EXPECT" || { echo "FAIL: output lacks /$UMOCKDEV_EXPECT/"; exit 1; }
fi
exit 0
