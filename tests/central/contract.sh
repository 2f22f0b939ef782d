#!/bin/sh
# Contract checks with npm tools (tests/central/package.json; scripts/setup
# --test runs npm install here). Exits 77 (skipped) without node or without
# node_modules.
#   contract.sh lint       central_spec_lints: redocly lint, no errors
#   contract.sh responses  central_responses_match_spec: see the .mjs
here=$(cd "$(dirname "$0")" && pwd)
src=${KIOSK_SOURCE_DIR:-$here/../..}
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed"
  exit 77
fi
if [ ! -d "$here/node_modules/@redocly/cli" ] || [ ! -d "$here/node_modules/ajv" ]; then
  echo "SKIP: run 'npm install' in $here (scripts/setup --test does)"
  exit 77
fi
# No telemetry and no update check: the lint must not depend on the network.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
case "$1" in
  lint) exec "$here/node_modules/.bin/redocly" lint --format=stylish "$src/net/api/openapi.yaml" ;;
  responses) exec node "$here/responses_match_spec.mjs" ;;
  *) echo "usage: contract.sh lint|responses" >&2; exit 2 ;;
esac
