#!/bin/sh
# The whole kiosk process killed with SIGKILL at random points of its
# journeys (issue 9): redemptions and check-ins by the four demo members,
# through the real `kiosk` binary (headless), its queue, sync worker, print
# journal and file printer, against a real kiosk-central. Each run is killed
# after a random 0.05-1.1 s (start-up and a journey take about 1 s): in start-up,
# on the member screen, while the redemption is saved, sent, accepted,
# journalled or printing; the next run starts on the same state folder. A last run lets the queue drain.
# Then, from the kiosk's and the central's own databases:
#   - nothing is left pending, sending or dead in the kiosk's queue;
#   - every key the kiosk queued has exactly one stored answer at the
#     central, with the status the kiosk recorded, and the central holds no
#     key the kiosk never queued;
#   - the central holds one redemption per redemption the kiosk saw
#     accepted (201) and one check-in per accepted check-in: none doubled;
#   - every voucher in the print journal is one the central issued, and
#     both sqlite files pass integrity_check.
# Vouchers the central issued that never reached the journal (the kill fell
# between the central's answer and the journal write) are counted in the
# figures: they are not lost, the service desk finds them by member.
#
#   kiosk_kill.sh KIOSK CENTRAL OUTDIR [KILLS]
# KILLS: default 200 ($KIOSK_APP_KILLS), KIOSK_LONG=1: 2000. Never asserts
# on time.
kiosk=$1 central=$2
here=$(dirname "$0")
. "$here/../app/lib.sh"
lib_init "$3"
kills=${4:-${KIOSK_APP_KILLS:-200}}
[ "${KIOSK_LONG:-0}" = 1 ] && kills=2000
command -v sqlite3 >/dev/null || { echo "no sqlite3"; exit 77; }
start_central
# Crash safety, not screen fades: more of each run is the journey.
KIOSK_TRANSITION_MS=0
export KIOSK_TRANSITION_MS
state=$work/state
mkdir -p "$state"
db=$work/central.db
q() { sqlite3 "$db" "$1"; }
# The demo's own history (streaks, past redemptions) is there before us.
red0=$(q "SELECT count(*) FROM redemptions")
chk0=$(q "SELECT count(*) FROM checkins")
vou0=$(q "SELECT count(*) FROM vouchers")

journey() { # N: the script of run N
  m=$(($1 % 4 + 1))
  if [ $(($1 % 3)) -eq 2 ]; then
    cat <<EOS
press demo-member-$m
expect member
press btn-checkin
expect checkin
wait 1500
EOS
  else
    cat <<EOS
press demo-member-$m
expect member
press btn-catalog
expect catalog
press item-G001
expect item
press btn-confirm
expect result
wait 1500
EOS
  fi
}

i=0
seed=$$
while [ $i -lt "$kills" ]; do
  journey $i >"$work/run.script"
  delay=$(awk -v s=$((seed + i)) 'BEGIN { srand(s); printf "%.2f", 0.05 + rand() * 1.05 }')
  SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" --state-dir "$state" \
    --script "$work/run.script" >/dev/null 2>>"$work/kiosk.err" &
  kpid=$!
  sleep "$delay"
  kill -KILL "$kpid" 2>/dev/null
  wait "$kpid" 2>/dev/null
  kpid=
  i=$((i + 1))
done

# The last run: no journey, time for the queue to drain (several if needed).
outbox=$state/outbox.sqlite
open_rows() { sqlite3 "$outbox" "SELECT count(*) FROM txn WHERE state IN (0, 1)"; }
printf 'wait 4000\n' >"$work/drain.script"
tries=0
while :; do
  SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" --state-dir "$state" \
    --script "$work/drain.script" >/dev/null 2>>"$work/kiosk.err" ||
    fail "the draining kiosk exited $?: $(tail -3 "$work/kiosk.err")"
  [ "$(open_rows)" -eq 0 ] && break
  tries=$((tries + 1))
  [ $tries -ge 10 ] && fail "the queue did not drain: $(open_rows) open"
done
cp "$work/kiosk.err" "$out/kiosk.log"

k() { sqlite3 "$outbox" "$1"; }

[ "$(k 'PRAGMA integrity_check')" = ok ] || fail "outbox integrity_check failed"
journal=$state/print-journal.sqlite
if [ -f "$journal" ]; then
  [ "$(sqlite3 "$journal" 'PRAGMA integrity_check')" = ok ] || fail "journal integrity_check failed"
fi
dead=$(k "SELECT count(*) FROM txn WHERE state = 4")
[ "$dead" -eq 0 ] || fail "$dead transactions dead in the kiosk's queue"

# Keys and answers, both sides.
k "SELECT idem_key || ' ' || answer_status FROM txn ORDER BY idem_key" >"$work/kiosk.keys"
q "SELECT key || ' ' || status FROM idem WHERE kiosk_id = 'demo-kiosk' ORDER BY key" >"$work/central.keys"
cmp -s "$work/kiosk.keys" "$work/central.keys" || {
  diff "$work/kiosk.keys" "$work/central.keys" | head -10 >&2
  fail "the kiosk's keys and answers differ from the central's"
}

# Redemptions and check-ins: one each per accepted answer.
acc_red=$(k "SELECT count(*) FROM txn WHERE kind = 0 AND answer_status = 201")
acc_chk=$(k "SELECT count(*) FROM txn WHERE kind = 2 AND answer_status BETWEEN 200 AND 201")
red=$(($(q "SELECT count(*) FROM redemptions") - red0))
chk=$(($(q "SELECT count(*) FROM checkins") - chk0))
[ "$red" -eq "$acc_red" ] || fail "central holds $red redemptions, the kiosk saw $acc_red accepted"
[ "$chk" -eq "$acc_chk" ] || fail "central holds $chk check-ins, the kiosk saw $acc_chk accepted"
doubled=$(q "SELECT count(*) FROM (SELECT redemption_id FROM vouchers GROUP BY redemption_id HAVING count(*) > 1)")
[ "$doubled" -eq 0 ] || fail "$doubled redemptions with two vouchers"

# The journal holds only vouchers the central issued.
journalled=0 unknown=0 reprinted=0
if [ -f "$journal" ]; then
  sqlite3 "$journal" "SELECT code FROM voucher" >"$work/journal.codes"
  journalled=$(wc -l <"$work/journal.codes")
  q "SELECT code FROM vouchers" | sort >"$work/central.codes"
  unknown=$(sort "$work/journal.codes" | comm -23 - "$work/central.codes" | wc -l)
  [ "$unknown" -eq 0 ] || fail "$unknown journalled vouchers the central never issued"
  reprinted=$(grep -c 'REPRINT\|reprint' "$out/kiosk.log" || true)
fi
issued=$(($(q "SELECT count(*) FROM vouchers") - vou0))
sent=$(k "SELECT count(*) FROM txn")

row="$here/report-row"
if [ -x "$row" ]; then
  "$row" reliability_kiosk_kill \
    "the whole kiosk SIGKILLed at random points of redemption and check-in journeys, restarted on the same state" \
    "$kills" 0 \
    "$sent transactions queued, $acc_red redemptions and $acc_chk check-ins accepted, each once at the central; $issued vouchers issued, $journalled in the print journal, $((issued - journalled)) issued but killed before the journal write (at the desk)" \
    2>/dev/null || true
fi
echo "ok: $kills kills; $sent transactions queued; $acc_red redemptions, $acc_chk check-ins accepted once; vouchers issued $issued, journalled $journalled"
