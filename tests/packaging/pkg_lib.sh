# Shared by the packaging tests (sourced). pkg_skip_unless_packagable BUILD:
# packages come only from a release build configured with
# -DCMAKE_INSTALL_PREFIX=/usr (the binaries look for their assets under the
# prefix they were built with; a sanitizer build links libasan).
pkg_cache() { sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt"; }

pkg_skip_unless_packagable() {
  command -v dpkg-deb >/dev/null 2>&1 || { echo "SKIP: no dpkg-deb"; exit 77; }
  prefix=$(pkg_cache "$1" CMAKE_INSTALL_PREFIX)
  if [ "$prefix" != /usr ]; then
    echo "SKIP: $1 is configured with CMAKE_INSTALL_PREFIX=$prefix; packages need -DCMAKE_INSTALL_PREFIX=/usr"
    exit 77
  fi
  case $(pkg_cache "$1" KIOSK_SANITIZE) in
  ON | on | 1 | TRUE | true) echo "SKIP: sanitizer build; packages come from the release build"; exit 77 ;;
  esac
}

# pkg_deb OUT NAME: the newest NAME_*.deb in OUT, or fail.
pkg_deb() {
  f=$(ls -t "$1/$2"_*_*.deb 2>/dev/null | head -n 1)
  [ -n "$f" ] || { echo "FAIL: no $2_*.deb in $1 (did packaging_builds_kiosk_and_central_debs run?)"; exit 1; }
  printf '%s\n' "$f"
}
