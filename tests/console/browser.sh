#!/bin/sh
# console_pages_in_chromium: the staff console in Debian's headless chromium,
# driven by playwright-core (npm install in this folder; scripts/setup
# --test does). Exits 77 (skipped) without node, chromium, zbarimg or
# node_modules.
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null 2>&1 || { echo "SKIP: node is not installed"; exit 77; }
[ -x /usr/bin/chromium ] || { echo "SKIP: /usr/bin/chromium missing (apt-get install chromium)"; exit 77; }
command -v zbarimg >/dev/null 2>&1 || { echo "SKIP: zbarimg missing (apt-get install zbar-tools)"; exit 77; }
[ -d "$here/node_modules/playwright-core" ] || { echo "SKIP: run 'npm install' in $here"; exit 77; }
exec node "$here/browser.mjs"
