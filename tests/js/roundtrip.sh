#!/usr/bin/env bash
# roundtrip.sh JS_TOOL [--allow-errors] PATH...: every .js/.mjs/.cjs/.jsx/.ts/.tsx
# file under the paths is parsed, lowered and printed, and the printed text
# parsed and printed again: it must parse, and print the same bytes (a
# printer that drops or misplaces anything shows up as a difference).
# With --allow-errors a file that does not parse in the first place is
# skipped (fuzz seeds are partly invalid on purpose).
set -uo pipefail
tool=$1; shift
allow=0
[ "${1:-}" = --allow-errors ] && { allow=1; shift; }
n=0 bad=0 skipped=0
while IFS= read -r -d '' f; do
  case "$f" in *.js|*.mjs|*.cjs|*.jsx|*.ts|*.tsx|*.mts|*.cts) file=$f ;; *) file= ;; esac
  [ -z "$file" ] && [ $allow = 0 ] && continue
  n=$((n + 1))
  if [ -z "$file" ]; then # an extensionless fuzz seed: read it as JavaScript
    tmp=$(mktemp --suffix=.js); cp "$f" "$tmp"; file=$tmp
  fi
  err=$("$tool" --roundtrip --minify-identifiers "$file" 2>&1 >/dev/null); rc=$?
  [ "$file" != "$f" ] && rm -f "$file"
  if [ $rc = 1 ] && [ $allow = 1 ]; then skipped=$((skipped + 1)); continue; fi
  if [ $rc != 0 ]; then
    bad=$((bad + 1))
    echo "FAIL (exit $rc): $f"; echo "$err" | head -c 600; echo
  fi
done < <(find "$@" -type f ! -name '*.d.ts' ! -name '*.json' ! -name '*.md' ! -name '*.map' -print0 | sort -z)
echo "$n files, $bad failed, $skipped did not parse (allowed)"
[ $bad = 0 ] && [ $n -gt 0 ]
