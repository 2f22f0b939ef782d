#!/bin/sh
# Opt-in (KIOSK_DEBOOTSTRAP=1 or KIOSK_LONG=1; needs root, debootstrap and the
# machine's configured Debian mirror): in a fresh Debian 12 root, install both
# packages, check user, modes and `kiosk --version` / `kiosk --check-config`
# as the kiosk user. Then the installed binaries make real state: the
# installed kiosk-central --demo (from the packaged central.conf) lets the
# installed kiosk, headless as the kiosk user, sign a member in; the central
# is stopped and the member redeems an offline gift, so /var/lib/kiosk holds
# a pending redemption (and its print record) in outbox.sqlite, and, as the
# printer file cannot be opened, the voucher owed in print-journal.sqlite.
# Upgrade to a higher-versioned rebuild with a local config edit: the same
# rows, idempotency keys, states and voucher codes are still there, also
# after the upgraded kiosk has opened the state and failed to deliver again.
# Remove (state kept), purge (state, config and statoverride gone). The
# databases are read with the host's sqlite3 on copies, never in place. The
# minbase root is cached as a tarball in WORK so later runs skip debootstrap.
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
cpid=
cleanup() {
  [ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
  umount "$root/proc" 2>/dev/null
  rm -rf "$root"
}
trap cleanup EXIT
cleanup

command -v sqlite3 >/dev/null 2>&1 || { echo "SKIP: no sqlite3 on the host"; exit 77; }
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
[ "$(in_root stat -c '%a %U:%G' /etc/kiosk-central/central.conf)" = "600 root:root" ] ||
  fail "/etc/kiosk-central/central.conf is $(in_root stat -c '%a %U:%G' /etc/kiosk-central/central.conf)"

# snapshot NAME: the queue's and the journal's rows (id, kind, member,
# idempotency key, state, body; voucher code, txn, member, state, voucher)
# from copies of the databases, in $work/NAME.txt.
snapshot() {
  rm -rf "$work/snap" && mkdir -p "$work/snap" || fail "snapshot dir"
  cp -p "$root"/var/lib/kiosk/outbox.sqlite* "$root"/var/lib/kiosk/print-journal.sqlite* \
    "$work/snap/" || fail "copy the state databases"
  { sqlite3 -separator ' | ' "$work/snap/outbox.sqlite" \
      'SELECT id, kind, member_id, idem_key, state, body FROM txn ORDER BY id' &&
    sqlite3 -separator ' | ' "$work/snap/print-journal.sqlite" \
      'SELECT code, txn_id, member_id, state, voucher FROM voucher ORDER BY id'
  } >"$work/$1.txt" || fail "read the state databases"
}

step "a real pending queue and owed voucher, made by the installed binaries"
started=$(date +%s)
# The demo printer is file:/var/lib/kiosk/printer/voucher: a folder there
# makes every print fail, so the voucher stays owed in the journal.
in_root install -d -o kiosk -g kiosk -m 0700 /var/lib/kiosk/printer /var/lib/kiosk/printer/voucher ||
  fail "printer folder"
chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin LC_ALL=C.UTF-8 kiosk-central \
  --config /etc/kiosk-central/central.conf --demo --listen 127.0.0.1:0 --db /tmp/central.db \
  >"$work/central.out" 2>"$work/central.err" &
cpid=$!
i=0
until grep -q '^listening on ' "$work/central.out"; do
  i=$((i + 1))
  [ $i -gt 600 ] && { cat "$work/central.err"; fail "kiosk-central did not start in the root"; }
  kill -0 "$cpid" 2>/dev/null || { cat "$work/central.err"; fail "kiosk-central exited in the root"; }
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/central.out")
cat >"$root/tmp/redeem.script" <<EOS
press demo-member-3
expect member
press btn-catalog
expect catalog
press item-G003
expect item
wait 1500
press btn-confirm
expect result
wait 4000
EOS
rm -f "$root/tmp/widgets.txt"
# kiosk_run SCRIPT CENTRAL_URL: the installed kiosk, headless, as the kiosk
# user, on the real state directory.
kiosk_run() {
  in_root runuser -u kiosk -- env KIOSK_WIDGET_DUMP=/tmp/widgets.txt SDL_VIDEODRIVER=dummy \
    kiosk --demo --central "$2" --state-dir /var/lib/kiosk --script "$1" >>"$work/kiosk.log" 2>&1
}
kiosk_run /tmp/redeem.script "$url" &
kpid=$!
# The member is on the gift's page: the central goes away before the confirm.
i=0
until head -n 1 "$root/tmp/widgets.txt" 2>/dev/null | grep -q '^screen item'; do
  i=$((i + 1))
  [ $i -gt 1200 ] && { cat "$work/kiosk.log"; fail "the kiosk never reached the gift's page"; }
  kill -0 "$kpid" 2>/dev/null || { cat "$work/kiosk.log"; fail "the kiosk exited early"; }
  sleep 0.05
done
kill "$cpid"; wait "$cpid" 2>/dev/null; cpid=
wait "$kpid" || { tail -n 30 "$work/kiosk.log"; fail "kiosk script in the root"; }
grep -q 'kept in the print journal' "$work/kiosk.log" || { tail -n 30 "$work/kiosk.log"; fail "no owed voucher"; }
snapshot before
grep -q '^[0-9]* | 0 | M100003 | [0-9a-f]\{32\} | 0 | ' "$work/before.txt" ||
  { cat "$work/before.txt"; fail "no pending redemption of M100003 in the queue"; }
grep -q '^KV1\.[^ ]* | [0-9]* | M100003 | [03] | ' "$work/before.txt" ||
  { cat "$work/before.txt"; fail "no owed voucher of M100003 in the journal"; }
code=$(sed -n 's/^\(KV1\.[^ ]*\) | .*/\1/p' "$work/before.txt" | head -n 1)
in_root runuser -u kiosk -- kiosk-print --journal /var/lib/kiosk --list >"$work/owed-before.txt" 2>&1 ||
  fail "kiosk-print --list: $(cat "$work/owed-before.txt")"
grep -q "^$code " "$work/owed-before.txt" || fail "kiosk-print does not list $code: $(cat "$work/owed-before.txt")"
echo "   $(grep -c '^[0-9]' "$work/before.txt") queued, voucher $code owed ($(($(date +%s) - started)) s)"

step "a local config edit, then upgrade to $v2"
in_root sed -i 's/^id = .*/id = kiosk-upgrade-test/' /etc/kiosk/kiosk.conf
in_root apt-get install -y -q -o Dpkg::Options::=--force-confold /debs/v2/kiosk_"$v2"_amd64.deb \
  /debs/v2/kiosk-central_"$v2"_amd64.deb >> "$work/apt.log" 2>&1 ||
  { tail -n 30 "$work/apt.log"; fail "upgrade to $v2"; }
[ "$(in_root dpkg-query -W -f='${Version}' kiosk)" = "$v2" ] || fail "kiosk not at $v2 after upgrade"
snapshot after-upgrade
cmp -s "$work/before.txt" "$work/after-upgrade.txt" ||
  { diff "$work/before.txt" "$work/after-upgrade.txt"; fail "the upgrade changed the queue or the journal"; }
[ "$(in_root stat -c '%a %U:%G' /var/lib/kiosk)" = "700 kiosk:kiosk" ] || fail "upgrade changed /var/lib/kiosk"
in_root grep -q '^id = kiosk-upgrade-test' /etc/kiosk/kiosk.conf || fail "upgrade lost the config edit"
[ "$(in_root stat -c '%a %U:%G' /etc/kiosk/kiosk.conf)" = "640 root:kiosk" ] || fail "upgrade reset config mode"
in_root runuser -u kiosk -- kiosk --check-config || fail "check-config after upgrade"
# The upgraded kiosk opens (migrates, recovers) the same state and fails to
# deliver again: the rows, keys and states are the same.
printf 'wait 2500\n' >"$root/tmp/wait.script"
kiosk_run /tmp/wait.script http://127.0.0.1:9 || { tail -n 30 "$work/kiosk.log"; fail "upgraded kiosk on the kept state"; }
snapshot after-run
cmp -s "$work/before.txt" "$work/after-run.txt" ||
  { diff "$work/before.txt" "$work/after-run.txt"; fail "the upgraded kiosk lost or changed queued rows"; }
in_root runuser -u kiosk -- kiosk-print --journal /var/lib/kiosk --list >"$work/owed-after.txt" 2>&1 ||
  fail "kiosk-print --list after upgrade"
grep -q "^$code " "$work/owed-after.txt" || fail "voucher $code no longer owed after the upgrade"

step "remove keeps state and config; purge removes them"
in_root apt-get remove -y -q kiosk kiosk-central >> "$work/apt.log" 2>&1 || fail "remove"
in_root test -s /var/lib/kiosk/outbox.sqlite || fail "remove deleted the queue"
in_root test -s /var/lib/kiosk/print-journal.sqlite || fail "remove deleted the print journal"
in_root test -f /etc/kiosk/kiosk.conf || fail "remove deleted the config"
in_root test -e /usr/bin/kiosk && fail "remove left /usr/bin/kiosk"
in_root apt-get purge -y -q kiosk kiosk-central >> "$work/apt.log" 2>&1 || fail "purge"
in_root test -e /var/lib/kiosk && fail "purge left /var/lib/kiosk"
in_root test -e /etc/kiosk && fail "purge left /etc/kiosk"
in_root test -e /etc/kiosk-central && fail "purge left /etc/kiosk-central"
in_root dpkg-statoverride --list /etc/kiosk/kiosk.conf && fail "purge left the statoverride"
echo "ok: install, upgrade $v1 -> $v2 keeping the pending queue and owed voucher $code, remove, purge"
