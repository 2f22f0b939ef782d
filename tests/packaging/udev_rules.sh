#!/bin/sh
# The udev rule parses and grants what the kiosk needs. `udevadm verify`
# (systemd >= 254) is used when present; Debian 12 lacks it, so a strict
# syntax check of udev's rule grammar runs everywhere (each line: comma-
# separated KEY[{attr}] OP "value"; known keys; GOTO targets exist). The
# checker first proves it rejects a broken line.
# Usage: udev_rules.sh RULES_FILE
set -u
rules=$1
[ -r "$rules" ] || { echo "FAIL: cannot read $rules"; exit 1; }

syntax() { # file -> prints problems, exit 1 if any
  awk '
  function fail(why) { printf "%s:%d: %s: %s\n", FILENAME, NR, why, $0; bad = 1 }
  BEGIN {
    split("ACTION DEVPATH KERNEL KERNELS NAME SYMLINK SUBSYSTEM SUBSYSTEMS DRIVER DRIVERS " \
          "ATTR ATTRS SYSCTL ENV CONST TAG TAGS TEST PROGRAM RESULT OWNER GROUP MODE " \
          "SECLABEL RUN LABEL GOTO IMPORT OPTIONS DEVTYPE", k, " ")
    for (i in k) known[k[i]] = 1
  }
  /^[ \t]*(#|$)/ { next }
  {
    line = $0
    sub(/^[ \t]+/, "", line)
    while (length(line) > 0) {
      if (!match(line, /^[A-Z]+(\{[^}]+\})?[ \t]*(==|!=|\+=|-=|:=|=)[ \t]*"[^"]*"/)) {
        fail("not KEY OP \"value\""); next
      }
      tok = substr(line, 1, RLENGTH)
      line = substr(line, RLENGTH + 1)
      key = tok; sub(/[{ \t=!+:-].*/, "", key)
      if (!(key in known)) { fail("unknown key " key); next }
      val = tok; sub(/^[^"]*"/, "", val); sub(/"$/, "", val)
      if (key == "GOTO") gotos[val] = NR
      if (key == "LABEL") labels[val] = 1
      if (key == "MODE" && val !~ /^0[0-7][0-7][0-7]$/) fail("bad MODE " val)
      sub(/^[ \t]+/, "", line)
      if (line == "") break
      if (substr(line, 1, 1) != ",") { fail("missing comma"); next }
      line = substr(line, 2); sub(/^[ \t]+/, "", line)
      if (line == "") { fail("trailing comma"); next }
    }
  }
  END {
    for (g in gotos) if (!(g in labels)) { printf "%s:%d: GOTO %s has no LABEL\n", FILENAME, gotos[g], g; bad = 1 }
    exit bad
  }' "$1"
}

tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
printf 'SUBSYSTEM=="usb", GROUP="kiosk" MODE="0660"\n' > "$tmp"
if syntax "$tmp" >/dev/null; then echo "FAIL: the checker accepts a rule with a missing comma"; exit 1; fi

fail=0
syntax "$rules" || fail=1

if command -v udevadm >/dev/null 2>&1 && udevadm verify --help >/dev/null 2>&1; then
  udevadm verify "$rules" || fail=1
else
  echo "note: no udevadm verify here (systemd < 254); grammar checked by this script only"
fi

# What the kiosk needs: printer class, the vendor ids, cameras; group kiosk, 0660.
for want in 'ID_USB_INTERFACES}=="\*:0701??:\*"' 'idVendor}=="04b8"' 'idVendor}=="0416"' \
    'idVendor}=="1fc9"' 'SUBSYSTEM=="video4linux"' 'SUBSYSTEM=="usbmisc"'; do
  grep -q "$want" "$rules" || { echo "FAIL: no rule matching $want"; fail=1; }
done
if grep -v '^[[:space:]]*#' "$rules" | grep 'GROUP=' | grep -v 'GROUP="kiosk", MODE="0660"' | grep -q .; then
  echo "FAIL: a rule grants something other than GROUP=\"kiosk\", MODE=\"0660\""; fail=1
fi
[ $fail -eq 0 ] && echo "ok: $rules"
exit $fail
