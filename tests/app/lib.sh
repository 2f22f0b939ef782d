# Shared by the app's end-to-end scripts (sourced, POSIX sh): a scratch
# folder and cleanup, a kiosk-central --demo on a free port, the checks on
# screenshots. The caller sets $central (the kiosk-central binary) first.
#
#   lib_init OUTDIR        fresh OUTDIR for screenshots and logs, $work for
#                          scratch; background processes whose pids are in
#                          cpid, kpid, xpid, fpid or spid are killed at exit
#   start_central [ARG...] kiosk-central --demo on 127.0.0.1:0 with its db
#                          in $work; sets $url and $cpid
#   not_blank PNG          fails when the screenshot is (nearly) blank
#   run_kiosk SCRIPT [ARG...]
#                          the kiosk headless (--demo against $url, state in
#                          $work/state) running SCRIPT; its log is appended
#                          to $out/kiosk.log ($log); fails on a non-zero exit
#   ocr PNG LANGS          the text tesseract reads, blanks dropped (exits
#                          77, a skip, without tesseract or chi_sim)
#   x11_kiosk DISPLAY WIDGET
#                          Xvfb on :DISPLAY and the kiosk in a 540x960 window
#                          on it (against $url), until WIDGET is drawn; sets
#                          $d, $dump (the widget dump), $x $y (WIDGET's
#                          centre) and $wid (the window); exits 77 without
#                          Xvfb or xdotool

fail() { echo "FAIL: $*" >&2; exit 1; }

lib_cleanup() {
  for p in $kpid $fpid $xpid $spid $cpid; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}

lib_init() {
  out=$1
  rm -rf "$out"
  mkdir -p "$out"
  work=$(mktemp -d)
  cpid= kpid= xpid= fpid= spid=
  trap lib_cleanup EXIT INT TERM
  log=$out/kiosk.log
}

start_central() {
  # The old output goes first: the shell truncates it only when the new
  # server's process opens it, and until then a restart would read the old
  # server's "listening on" line (and then an empty file for $url).
  rm -f "$work/central.out" "$work/central.err"
  "$central" --listen 127.0.0.1:0 --db "$work/central.db" --demo "$@" \
    >"$work/central.out" 2>"$work/central.err" &
  cpid=$!
  i=0
  while ! grep -q 'listening on ' "$work/central.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { cat "$work/central.err" >&2; fail "central did not start"; }
    kill -0 "$cpid" 2>/dev/null || { cat "$work/central.err" >&2; fail "central exited"; }
    sleep 0.1
  done
  url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/central.out" | head -1)
}

# A real frame has thousands of colours (gradients, anti-aliased text); a
# blank or nearly blank one a handful.
not_blank() {
  command -v identify >/dev/null || return 0
  n=$(identify -format %k "$1" 2>/dev/null)
  [ -n "$n" ] && [ "$n" -gt 200 ] || fail "$1 looks blank ($n colours)"
}

ocr() {
  command -v tesseract >/dev/null || { echo "no tesseract"; exit 77; }
  tesseract --list-langs 2>/dev/null | grep -q chi_sim || { echo "no chi_sim"; exit 77; }
  tesseract "$1" "$work/ocr" -l "$2" >/dev/null 2>&1
  tr -d ' \n' <"$work/ocr.txt"
}

# Polls until COMMAND succeeds, at most 10 s; then fails with WHAT.
wait_for() { # WHAT COMMAND...
  what=$1
  shift
  i=0
  until "$@"; do
    i=$((i + 1))
    [ $i -gt 200 ] && fail "$what"
    sleep 0.05
  done
}

run_kiosk() {
  s=$1
  shift
  SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" \
    --state-dir "$work/state" --script "$s" "$@" >/dev/null 2>"$work/kiosk.err"
  rc=$?
  cat "$work/kiosk.err" >>"$log"
  [ $rc -eq 0 ] || { cat "$work/kiosk.err" >&2; fail "kiosk script $s exited $rc"; }
}

x11_kiosk() { # DISPLAY WIDGET
  command -v Xvfb >/dev/null && command -v xdotool >/dev/null || { echo "no Xvfb/xdotool"; exit 77; }
  d=:$1
  Xvfb "$d" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
  xpid=$!
  i=0
  until DISPLAY=$d xdotool getdisplaygeometry >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "Xvfb did not start"; sleep 0.1
  done
  dump=$work/widgets.txt
  DISPLAY=$d SDL_VIDEODRIVER=x11 KIOSK_WIDGET_DUMP=$dump "$kiosk" --demo --central "$url" \
    --state-dir "$work/state" --windowed --size 540x960 >/dev/null 2>"$log" &
  kpid=$!
  i=0
  until grep -q "^$2 " "$dump" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && { cat "$log" >&2; fail "no $2 widget"; }
    kill -0 "$kpid" 2>/dev/null || { cat "$log" >&2; fail "kiosk exited"; }
    sleep 0.1
  done
  # shellcheck disable=SC2046 # the dump line: id x y w h
  set -- $(grep "^$2 " "$dump")
  x=$(($2 + $4 / 2)) y=$(($3 + $5 / 2))
  wid=$(DISPLAY=$d xdotool search --sync --name '^kiosk$' | head -1)
  [ -n "$wid" ] || fail "no kiosk window"
}
