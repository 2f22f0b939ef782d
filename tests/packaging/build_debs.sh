#!/bin/sh
# Fixture: build both .deb files from this build tree with cpack into OUT
# (what `cmake --build BUILD --target package` does, minus the rebuild).
# Usage: build_debs.sh SOURCE_DIR BUILD_DIR OUT [VERSION]
set -u
src=$1 build=$2 out=$3 version=${4:-}
. "$src/tests/packaging/pkg_lib.sh"
pkg_skip_unless_packagable "$build"
command -v cpack >/dev/null 2>&1 || { echo "SKIP: no cpack"; exit 77; }
rm -rf "$out"
mkdir -p "$out" || exit 1
set -- -G DEB --config "$build/CPackConfig.cmake" -B "$out"
[ -n "$version" ] && set -- "$@" -R "$version"
if ! cpack "$@" > "$out/cpack.log" 2>&1; then
  cat "$out/cpack.log"
  echo "FAIL: cpack"
  exit 1
fi
ls -l "$out"/*.deb
