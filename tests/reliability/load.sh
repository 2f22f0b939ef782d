#!/bin/sh
# reliability_load_8_kiosks: 8 kiosk processes (headless, each its own
# kiosk id, secret and state folder) against one kiosk-central, each looping
# scripted sessions for the run's length: a member code scanned (the real
# verification path), the catalog, a redemption (voucher to the file
# printer), a check-in on each member's first session, exit. About 60 s;
# KIOSK_LONG=1 runs 10 minutes (KIOSK_LOAD_SECONDS sets any length).
#
#   load.sh KIOSK CENTRAL OUTDIR
#
# Members and stock: the demo central is seeded, stopped, given 4 members
# per kiosk with plenty of points and two items with plenty of stock (SQL on
# the stopped server's database), then started again, so most sessions
# succeed rather than hit the demo's daily limits.
#
# At the end each kiosk drains its queue, and then, per kiosk: every row of
# its outbox is final (none pending, sending or dead); every acknowledged row
# has the central's stored answer under its kiosk and key with the same
# status, and exactly one ledger row when it moved points; the central holds
# no 2xx answer for the kiosk that the kiosk did not record as acknowledged;
# no key has two ledger rows. Lost = acknowledged rows the central lacks +
# central answers the kiosk lacks + doubled ledger rows: must be 0. No
# ERROR line in any log, no script failure. Latency: the outbox's
# created_ms -> done_ms of every acknowledged transaction (enqueue to the
# central's answer recorded), p50/p99/max, printed and put in the report.
set -u
kiosk=$1 central=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
codegen=$(dirname "$kiosk")/tests/app/app_codegen
seed=4b494f534b2d746573742d7369676e696e672d736565642d3031323334353637
N=8
secs=${KIOSK_LOAD_SECONDS:-}
[ -n "$secs" ] || { [ "${KIOSK_LONG:-0}" = 1 ] && secs=600 || secs=30; }
command -v sqlite3 >/dev/null || { echo "SKIP: no sqlite3 shell"; exit 77; }
[ -x "$codegen" ] || { echo "SKIP: no $codegen"; exit 77; }
. "$here/../app/lib.sh"
lib_init "$out"
db=$work/central.db
kargs=""
k=1
while [ $k -le $N ]; do kargs="$kargs --kiosk load-$k:secret-$k"; k=$((k + 1)); done

# Seed, stop, add members and stock, start again on the same database.
start_central --signing-seed "$seed" $kargs
kill "$cpid"; wait "$cpid"; cpid=
now=$(date +%s)
{
  echo "BEGIN;"
  k=1
  while [ $k -le $N ]; do
    for m in 1 2 3 4; do
      id=L$k$m
      echo "INSERT INTO members(id,name,phone,birth_month,created_at) VALUES('$id','Load $id','1390000$k$m',1,$now);"
      echo "INSERT INTO ledger(member_id,delta,reason,reference,created_at) VALUES('$id',5000000,'earn','load',$now);"
      echo "INSERT INTO lots(member_id,ledger_id,amount,remaining,expires_at) VALUES('$id',last_insert_rowid(),5000000,5000000,$((now + 86400 * 300)));"
    done
    k=$((k + 1))
  done
  echo "UPDATE items SET stock=1000000, limit_per_day=NULL, limit_total=NULL, valid_from=0, valid_to=$((now + 86400 * 300)) WHERE id IN ('C004','G002');"
  echo "COMMIT;"
} | sqlite3 "$db" || fail "seeding load members"
: >"$work/central.out"
start_central --signing-seed "$seed" $kargs

# One kiosk's loop: a fresh script of S sessions (codes signed just before,
# each unique: the points claim counts up), run, again until the deadline.
kiosk_loop() { # K
  k=$1 end=$(($(date +%s) + secs)) run=0 n=0
  cat >"$work/k$k.conf" <<EOF
[kiosk]
id = load-$k
secret = secret-$k
[offline]
mode = off
EOF
  while [ "$(date +%s)" -lt "$end" ]; do
    run=$((run + 1))
    s="$work/k$k-$run.script"
    : >"$s"
    for i in 1 2 3 4; do
      n=$((n + 1))
      m=$(( (n - 1) % 4 + 1 ))
      code=$("$codegen" sign "$seed" "L$k$m" diamond "$n" 0) || return 1
      item=C004
      [ $((n % 3)) = 0 ] && item=G002
      tab=""
      [ $item = C004 ] && tab="press tab-coupon
expect catalog"
      cat >>"$s" <<EOS
scan $code
expect member
press btn-catalog
expect catalog
$tab
press item-$item
expect item
press btn-confirm
expect result
press btn-done
expect member
EOS
      [ $run = 1 ] && printf 'press btn-checkin\nexpect checkin\npress btn-done\nexpect member\n' >>"$s"
      printf 'press btn-exit\nexpect attract\n' >>"$s"
    done
    SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" --config "$work/k$k.conf" \
      --state-dir "$work/state-$k" --size 360x640 --script "$s" \
      >/dev/null 2>>"$out/kiosk-$k.log" || echo "script $s exited $?" >>"$work/k$k.failed"
  done
  # Drain what is still queued.
  printf 'wait 4000\nquit\n' >"$work/k$k-drain.script"
  SDL_VIDEODRIVER=dummy "$kiosk" --demo --central "$url" --config "$work/k$k.conf" \
    --state-dir "$work/state-$k" --size 360x640 --script "$work/k$k-drain.script" \
    >/dev/null 2>>"$out/kiosk-$k.log" || echo "drain exited $?" >>"$work/k$k.failed"
  echo "$run" >"$work/k$k.runs"
}

pids=""
k=1
while [ $k -le $N ]; do
  kiosk_loop $k &
  pids="$pids $!"
  k=$((k + 1))
done
for p in $pids; do wait "$p"; done

# The books, kiosk by kiosk.
lost=0 acked=0 rejected=0 sessions=0 problems=""
k=1
while [ $k -le $N ]; do
  ob=$work/state-$k/outbox.sqlite
  [ -f "$ob" ] || fail "kiosk $k has no outbox"
  [ -f "$work/k$k.failed" ] && problems="$problems
kiosk $k: $(cat "$work/k$k.failed")"
  sessions=$((sessions + $(grep -c 'scan accepted for member' "$out/kiosk-$k.log")))
  res=$(sqlite3 -separator ' ' "$db" <<EOF
ATTACH '$ob' AS o;
SELECT
 (SELECT count(*) FROM o.txn WHERE state=2),
 (SELECT count(*) FROM o.txn WHERE state=3),
 (SELECT count(*) FROM o.txn WHERE state NOT IN (2,3)),
 (SELECT count(*) FROM o.txn t WHERE t.state=2 AND NOT EXISTS
    (SELECT 1 FROM idem i WHERE i.kiosk_id='load-$k' AND i.key=t.idem_key
     AND i.status=t.answer_status)),
 (SELECT count(*) FROM idem i WHERE i.kiosk_id='load-$k' AND i.status BETWEEN 200 AND 299
    AND NOT EXISTS (SELECT 1 FROM o.txn t WHERE t.idem_key=i.key AND t.state=2)),
 (SELECT count(*) FROM (SELECT l.idem_key FROM ledger l JOIN o.txn t ON t.idem_key=l.idem_key
    GROUP BY l.idem_key HAVING count(*) > 1)),
 (SELECT count(*) FROM o.txn t WHERE t.state=2 AND t.kind IN (0,2) AND NOT EXISTS
    (SELECT 1 FROM ledger l WHERE l.idem_key=t.idem_key)),
 (SELECT count(*) FROM o.txn t WHERE t.state=3 AND EXISTS
    (SELECT 1 FROM ledger l WHERE l.idem_key=t.idem_key));
EOF
  ) || fail "accounting query for kiosk $k"
  set -- $res
  echo "kiosk load-$k: acked $1 rejected $2 unfinished $3 | acked-not-at-central $4 central-not-acked $5 doubled $6 acked-without-ledger $7 rejected-with-ledger $8"
  acked=$((acked + $1))
  rejected=$((rejected + $2))
  lost=$((lost + $3 + $4 + $5 + $6 + $7 + $8))
  k=$((k + 1))
done
# Latency over every kiosk's acknowledged transactions.
: >"$work/lat"
k=1
while [ $k -le $N ]; do
  sqlite3 "$work/state-$k/outbox.sqlite" "SELECT done_ms - created_ms FROM txn WHERE state=2" >>"$work/lat"
  k=$((k + 1))
done
lat=$(sort -n "$work/lat" | awk '{a[NR]=$1} END {if (NR) {i50=int(NR*0.5); if(i50<1)i50=1; i99=int(NR*0.99+0.999); if(i99>NR)i99=NR; printf "p50 %d ms, p99 %d ms, max %d ms", a[i50], a[i99], a[NR]} else print "none"}')
errors=$(grep -h -E '^[^ ]+ E |Sanitizer|runtime error' "$out"/kiosk-*.log "$work/central.err" 2>/dev/null | head -5)
echo "$N kiosks, $secs s: $sessions sessions, $acked transactions acknowledged, $rejected refused by the central, lost $lost; enqueue->answer $lat"
sh "$here/report-row" reliability_load_8_kiosks \
  "8 kiosk processes looping scan/redeem/check-in sessions against one central for $secs s" \
  "$acked" "$lost" "$sessions sessions, $rejected refused by the central, enqueue->answer $lat"
[ "$acked" -gt 0 ] || fail "no transaction acknowledged"
[ "$lost" -eq 0 ] || fail "$lost transactions lost or doubled"
[ -z "$problems" ] || fail "kiosk scripts failed:$problems"
[ -z "$errors" ] || fail "errors in the logs: $errors"
echo ok
