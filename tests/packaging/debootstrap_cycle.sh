#!/bin/sh
# Opt-in (KIOSK_DEBOOTSTRAP=1 or KIOSK_LONG=1; needs root, debootstrap and the
# machine's configured Debian mirror): in a fresh Debian 12 root, install both
# packages, check user, modes and `kiosk --version` / `kiosk --check-config`
# as the kiosk user, leave state and a local config edit behind, upgrade to a
# higher-versioned rebuild (both kept), remove (state kept), purge (state,
# config and statoverride gone). The minbase root is cached as a tarball in
# WORK so later runs skip debootstrap.
# Usage: debootstrap_cycle.sh SOURCE_DIR BUILD_DIR WORK
set -u
src=$1 build=$2 work=$3
if [ "${KIOSK_DEBOOTSTRAP:-}" != 1 ] && [ "${KIOSK_LONG:-}" != 1 ]; then
  echo "SKIP: opt-in; set KIOSK_DEBOOTSTRAP=1 (or KIOSK_LONG=1)"
  exit 77
fi
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (chroot, mount)"; exit 77; }
command -v debootstrap >/dev/null 2>&1 || { echo "SKIP: no debootstrap (apt-get install debootstrap)"; exit 77; }
. "$src/tests/packaging/pkg_lib.sh"
pkg_skip_unless_packagable "$build"

# The mirror this machine already uses; no other network.
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
         grep -v security | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
                             /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "SKIP: no Debian mirror configured in /etc/apt"; exit 77; }

mkdir -p "$work" || exit 1
root="$work/root"
cleanup() {
  umount "$root/proc" 2>/dev/null
  rm -rf "$root"
}
trap cleanup EXIT
cleanup

step() { echo "== $*"; }
fail() { echo "FAIL: $*"; exit 1; }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

if [ ! -s "$work/root.tar" ]; then
  step "debootstrap bookworm (minbase) from $mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log"; fail "debootstrap"; }
  tar -C "$root" -cf "$work/root.tar.tmp" . && mv "$work/root.tar.tmp" "$work/root.tar" || fail "cache root"
  rm -rf "$root"
fi
step "fresh root from $work/root.tar"
mkdir -p "$root" && tar -C "$root" -xf "$work/root.tar" || fail "unpack root"
mount -t proc proc "$root/proc" || fail "mount proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Same suites as the host (the build's libraries may come from updates).
if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
  rm -f "$root/etc/apt/sources.list"
  for f in /etc/apt/sources.list.d/*.sources; do
    grep -q 'debian' "$f" && cp "$f" "$root/etc/apt/sources.list.d/"
  done
fi

step "build v1 and a higher-versioned v2"
v1=$(pkg_cache "$build" KIOSK_PACKAGE_VERSION)
v2="$v1+1"
sh "$src/tests/packaging/build_debs.sh" "$src" "$build" "$work/v1" >/dev/null || fail "cpack v1"
sh "$src/tests/packaging/build_debs.sh" "$src" "$build" "$work/v2" "$v2" >/dev/null || fail "cpack v2"
mkdir -p "$root/debs/v1" "$root/debs/v2"
cp "$work/v1"/*.deb "$root/debs/v1/" && cp "$work/v2"/*.deb "$root/debs/v2/" || fail "copy debs"

step "install v1 $v1"
in_root apt-get update -qq > "$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log"; fail "apt-get update in the root"; }
in_root apt-get install -y -q --no-install-recommends /debs/v1/kiosk_"$v1"_amd64.deb \
  /debs/v1/kiosk-central_"$v1"_amd64.deb >> "$work/apt.log" 2>&1 ||
  { tail -n 30 "$work/apt.log"; fail "apt-get install v1"; }

in_root getent passwd kiosk | grep -q ':/var/lib/kiosk:/usr/sbin/nologin$' || fail "no kiosk system user"
[ "$(in_root stat -c '%a %U:%G' /var/lib/kiosk)" = "700 kiosk:kiosk" ] ||
  fail "/var/lib/kiosk is $(in_root stat -c '%a %U:%G' /var/lib/kiosk)"
[ "$(in_root stat -c '%a %U:%G' /etc/kiosk/kiosk.conf)" = "640 root:kiosk" ] ||
  fail "/etc/kiosk/kiosk.conf is $(in_root stat -c '%a %U:%G' /etc/kiosk/kiosk.conf)"
in_root kiosk --version | grep -qx "kiosk $v1" || fail "kiosk --version"
in_root kiosk-central --version | grep -q "^kiosk-central " || fail "kiosk-central --version"
in_root kiosk-print --version >/dev/null || fail "kiosk-print --version"
in_root kiosk-scan --version >/dev/null || fail "kiosk-scan --version"
in_root runuser -u kiosk -- kiosk --check-config || fail "kiosk --check-config as the kiosk user"
in_root runuser -u nobody -- kiosk --check-config >/dev/null 2>&1 && fail "nobody can read the kiosk's secret"
in_root test -f /usr/share/kiosk/i18n/zh_CN/app.po || fail "no translations installed"

step "state and a local config edit, then upgrade to $v2"
in_root runuser -u kiosk -- sh -c 'echo pending-redemption > /var/lib/kiosk/queue-marker' || fail "write state"
in_root sed -i 's/^id = .*/id = kiosk-upgrade-test/' /etc/kiosk/kiosk.conf
in_root apt-get install -y -q -o Dpkg::Options::=--force-confold /debs/v2/kiosk_"$v2"_amd64.deb \
  /debs/v2/kiosk-central_"$v2"_amd64.deb >> "$work/apt.log" 2>&1 ||
  { tail -n 30 "$work/apt.log"; fail "upgrade to $v2"; }
[ "$(in_root dpkg-query -W -f='${Version}' kiosk)" = "$v2" ] || fail "kiosk not at $v2 after upgrade"
[ "$(in_root cat /var/lib/kiosk/queue-marker)" = pending-redemption ] || fail "upgrade lost the state"
in_root grep -q '^id = kiosk-upgrade-test' /etc/kiosk/kiosk.conf || fail "upgrade lost the config edit"
[ "$(in_root stat -c '%a %U:%G' /etc/kiosk/kiosk.conf)" = "640 root:kiosk" ] || fail "upgrade reset config mode"
in_root runuser -u kiosk -- kiosk --check-config || fail "check-config after upgrade"

step "remove keeps state and config; purge removes them"
in_root apt-get remove -y -q kiosk kiosk-central >> "$work/apt.log" 2>&1 || fail "remove"
in_root test -f /var/lib/kiosk/queue-marker || fail "remove deleted the state"
in_root test -f /etc/kiosk/kiosk.conf || fail "remove deleted the config"
in_root test -e /usr/bin/kiosk && fail "remove left /usr/bin/kiosk"
in_root apt-get purge -y -q kiosk kiosk-central >> "$work/apt.log" 2>&1 || fail "purge"
in_root test -e /var/lib/kiosk && fail "purge left /var/lib/kiosk"
in_root test -e /etc/kiosk && fail "purge left /etc/kiosk"
in_root test -e /etc/default/kiosk-central && fail "purge left /etc/default/kiosk-central"
in_root dpkg-statoverride --list /etc/kiosk/kiosk.conf && fail "purge left the statoverride"
echo "ok: install, upgrade $v1 -> $v2 with state kept, remove, purge"
