#!/usr/bin/env bash
# roundtrip.sh JS_TOOL [--allow-errors] PATH...: every JavaScript/TypeScript
# file under the paths is parsed, lowered and printed (identifiers
# minified), and the printed text parsed and printed again: it must parse,
# and print the same bytes (a printer that drops or misplaces anything
# shows up as a difference).  With --allow-errors, extensionless files
# (fuzz seeds) are included and a file that does not parse in the first
# place is skipped.
set -uo pipefail
tool=$1; shift
allow=()
[ "${1:-}" = --allow-errors ] && { allow=(--allow-errors); shift; }
if [ ${#allow[@]} = 1 ]; then
  mapfile -d '' files < <(find "$@" -type f ! -name '*.d.ts' ! -name '*.json' ! -name '*.md' ! -name '*.map' -print0 | sort -z)
else
  mapfile -d '' files < <(find "$@" -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' -o -name '*.jsx' \
    -o -name '*.ts' -o -name '*.tsx' \) ! -name '*.d.ts' -print0 | sort -z)
fi
[ ${#files[@]} -gt 0 ] || { echo "no files"; exit 1; }
exec "$tool" --roundtrip --minify-identifiers "${allow[@]}" "${files[@]}"
