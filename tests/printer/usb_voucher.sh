#!/bin/bash
# A whole raster voucher (about 80 kB) through the USB path under umockdev,
# byte for byte. The expected bytes are the file transport's output of the
# same voucher, made at test time; the .ioctl script is generated from them:
# the status reads before the job (DLE EOT 1..4), one bulk OUT URB per write
# the driver makes (prn_usb.c writes USB_CHUNK = 4096 bytes at a time, and
# USBDEVFS_GET_CAPABILITIES FD000000 keeps libusb from splitting them), then
# the status reads after it. umockdev fails any OUT transfer whose bytes
# differ, so a pass means every byte of the job reached the printer in order.
# usage: usb_voucher.sh KIOSK_PRINT UMOCKDEV_DIR DATA_DIR CASE
#   full   the job prints; kiosk-print reports it checked the status after
#   stall  the printer stalls halfway through the voucher: the job fails
#          naming how far it got, the print journal keeps the voucher failed
#          and its next print carries 重印 / REPRINT
set -u
KP=$1 UMD=$2 DATA=$3 CASE=$4
CHUNK=4096 # USB_CHUNK in drivers/printer/prn_usb.c
command -v umockdev-run >/dev/null || { echo "umockdev-run not installed: skipped"; exit 77; }
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
V=$DATA/gift.json
CODE=$(sed -n 's/.*"voucher_code": *"\([^"]*\)".*/\1/p' "$V")

"$KP" --printer "file:$W/job.bin" --voucher "$V" >/dev/null || fail "kiosk-print to a file"
LEN=$(stat -c %s "$W/job.bin")
NCHUNK=$(( (LEN + CHUNK - 1) / CHUNK ))
[ "$NCHUNK" -ge 4 ] || fail "a raster voucher of $LEN bytes is not a multi-URB job"

status_reads() { # DLE EOT 1..4, each answered "ready" (0x12)
  for n in 1 2 3 4; do
    echo "USBDEVFS_REAPURBNDELAY 0 3 1 0 0 3 3 0 10040$n"
    echo " USBDEVFS_REAPURBNDELAY 0 3 130 0 0 64 1 0 12"
  done
}
# chunk I as one OUT line; with STATUS/ACTUAL given, the device ends it so
chunk_line() {
  local i=$1 st=${2:-0} hex len
  hex=$(tail -c +$(( i * CHUNK + 1 )) "$W/job.bin" | head -c $CHUNK | od -An -v -tx1 | tr -d " \n" | tr a-f A-F)
  len=$(( ${#hex} / 2 ))
  echo "USBDEVFS_REAPURBNDELAY 0 3 1 $st 0 $len ${3:-$len} 0 $hex"
}

IOCTL=$W/voucher.ioctl
{
  echo "@DEV /dev/bus/usb/001/002"
  echo "USBDEVFS_GET_CAPABILITIES 0 FD000000"
  status_reads
  case $CASE in
  full)
    for ((i = 0; i < NCHUNK; i++)); do chunk_line $i; done
    status_reads ;;
  stall)
    STALL_AT=$(( NCHUNK / 2 )) HALF=$(( CHUNK / 2 ))
    for ((i = 0; i < STALL_AT; i++)); do chunk_line $i; done
    chunk_line $STALL_AT -32 $HALF ;;
  *) fail "unknown case $CASE" ;;
  esac
} > "$IOCTL"

run_usb() { umockdev-run -d "$UMD/printer.umockdev" -i "/dev/bus/usb/001/002=$IOCTL" -- "$KP" "$@" 2>&1; }

case $CASE in
full)
  OUT=$(run_usb --printer usb:04b8:0202 --voucher "$V"); RC=$?
  echo "$OUT"
  [ $RC -eq 0 ] || fail "exit $RC"
  [ "$OUT" = "printed $LEN bytes to usb:04b8:0202 (status checked)" ] || fail "unexpected output"
  echo "ok: $LEN bytes in $NCHUNK URBs, framed by status reads, matched byte for byte" ;;
stall)
  SENT=$(( STALL_AT * CHUNK + HALF ))
  OUT=$(run_usb --journal "$W/state" --printer usb:04b8:0202 --voucher "$V"); RC=$?
  echo "$OUT"
  [ $RC -eq 1 ] || fail "exit $RC, want 1"
  echo "$OUT" | grep -q "stalled during a job ($SENT of $LEN bytes sent)" ||
    fail "the message does not say the job stalled after $SENT of $LEN bytes"
  echo "$OUT" | grep -q "voucher $CODE is failed in the journal" || fail "journal state"
  LIST=$("$KP" --journal "$W/state" --list) || fail "--list"
  echo "$LIST"
  echo "$LIST" | grep -q "^$CODE failed attempts=1 next=重印" || fail "the voucher is not owed as 重印"
  # the reprint the journal owes goes out (to a file here) with the banner
  RE=$("$KP" --journal "$W/state" --printer "file:$W/re.bin" --reprint "$CODE") || fail "reprint"
  echo "$RE"
  echo "$RE" | grep -q "as 重印 / REPRINT" || fail "the reprint does not carry 重印"
  cmp -s "$W/re.bin" "$W/job.bin" && fail "the reprint is the same slip as the first print"
  echo "ok: stalled after $SENT of $LEN bytes; the journal reprinted it as 重印" ;;
esac
exit 0
