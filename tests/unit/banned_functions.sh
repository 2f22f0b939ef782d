#!/bin/sh
# Like curl's checksrc: the project's own C never calls sprintf, strcpy,
# strtok or atoi (unbounded writes, hidden state, no error reporting).
# Usage: banned_functions.sh SOURCE_DIR
cd "$1" || exit 2
files=$(git ls-files '*.c' '*.h' 2>/dev/null)
[ -n "$files" ] || files=$(find app central common net drivers tests -name '*.[ch]' -not -path '*/node_modules/*')
hits=$(printf '%s\n' $files | xargs grep -nE '(^|[^a-z_])(sprintf|strcpy|strtok|atoi)\(' /dev/null | grep -vE 'snprintf|vsnprintf')
if [ -n "$hits" ]; then
  printf 'banned function used (use snprintf, memcpy, explicit parsing, strtol):\n%s\n' "$hits"
  exit 1
fi
echo "no sprintf, strcpy, strtok or atoi in $(printf '%s\n' $files | wc -l) C files"
