#!/usr/bin/env bash
# run_case.sh SLUICE CASE_DIR [FORMAT [minify]]: runs the case's entry (main.mjs,
# main.cjs or main.js) with node (a TypeScript case, main.ts or main.tsx,
# says what node must print in its `expected` file instead), then bundles it with `sluice bundle
# --platform node --format FORMAT` and runs the bundle; the test passes
# when both print exactly the same (stdout and exit status).  Optional
# files in the case: `flags` (extra bundle flags, one line), `absent`
# (strings, one a line, that tree shaking or --define must have removed
# from the bundle).  With `minify`, the bundle is made with --minify
# (and must still print the same), or with the flags in the case's
# `minify_flags` file: a case that prints function names keeps them by
# leaving out --minify-identifiers, which renames functions (as esbuild's
# does without --keep-names).  With BUNDLE_CASE_REFS set, node's run of
# the entry is read from there (case_refs.sh, once per build) instead of
# run again.
set -uo pipefail
sluice=$1 dir=$(cd "$2" && pwd) format=${3:-esm} mode=${4:-}
command -v node >/dev/null || { echo "run_case: node is missing" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export NODE_ENV=production
ext=mjs; [ "$format" = esm ] || ext=cjs
entry=$dir/main.mjs
for e in main.cjs main.js main.ts main.tsx; do [ -f "$entry" ] || entry=$dir/$e; done
flags=(); [ -f "$dir/flags" ] && read -r -a flags <"$dir/flags"
if [ "$mode" = minify ]; then
  if [ -f "$dir/minify_flags" ]; then read -r -a more <"$dir/minify_flags"; flags+=("${more[@]}"); else flags+=(--minify); fi
fi
if [ -f "$dir/expected" ]; then # node cannot run .ts: what it must print, checked against esbuild (ts_expected.sh)
  cp "$dir/expected" "$work/want"; want_rc=0
elif [ -n "${BUNDLE_CASE_REFS:-}" ]; then
  ref=$BUNDLE_CASE_REFS/$(basename "$dir")
  [ -f "$ref.rc" ] || { echo "FAIL: no reference $ref.rc (the bundle_case_references fixture)"; exit 1; }
  cp "$ref.out" "$work/want" && want_rc=$(cat "$ref.rc")
else
  (cd "$dir" && node "$entry") >"$work/want" 2>"$work/want.err"; want_rc=$?
fi
if ! "$sluice" bundle "$entry" --platform node --format "$format" -q "${flags[@]}" -o "$work/out.$ext" 2>"$work/bundle.err"; then
  echo "FAIL: bundling $entry"; cat "$work/bundle.err"; exit 1
fi
(cd "$dir" && node "$work/out.$ext") >"$work/got" 2>"$work/got.err"; got_rc=$?
if ! cmp -s "$work/want" "$work/got" || [ "$want_rc" != "$got_rc" ]; then
  echo "FAIL: $entry ($format): output differs (node exit $want_rc, bundle exit $got_rc)"
  diff -u "$work/want" "$work/got" | head -40
  head -20 "$work/got.err"
  exit 1
fi
if [ -f "$dir/absent" ]; then
  while read -r s; do
    [ -z "$s" ] && continue
    if grep -qF -- "$s" "$work/out.$ext"; then echo "FAIL: '$s' should not be in the bundle"; exit 1; fi
  done <"$dir/absent"
fi
echo "ok: $(basename "$dir") ($format${mode:+, $mode})"
