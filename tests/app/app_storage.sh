#!/bin/sh
# A full or read-only state directory (issue 4), through the real kiosk
# against the real central, the state dir on its own small file system in a
# private mount namespace (unshare -m: nothing leaks to the host):
#   startup-ro    tmpfs read-only at start: the kiosk starts out of service
#                 (storage screen, zh + en), logs the directory and EROFS,
#                 refuses a scan, and goes back into service by itself once
#                 the file system is writable again.
#   startup-full  tmpfs full at start: the same with ENOSPC.
#   midrun-full   a gold member redeems once (accepted); the disk fills while
#                 the member is on the next item; that redemption is not
#                 saved and the result screen says why (disk full, no points
#                 taken); staff see it on the admin screen; space comes back,
#                 the kiosk serves again, a redemption goes through; the
#                 queue file passes PRAGMA integrity_check and holds exactly
#                 the two accepted redemptions, as does the central.
#   midrun-ro     the same on ext4 in a loop device turned read-only under
#                 the kiosk (trigger_fs_error with errors=remount-ro, what a
#                 failing disk does); afterwards the file system is mounted
#                 again, the queue passes integrity_check and a new kiosk
#                 serves from it. Skipped (said so) without loop devices.
#
#   app_storage.sh MODE KIOSK CENTRAL OUTDIR
#   MODE: startup (cases 1 and 2) | midrun-full (3) | midrun-ro (4)
# Needs root and mount namespaces; exits 77 without them. Waits are bounded
# for liveness only.
set -u
mode=$1 kiosk=$2 central=$3 out=$4

if [ -z "${KIOSK_STORAGE_NS:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "skipped: needs root for mount(8)"; exit 77; }
  unshare -m true 2>/dev/null || { echo "skipped: no mount namespaces here"; exit 77; }
  KIOSK_STORAGE_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi

. "$(dirname "$0")/lib.sh"
lib_init "$out"
# The state dir's mount goes before lib.sh removes the scratch folder.
trap 'umount -l "$work/state" 2>/dev/null; lib_cleanup' EXIT INT TERM
command -v sqlite3 >/dev/null || { echo "skipped: no sqlite3"; exit 77; }
start_central
state=$work/state
mkdir -p "$state"
export KIOSK_STORAGE_PROBE_MS=250

# The kiosk in the background running SCRIPT; its log goes to $log.
kiosk_bg() {
  touch "$log"
  since=$(($(wc -l <"$log") + 1)) # this run's log starts there (logged_ below)
  dump=$work/widgets.txt
  rm -f "$dump"
  echo "=== $1" >>"$log"
  KIOSK_WIDGET_DUMP=$dump SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" \
    --state-dir "$state" --script "$1" >/dev/null 2>>"$log" &
  kpid=$!
}
kiosk_wait() {
  wait "$kpid" || { tail -40 "$log" >&2; fail "kiosk script $1 failed"; }
  kpid=
}
logged_() { tail -n "+$since" "$log" | grep -q "$1"; }
on_screen() { head -1 "$dump" 2>/dev/null | grep -q "^screen $1\$"; }
mount_tmpfs() { mount -t tmpfs -o "size=$1,mode=0700" tmpfs "$state" || fail "mount tmpfs"; }
fill() {
  dd if=/dev/zero of="$state/filler" bs=4096 2>/dev/null
  sync
}
unmount_state() { umount -l "$state" 2>/dev/null; }
pin='press pin-2
press pin-5
press pin-8
press pin-0
press pin-ok'

# The out-of-service screen in both languages, a refused scan, then back in
# service once the shell has cleared the fault (after the second shot).
startup_script() { # NAME
  cat >"$work/$1.script" <<EOS
wait 1200
scan KM1.refused-while-out-of-service
wait 200
shot $out/$1-zh.png
press lang-toggle
wait 400
shot $out/$1-en.png
press lang-toggle
wait 3000
expect attract
shot $out/$1-recovered.png
EOS
}

startup_case() { # NAME CAUSE ERRNO
  startup_script "$1"
  kiosk_bg "$work/$1.script"
  wait_for "$1: no storage screen" on_screen storage
  wait_for "$1: no English shot" test -s "$out/$1-en.png"
  case $1 in
    startup-ro) mount -o remount,rw "$state" || fail "remount rw" ;;
    startup-full) rm -f "$state/filler" ;;
  esac
  kiosk_wait "$1"
  grep -q "state dir $state unusable: $2 ($3)" "$log" ||
    { tail -30 "$log" >&2; fail "$1: no clear start-up error naming $state and $3"; }
  grep -q "scan refused: out of service" "$log" || fail "$1: scan not refused"
  grep -q "state dir $state usable again: queue open, back in service" "$log" ||
    fail "$1: did not go back into service"
  for s in zh en recovered; do not_blank "$out/$1-$s.png"; done
}

if [ "$mode" = startup ]; then
# 1. Read-only at start.
mount_tmpfs 4m
mount -o remount,ro "$state" || fail "remount ro"
startup_case startup-ro read-only EROFS
unmount_state

# 2. Full at start.
mount_tmpfs 1m
fill
startup_case startup-full "disk full" ENOSPC
unmount_state
echo "ok: storage faults at start-up"
exit 0
fi

# Mid-run: a redemption accepted, then a fault while the member is on the
# next item, the redemption not saved, the admin screen, recovery (when
# RECOVER is 1), one more redemption.
midrun_script() { # NAME RECOVER
  {
    cat <<EOS
press demo-member-3
expect member
press btn-catalog
expect catalog
press item-G001
expect item
press btn-confirm
expect result
wait 1500
shot $out/$1-first.png
press btn-done
expect member
press btn-catalog
expect catalog
press item-G002
expect item
wait 2500
press btn-confirm
expect result
wait 800
shot $out/$1-result-zh.png
press lang-toggle
wait 300
shot $out/$1-result-en.png
press lang-toggle
press btn-exit
wait 800
press admin-gesture
EOS
    echo "$pin"
    cat <<EOS
expect admin
wait 600
shot $out/$1-admin-zh.png
press lang-toggle
wait 300
shot $out/$1-admin-en.png
press lang-toggle
EOS
    if [ "$2" = 1 ]; then
      cat <<EOS
wait 2500
press btn-back
expect attract
press demo-member-3
expect member
press btn-catalog
expect catalog
press item-G001
expect item
press btn-confirm
expect result
wait 1500
shot $out/$1-after.png
EOS
    fi
  } >"$work/$1.script"
}

# Rows of the queue file by kind and state, and its integrity.
queue_check() { # NAME WANT_ACKED_REDEMPTIONS
  db=$state/outbox.sqlite
  ic=$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)
  [ "$ic" = ok ] || fail "$1: outbox integrity_check: $ic"
  n=$(sqlite3 "$db" "SELECT count(*) FROM txn WHERE kind = 0 AND state = 2" 2>&1)
  [ "$n" = "$2" ] || fail "$1: want $2 accepted redemptions in the queue, have $n"
  n=$(sqlite3 "$db" "SELECT count(*) FROM txn WHERE kind = 0 AND state <> 2" 2>&1)
  [ "$n" = 0 ] || fail "$1: $n redemptions in the queue not accepted"
}

if [ "$mode" = midrun-full ]; then
# 3. The disk fills mid-run.
mount_tmpfs 8m
midrun_script midrun-full 1
kiosk_bg "$work/midrun-full.script"
wait_for "midrun-full: first redemption not accepted" logged_ 'redemption [0-9]* accepted'
wait_for "midrun-full: never on the second item" on_screen item
fill
wait_for "midrun-full: no admin screen" on_screen admin
wait_for "midrun-full: no admin shot" test -s "$out/midrun-full-admin-en.png"
rm -f "$state/filler"
kiosk_wait midrun-full
grep -q 'transaction not saved: .*disk full' "$log" ||
  { tail -40 "$log" >&2; fail "midrun-full: the save did not fail on the full disk"; }
grep -q "state dir $state: disk full (ENOSPC)" "$log" || fail "midrun-full: fault not logged"
grep -q "state dir $state usable again: back in service" "$log" ||
  fail "midrun-full: not back in service"
[ "$(grep -c 'redemption [0-9]* accepted' "$log")" -eq 2 ] ||
  fail "midrun-full: want 2 accepted redemptions"
queue_check midrun-full 2
for s in first result-zh result-en admin-zh admin-en after; do
  not_blank "$out/midrun-full-$s.png"
done
unmount_state
echo "ok: the disk filled mid-run"
exit 0
fi

# 4. The file system turns read-only under the kiosk (ext4 on a loop device).
img=$work/ext4.img
if truncate -s 16M "$img" && mkfs.ext4 -q -F "$img" 2>/dev/null &&
  mount -o loop,errors=remount-ro "$img" "$state" 2>/dev/null; then
  dev=$(findmnt -no SOURCE "$state")
  trig=/sys/fs/ext4/${dev##*/}/trigger_fs_error
  if [ -w "$trig" ]; then
    chmod 0700 "$state"
    midrun_script midrun-ro 0
    kiosk_bg "$work/midrun-ro.script"
    wait_for "midrun-ro: first redemption not accepted" logged_ 'redemption [0-9]* accepted'
    wait_for "midrun-ro: never on the second item" on_screen item
    echo "kiosk storage test" >"$trig"
    kiosk_wait midrun-ro
    grep -q 'transaction not saved' "$log" ||
      { tail -40 "$log" >&2; fail "midrun-ro: the save did not fail"; }
    grep -q "state dir $state: read-only (EROFS)" "$log" || fail "midrun-ro: fault not logged"
    # What staff do: mount the file system again (fsck first), restart.
    umount -l "$state"
    e2fsck -fy "$img" >/dev/null 2>&1
    mount -o loop "$img" "$state" || fail "midrun-ro: remount"
    queue_check midrun-ro 1
    cat >"$work/after-ro.script" <<EOS
expect attract
press demo-member-3
expect member
press btn-catalog
expect catalog
press item-G001
expect item
press btn-confirm
expect result
wait 1500
shot $out/midrun-ro-after.png
EOS
    kiosk_bg "$work/after-ro.script"
    kiosk_wait after-ro
    queue_check midrun-ro 2
    for s in first result-zh result-en admin-zh admin-en after; do
      not_blank "$out/midrun-ro-$s.png"
    done
    umount -l "$state"
  else
    echo "skipped: no ext4 trigger_fs_error here"
    umount -l "$state"
    exit 77
  fi
else
  echo "skipped: no loop devices here"; exit 77
fi
echo "ok: the file system turned read-only mid-run"
