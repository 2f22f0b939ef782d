#!/bin/sh
# The two packages hold the right files with the right modes, mark the config
# files as conffiles, carry the Depends worked out from the binaries, and the
# binaries look for assets where the package puts them.
# Usage: deb_contents.sh SOURCE_DIR BUILD_DIR OUT
set -u
src=$1 build=$2 out=$3
. "$src/tests/packaging/pkg_lib.sh"
pkg_skip_unless_packagable "$build"
kiosk=$(pkg_deb "$out" kiosk) || exit 1
central=$(pkg_deb "$out" kiosk-central) || exit 1
version=$(pkg_cache "$build" KIOSK_PACKAGE_VERSION)
fail=0
bad() { echo "FAIL: $*"; fail=1; }

case $(basename "$kiosk") in "kiosk_${version}_amd64.deb") ;; *) bad "kiosk package named $(basename "$kiosk")" ;; esac
case $(basename "$central") in "kiosk-central_${version}_amd64.deb") ;; *) bad "central package named $(basename "$central")" ;; esac

# has DEB MODE OWNER PATH: dpkg-deb -c lists PATH with that mode and owner.
has() {
  dpkg-deb -c "$1" | awk -v m="$2" -v o="$3" -v p="./$4" '
    $6 == p { found = 1; if ($1 != m || $2 != o) { print "  " $1 " " $2 " " $6; exit 2 } }
    END { exit found ? 0 : 1 }'
  case $? in 0) ;; 1) bad "$(basename "$1"): no $4" ;; *) bad "$(basename "$1"): $4 not $2 $3" ;; esac
}
has "$kiosk" -rwxr-xr-x root/root usr/bin/kiosk
has "$kiosk" -rwxr-xr-x root/root usr/bin/kiosk-print
has "$kiosk" -rwxr-xr-x root/root usr/bin/kiosk-scan
has "$kiosk" -rw-r----- root/root etc/kiosk/kiosk.conf
has "$kiosk" -rw-r--r-- root/root lib/systemd/system/kiosk.service
has "$kiosk" -rw-r--r-- root/root lib/udev/rules.d/60-kiosk.rules
has "$kiosk" -rw-r--r-- root/root usr/share/man/man1/kiosk.1.gz
has "$kiosk" -rw-r--r-- root/root usr/share/man/man1/kiosk-print.1.gz
has "$kiosk" -rw-r--r-- root/root usr/share/man/man1/kiosk-scan.1.gz
has "$kiosk" -rw-r--r-- root/root usr/share/doc/kiosk/copyright
has "$kiosk" -rw-r--r-- root/root usr/share/doc/kiosk/examples/cage.conf
has "$kiosk" -rw-r--r-- root/root usr/share/kiosk/theme/theme.ini
for po in "$src"/assets/i18n/*/*.po; do
  rel=${po#"$src"/assets/}
  has "$kiosk" -rw-r--r-- root/root "usr/share/kiosk/$rel"
done
has "$central" -rwxr-xr-x root/root usr/bin/kiosk-central
has "$central" -rw-r--r-- root/root lib/systemd/system/kiosk-central.service
has "$central" -rw------- root/root etc/kiosk-central/central.conf
has "$central" -rw-r--r-- root/root usr/share/man/man8/kiosk-central.8.gz
for img in "$src"/central/assets/items/*.png; do
  has "$central" -rw-r--r-- root/root "usr/share/kiosk/central/items/$(basename "$img")"
done
# Each binary lives in exactly one package.
dpkg-deb -c "$kiosk" | grep -q 'usr/bin/kiosk-central' && bad "kiosk ships kiosk-central"
dpkg-deb -c "$central" | grep -q 'usr/bin/kiosk$' && bad "kiosk-central ships kiosk"

[ "$(dpkg-deb --info "$kiosk" conffiles)" = /etc/kiosk/kiosk.conf ] || bad "kiosk conffiles: $(dpkg-deb --info "$kiosk" conffiles)"
[ "$(dpkg-deb --info "$central" conffiles)" = /etc/kiosk-central/central.conf ] || bad "central conffiles"

deps=$(dpkg-deb -f "$kiosk" Depends)
for d in fonts-noto-cjk libsdl2-2.0-0 libsdl2-ttf-2.0-0 libsdl2-image-2.0-0 libzbar0 \
    libusb-1.0-0 libcurl4 libsodium23 libqrencode4 libjansson4 libinih1 libc6; do
  printf '%s\n' "$deps" | tr ',' '\n' | grep -q "^ *$d\( \|$\)" || bad "kiosk Depends lacks $d: $deps"
done
cdeps=$(dpkg-deb -f "$central" Depends)
for d in libmicrohttpd12 libsqlite3-0 libsodium23 libjansson4 libc6; do
  printf '%s\n' "$cdeps" | tr ',' '\n' | grep -q "^ *$d\( \|$\)" || bad "kiosk-central Depends lacks $d: $cdeps"
done
printf '%s\n' "$cdeps" | grep -q libsdl2 && bad "kiosk-central needlessly depends on SDL: $cdeps"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$kiosk" "$tmp/k"
dpkg-deb -e "$kiosk" "$tmp/k/DEBIAN"
for s in postinst prerm postrm; do
  [ -x "$tmp/k/DEBIAN/$s" ] || bad "kiosk $s missing or not executable"
  sh -n "$tmp/k/DEBIAN/$s" || bad "kiosk $s: shell syntax"
done
grep -q 'dpkg-statoverride --update --add root kiosk 0640 /etc/kiosk/kiosk.conf' "$tmp/k/DEBIAN/postinst" ||
  bad "postinst does not give kiosk.conf to group kiosk"
# The server's unit takes its secrets from the file, never as flags.
dpkg-deb -x "$central" "$tmp/c"
unit=$tmp/c/lib/systemd/system/kiosk-central.service
grep -q '^LoadCredential=central.conf:/etc/kiosk-central/central.conf$' "$unit" ||
  bad "kiosk-central.service does not load central.conf as a credential"
grep -q '^ExecStart=.*--config %d/central.conf' "$unit" || bad "kiosk-central.service ExecStart lacks --config"
grep -q -e '--kiosk' -e '--staff' -e '--signing-seed' -e EnvironmentFile "$unit" &&
  bad "kiosk-central.service passes secrets on the command line"
# Assets path compiled into the binaries = where the package installs them.
grep -aq '/usr/share/kiosk' "$tmp/k/usr/bin/kiosk-print" || bad "kiosk-print does not look in /usr/share/kiosk"
[ -d "$tmp/k/usr/share/kiosk/i18n/zh_CN" ] || bad "no /usr/share/kiosk/i18n/zh_CN"
"$tmp/k/usr/bin/kiosk" --version | grep -q "^kiosk " || bad "packaged kiosk --version"
# Stripped: no .symtab left.
if command -v readelf >/dev/null 2>&1; then
  readelf -S "$tmp/k/usr/bin/kiosk" | grep -q '\.symtab' && bad "kiosk is not stripped"
fi
[ $fail -eq 0 ] && echo "ok: $(basename "$kiosk") $(basename "$central")"
exit $fail
