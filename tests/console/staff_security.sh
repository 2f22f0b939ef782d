#!/bin/sh
# console_staff_security: the staff API's locks, end to end against the real
# kiosk-central (curl, jq, openssl): no access without a session, a CSRF
# token on every state change, desk cannot do admin's work, five wrong
# passwords lock an account for five minutes, sessions end after 30 idle
# minutes and at logout, a disabled account's sessions end at once and it
# cannot log in, every action leaves an audit row with its user.
# Time is moved with the server's --clock-offset across restarts (sessions
# and locks live in the database), so nothing here waits or times anything.
set -u
for tool in curl jq openssl sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done
BIN=${KIOSK_BUILD_DIR:-.}/kiosk-central
dir=$(mktemp -d /tmp/console-sec-XXXXXX)
pid=
failures=0
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

start() { # extra flags...
  : >"$dir/out"
  "$BIN" --listen 127.0.0.1:0 --db "$dir/central.db" --demo "$@" \
    >"$dir/out" 2>>"$dir/err" &
  pid=$!
  port=
  while [ -z "$port" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$dir/err"; echo "FAIL: server died"; exit 1; }
    port=$(sed -n 's/^listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$dir/out")
    [ -n "$port" ] || sleep 0.1
  done
  base=http://127.0.0.1:$port
  now=$(curl -s "$base/v1/health" | jq -r .time)
  skew=$((now - $(date +%s)))
}

stop() {
  kill -TERM "$pid"
  wait "$pid" || fail "server exit status $?"
  pid=
}

# staff JAR METHOD PATH [BODY [CSRF]]: status in $code, body in $dir/body.
staff() {
  set -- "$@" "" ""
  code=$(curl -s -o "$dir/body" -w '%{http_code}' -b "$dir/$1" -c "$dir/$1" \
    -X "$2" -H 'Content-Type: application/json' \
    ${5:+-H "X-CSRF-Token: $5"} ${4:+--data-binary "$4"} "$base$3")
}

# kiosk METHOD PATH [BODY]: a request signed as demo-kiosk.
n=0
kiosk() {
  body=${3:-}
  ts=$(($(date +%s) + skew))
  bh=$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)
  sig=$(printf '%s\n%s\n%s\n%s' "$1" "$2" "$ts" "$bh" |
    openssl dgst -sha256 -hmac demo-secret | sed 's/^.*= //')
  n=$((n + 1))
  code=$(curl -s -o "$dir/body" -w '%{http_code}' -X "$1" \
    -H 'Content-Type: application/json' -H 'X-Kiosk-Id: demo-kiosk' \
    -H "X-Kiosk-Timestamp: $ts" -H "X-Kiosk-Signature: $sig" \
    -H "Idempotency-Key: sec-$n-$ts" ${body:+--data-binary "$body"} "$base$2")
}

expect() { # STATUS [ERROR_CODE] WHAT
  want=$1
  shift
  err=
  if [ $# -gt 1 ]; then err=$1; shift; fi
  got_err=$(jq -r '.error // empty' "$dir/body" 2>/dev/null)
  if [ "$code" != "$want" ] || { [ -n "$err" ] && [ "$got_err" != "$err" ]; }; then
    fail "$*: want $want $err, got $code $(head -c 200 "$dir/body")"
  fi
}

field() { jq -r "$1" "$dir/body"; }

login() { # JAR USER PASSWORD -> csrf token in $csrf
  staff "$1" POST /v1/staff/login "{\"user\":\"$2\",\"password\":\"$3\"}"
  csrf=$(jq -r '.csrf_token // empty' "$dir/body" 2>/dev/null)
}

start

# No session, a made-up session, a login that is not JSON.
for route in "GET /v1/staff/fleet" "GET /v1/staff/session" "GET /v1/staff/items" \
  "GET /v1/staff/reports" "GET /v1/staff/audit" "POST /v1/staff/logout" \
  "GET /v1/staff/vouchers/V000000000000" "POST /v1/staff/vouchers/V000000000000/use" \
  "PATCH /v1/staff/items/G001" "GET /v1/staff/accounts" \
  "POST /v1/staff/accounts/desk/disable"; do
  set -- $route
  staff nobody "$1" "$2" '{}'
  expect 401 unauthorized "$route without a session"
done
printf '127.0.0.1\tFALSE\t/v1/staff\tFALSE\t0\tkc_staff\t%s\n' \
  AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA >"$dir/forged"
staff forged GET /v1/staff/fleet
expect 401 unauthorized "a made-up session id"
code=$(curl -s -o "$dir/body" -w '%{http_code}' -H 'Content-Type: text/plain' \
  --data-binary '{"user":"desk","password":"desk-demo"}' "$base/v1/staff/login")
expect 400 invalid_request "a text/plain login (what a cross-site form sends)"

# Desk logs in; the cookie is HttpOnly, SameSite=Strict, scoped to the API.
login desk desk wrong
expect 401 bad_credentials "desk with a wrong password"
login nosuch nosuch whatever
expect 401 bad_credentials "an unknown user"
curl -s -D "$dir/headers" -o "$dir/body" -H 'Content-Type: application/json' \
  --data-binary '{"user":"desk","password":"desk-demo"}' "$base/v1/staff/login" >/dev/null
grep -qi '^Set-Cookie: kc_staff=[A-Za-z0-9_-]\{43\}; Path=/v1/staff; Max-Age=43200; HttpOnly; SameSite=Strict' \
  "$dir/headers" || fail "session cookie attributes: $(grep -i set-cookie "$dir/headers")"
login desk desk desk-demo
expect 200 "desk login"
desk_csrf=$csrf
[ "$(field .role)" = desk ] || fail "desk has role $(field .role)"

# A kiosk redeems two items; the desk looks the first up.
kiosk POST /v1/redemptions '{"member_id":"M100004","item_id":"E001"}'
expect 201 "redemption E001"
v1=$(field .voucher.code)
kiosk POST /v1/redemptions '{"member_id":"M100004","item_id":"G002"}'
expect 201 "redemption G002"
v2=$(field .voucher.code)
v2id=$(echo "$v2" | cut -d. -f2)
staff desk GET "/v1/staff/vouchers/$v1"
expect 200 "desk looks up a voucher"
[ "$(field .status)" = issued ] || fail "new voucher is $(field .status)"
[ "$(field .kiosk.id)" = demo-kiosk ] || fail "voucher kiosk $(field .kiosk.id)"
case "$(field .member.name_masked)" in *'*'*) ;; *) fail "member name not masked";; esac

# CSRF: use without the token, with a wrong one, with admin's, then right.
staff desk POST "/v1/staff/vouchers/$v1/use"
expect 403 csrf_failed "use without X-CSRF-Token"
staff desk POST "/v1/staff/vouchers/$v1/use" '' AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
expect 403 csrf_failed "use with a wrong X-CSRF-Token"
staff desk POST /v1/staff/logout
expect 403 csrf_failed "logout without X-CSRF-Token"
staff desk GET "/v1/staff/vouchers/$v1"
[ "$(field .status)" = issued ] || fail "a refused use changed the voucher: $(field .status)"
staff desk POST "/v1/staff/vouchers/$v1/use" '' "$desk_csrf"
expect 200 "use with the token"
[ "$(field .status)" = used ] || fail "used voucher reads $(field .status)"
staff desk POST "/v1/staff/vouchers/$v1/use" '' "$desk_csrf"
expect 409 voucher_used "a second use"
staff desk POST "/v1/staff/vouchers/$v2id/void" '{}' "$desk_csrf"
expect 400 invalid_request "void without a reason"
staff desk POST "/v1/staff/vouchers/$v2id/void" '{"reason":"gift not collected"}' "$desk_csrf"
expect 200 "void by voucher id with a reason"
[ "$(field .status)" = void ] || fail "voided voucher reads $(field .status)"
[ "$(field .points_refunded)" -gt 0 ] 2>/dev/null || fail "void refunded $(field .points_refunded)"

# Desk cannot do admin's work, even with its own valid token.
staff desk PATCH /v1/staff/items/G001 '{"stock":5}' "$desk_csrf"
expect 403 forbidden "desk edits stock"
for route in /v1/staff/items /v1/staff/reports /v1/staff/audit; do
  staff desk GET "$route"
  expect 403 forbidden "desk reads $route"
done

# Admin edits stock: the kiosks' catalog changes with a new version.
kiosk GET /v1/catalog
version0=$(field .version)
login admin admin admin-demo
expect 200 "admin login"
admin_csrf=$csrf
staff admin PATCH /v1/staff/items/G001 '{"stock":77}'
expect 403 csrf_failed "stock edit without X-CSRF-Token"
staff admin PATCH /v1/staff/items/G001 '{"stock":77}' "$desk_csrf"
expect 403 csrf_failed "stock edit with the desk session's token"
staff admin PATCH /v1/staff/items/G001 '{"stock":-1}' "$admin_csrf"
expect 400 invalid_request "negative stock"
staff admin PATCH /v1/staff/items/NOPE '{"stock":1}' "$admin_csrf"
expect 404 not_found "unknown item"
staff admin PATCH /v1/staff/items/G001 '{"stock":77,"tier_prices":{"gold":123}}' "$admin_csrf"
expect 200 "stock edit"
kiosk GET /v1/catalog
[ "$(field '.items[] | select(.id=="G001") | .stock')" = 77 ] || fail "catalog stock after edit"
[ "$(field '.items[] | select(.id=="G001") | .tier_prices.gold')" = 123 ] || fail "gold price after edit"
[ "$(field .version)" -gt "$version0" ] || fail "catalog version did not move"

# Accounts: only admin lists, disables and enables them, with its own CSRF
# token; an admin cannot disable themself; disabling desk ends its open
# session at once and refuses its logins (account_disabled, not a lock).
staff desk GET /v1/staff/accounts
expect 403 forbidden "desk lists the accounts"
staff desk POST /v1/staff/accounts/admin/disable '' "$desk_csrf"
expect 403 forbidden "desk disables admin"
staff desk POST /v1/staff/accounts/desk/enable '' "$desk_csrf"
expect 403 forbidden "desk enables itself"
staff admin GET /v1/staff/accounts
expect 200 "admin lists the accounts"
[ "$(field '.accounts[] | select(.user=="desk") | .state')" = active ] ||
  fail "desk account reads $(field '.accounts[] | select(.user=="desk")')"
[ "$(field '.accounts[] | select(.user=="desk") | .sessions')" -ge 1 ] 2>/dev/null ||
  fail "desk's live session not counted"
grep -q argon2 "$dir/body" && fail "the account list shows password hashes"
staff admin POST /v1/staff/accounts/desk/disable
expect 403 csrf_failed "disable without X-CSRF-Token"
staff admin POST /v1/staff/accounts/desk/disable '' "$desk_csrf"
expect 403 csrf_failed "disable with the desk session's token"
staff admin POST /v1/staff/accounts/admin/disable '' "$admin_csrf"
expect 409 cannot_disable_self "admin disables themself"
staff admin POST /v1/staff/accounts/nosuch/disable '' "$admin_csrf"
expect 404 not_found "disable an unknown account"
staff desk GET /v1/staff/fleet
expect 200 "desk's session before the disable"
staff admin POST /v1/staff/accounts/desk/disable '' "$admin_csrf"
expect 200 "admin disables desk"
[ "$(field .state)/$(field .disabled)/$(field .sessions)" = disabled/true/0 ] ||
  fail "disabled desk reads $(cat "$dir/body")"
staff desk GET /v1/staff/fleet
expect 401 unauthorized "desk's open session right after the disable"
staff desk POST "/v1/staff/vouchers/$v2id/use" '' "$desk_csrf"
expect 401 unauthorized "desk's old token after the disable"
login desk2 desk desk-demo
expect 403 account_disabled "a disabled account logs in"
login desk2 desk wrong
expect 401 bad_credentials "a disabled account with a wrong password"
staff admin POST /v1/staff/accounts/desk/disable '' "$admin_csrf"
expect 200 "disabling twice"
staff admin POST /v1/staff/accounts/desk/enable '' "$admin_csrf"
expect 200 "admin enables desk"
[ "$(field .state)" = active ] || fail "enabled desk reads $(field .state)"
login desk desk desk-demo
expect 200 "desk logs in again once enabled"
desk_csrf=$csrf

# A heartbeat: the fleet shows the kiosk online.
kiosk POST /v1/kiosk/heartbeat '{"printer":"ok","paper":"low","queue_depth":0,"version":"0.1.0"}'
expect 200 "heartbeat"
staff desk GET /v1/staff/fleet
expect 200 "fleet"
[ "$(field '.kiosks[] | select(.id=="demo-kiosk") | .online')" = true ] || fail "kiosk not online after a heartbeat"

# Five wrong passwords lock admin; the right one is refused until then.
for i in 1 2 3 4; do
  login admin2 admin "wrong-$i"
  expect 401 bad_credentials "wrong password $i"
done
login admin2 admin wrong-5
expect 429 account_locked "the fifth wrong password"
login admin2 admin admin-demo
expect 429 account_locked "the right password while locked"
staff admin GET /v1/staff/items
expect 200 "a session from before the lock still works"
staff admin GET /v1/staff/accounts
[ "$(field '.accounts[] | select(.user=="admin") | .state')" = locked ] &&
  [ "$(field '.accounts[] | select(.user=="admin") | .locked_until')" -gt "$(($(date +%s) + skew))" ] ||
  fail "locked admin in the account list: $(field '.accounts[] | select(.user=="admin")')"

# The audit log names the user of every action.
staff admin GET '/v1/staff/audit?limit=200'
expect 200 "audit"
has() { jq -e "$1" "$dir/body" >/dev/null || fail "audit lacks $1"; }
has '.entries[] | select(.user=="desk" and .action=="login")'
has '.entries[] | select(.user=="desk" and .action=="login_failed")'
has '.entries[] | select(.user=="nosuch" and .action=="login_failed")'
has '.entries[] | select(.user=="desk" and .action=="voucher_use")'
has ".entries[] | select(.user==\"desk\" and .action==\"voucher_void\" and .target==\"$v2id\" and .detail==\"gift not collected\")"
has '.entries[] | select(.user=="admin" and .action=="item_update" and .target=="G001")'
has '.entries[] | select(.user=="admin" and .action=="account_locked")'
has '.entries[] | select(.user=="admin" and .action=="login_refused")'
has '.entries[] | select(.user=="admin" and .action=="account_disable" and .target=="desk")'
has '.entries[] | select(.user=="admin" and .action=="account_enable" and .target=="desk")'
has '.entries[] | select(.user=="desk" and .action=="login_refused" and .detail=="account disabled")'
[ "$(jq '[.entries[] | select(.action=="account_disable")] | length' "$dir/body")" = 1 ] ||
  fail "a refused or repeated disable left an audit row"
[ "$(jq '[.entries[] | select(.action=="voucher_use")] | length' "$dir/body")" = 1 ] ||
  fail "refused uses left audit rows"
staff admin GET '/v1/staff/audit?limit=0'
expect 400 invalid_request "audit limit 0"
stop

# Five minutes and a second later: unlocked; the kiosk has gone silent.
start --clock-offset 301
login admin2 admin admin-demo
expect 200 "admin after the lock"
staff desk GET /v1/staff/session
expect 200 "desk session after 5 idle minutes"
staff desk GET /v1/staff/fleet
[ "$(field '.kiosks[] | select(.id=="demo-kiosk") | .online')" = false ] || fail "silent kiosk still online"
field '.kiosks[] | select(.id=="demo-kiosk") | .alerts[]' | grep -qx offline || fail "no offline alert"
stop

# Real deployments: --hash-password makes the hash --staff USER:ROLE:HASH takes.
hash=$(printf 'long-pass-123\n' | "$BIN" --hash-password)
case "$hash" in '$argon2id$'*) ;; *) fail "--hash-password printed '$hash'";; esac
"$BIN" --staff "ops:root:$hash" --help >/dev/null 2>&1
[ $? -eq 2 ] || fail "--staff with role root was accepted"
"$BIN" --staff "ops:admin:plaintext" --help >/dev/null 2>&1
[ $? -eq 2 ] || fail "--staff with a plain password was accepted"

# 31 minutes after the desk's last request: its session has ended.
start --clock-offset 2200 --staff "ops:admin:$hash"
staff desk GET /v1/staff/session
expect 401 unauthorized "desk after 31 idle minutes"
staff desk POST "/v1/staff/vouchers/$v1/use" '' "$desk_csrf"
expect 401 unauthorized "an ended session with its old token"
login admin3 admin admin-demo
expect 200 "admin login again"
staff admin3 POST /v1/staff/accounts/ops/disable '' "$csrf"
expect 200 "admin disables the --staff account"
staff admin3 POST /v1/staff/logout '' "$csrf"
expect 204 "logout"
staff admin3 GET /v1/staff/session
expect 401 unauthorized "after logout"
stop

# The same --staff flag at the next start keeps the account disabled; once
# enabled, it logs in with its role.
start --clock-offset 2300 --staff "ops:admin:$hash"
login ops ops long-pass-123
expect 403 account_disabled "a disabled --staff account after a restart"
login admin4 admin admin-demo
staff admin4 POST /v1/staff/accounts/ops/enable '' "$csrf"
expect 200 "admin enables the --staff account"
login ops ops long-pass-123
expect 200 "a --staff account logs in"
[ "$(field .role)" = admin ] || fail "--staff account has role $(field .role)"
stop

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "staff API security: all checks passed"
