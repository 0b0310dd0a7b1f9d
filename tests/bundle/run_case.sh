#!/usr/bin/env bash
# run_case.sh SLUICE CASE_DIR [FORMAT]: runs CASE_DIR/main.mjs with node, then
# bundles it with `sluice bundle` and runs the bundle; the test passes when
# both print exactly the same (stdout and exit status).
set -uo pipefail
sluice=$1 dir=$(cd "$2" && pwd) format=${3:-esm}
command -v node >/dev/null || { echo "run_case: node is missing" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ext=mjs; [ "$format" = esm ] || ext=cjs
entry=$dir/main.mjs; [ -f "$entry" ] || entry=$dir/main.cjs; [ -f "$entry" ] || entry=$dir/main.js
(cd "$dir" && node "$entry") >"$work/want" 2>"$work/want.err"; want_rc=$?
if ! "$sluice" bundle "$entry" --platform node --format "$format" -q -o "$work/out.$ext" 2>"$work/bundle.err"; then
  echo "FAIL: bundling $entry"; cat "$work/bundle.err"; exit 1
fi
(cd "$dir" && node "$work/out.$ext") >"$work/got" 2>"$work/got.err"; got_rc=$?
if ! cmp -s "$work/want" "$work/got" || [ "$want_rc" != "$got_rc" ]; then
  echo "FAIL: $entry ($format): output differs (node exit $want_rc, bundle exit $got_rc)"
  diff -u "$work/want" "$work/got" | head -40
  head -20 "$work/got.err"
  exit 1
fi
echo "ok: $(basename "$dir") ($format)"
