# Shared by e2e_tls.sh and e2e_clock_skew.sh (sourced, POSIX sh, after
# tests/app/lib.sh): a kiosk journey during which the central is swapped for
# another kiosk-central on the same port and database (one serving a
# certificate the kiosk does not trust, or one whose clock is far off), and
# the checks on what the kiosk queued and what the central recorded.
#
#   restart_central ARG...  stops $cpid, starts kiosk-central --demo again on
#                           the same port and database with ARGs
#   journey_then_swap SWAPARG -- KIOSKARG...
#                           a gold member at the item screen of G001 (not
#                           offline-redeemable), the central swapped
#                           (restart_central SWAPARG, word-split), then the
#                           confirm: the kiosk must queue it; $first, when
#                           set, replaces the first line (e.g. scan CODE)
#   admin_shot PNG [KIOSKARG...]
#                           a fresh kiosk run that opens the admin screen
#                           (demo PIN) and takes PNG
#   due_now                 makes the queued transactions due at once
#   redemptions             how many redemptions the central has recorded
#   queue_states            the states of the outbox's redemptions (kind 0;
#                           print records come and go beside them), oldest
#                           first, space-separated (0 pending, 1 sending,
#                           2 acked, 3 rejected, 4 dead)

port_of_url() { echo "${1##*:}"; }

restart_central() {
  p=$(port_of_url "$url")
  kill "$cpid" 2>/dev/null
  wait "$cpid" 2>/dev/null
  start_central --listen "127.0.0.1:$p" "$@"
}

# REALITY: the queue keeps its retry delay (up to 60 s) across a restart of
# the kiosk and nothing kicks the sync worker when the link comes good (a
# restart, a certificate or clock fixed), so a test would wait up to a
# minute. This stands in for that kick (see the tls helper's report).
due_now() { sqlite3 "$work/state/outbox.sqlite" 'UPDATE txn SET next_ms=0 WHERE state=0'; }

redemptions() { sqlite3 "$work/central.db" 'SELECT count(*) FROM redemptions'; }
queue_states() {
  sqlite3 "$work/state/outbox.sqlite" 'SELECT state FROM txn WHERE kind=0 ORDER BY id' | tr '\n' ' ' | sed 's/ $//'
}

# The kiosk runs in the background; the swap happens while the script waits
# on the item screen (3 s: a restart takes well under one).
journey_then_swap() {
  swap=$1
  shift
  [ "${1:-}" = "--" ] && shift
  rm -f "$work/at-item.png"
  cat >"$work/swap.script" <<EOS
${first:-press demo-member-3}
expect member
press btn-catalog
expect catalog
press item-G001
expect item
shot $work/at-item.png
wait 3000
press btn-confirm
wait 4500
expect result
shot $out/queued-result.png
EOS
  SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" --state-dir "$work/state" \
    --script "$work/swap.script" "$@" >/dev/null 2>"$work/kiosk.err" &
  kpid=$!
  i=0
  until [ -s "$work/at-item.png" ]; do
    i=$((i + 1))
    kill -0 "$kpid" 2>/dev/null || { cat "$work/kiosk.err" >&2; fail "kiosk ended before the item screen"; }
    [ $i -gt 300 ] && fail "kiosk did not reach the item screen"
    sleep 0.1
  done
  # shellcheck disable=SC2086 # SWAPARG is a list of flags
  restart_central $swap
  wait "$kpid"
  rc=$?
  kpid=
  cat "$work/kiosk.err" >>"$log"
  [ $rc -eq 0 ] || { cat "$work/kiosk.err" >&2; fail "kiosk journey exited $rc"; }
  grep -q 'no answer within .* queued until online' "$work/kiosk.err" ||
    fail "the redemption was not queued: $(grep -E 'txn|sync' "$work/kiosk.err" | tail -5)"
}

admin_shot() {
  png=$1
  shift
  {
    echo "wait 1500"
    echo "press admin-gesture"
    echo "expect admin"
    printf 'press pin-2\npress pin-5\npress pin-8\npress pin-0\npress pin-ok\n'
    echo "expect admin"
    echo "wait 1500"
    echo "shot $png"
  } >"$work/admin.script"
  run_kiosk "$work/admin.script" "$@"
  not_blank "$png"
}
