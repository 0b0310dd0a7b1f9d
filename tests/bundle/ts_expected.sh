#!/usr/bin/env bash
# ts_expected.sh ESBUILD CASE_DIR...: node cannot run TypeScript, so a
# TypeScript case (main.ts / main.tsx) states in `expected` what its
# program prints; this checks each such statement against esbuild (pinned
# in scripts/npm/js): esbuild bundles the case, node runs it, and the
# output must equal `expected` byte for byte.  The case's `flags` are
# passed to esbuild too (`--flag value` becomes `--flag=value`).
set -uo pipefail
esbuild=$1; shift
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
for dir in "$@"; do
  [ -f "$dir/expected" ] || continue
  entry=$dir/main.ts; [ -f "$entry" ] || entry=$dir/main.tsx
  flags=() raw=(); [ -f "$dir/flags" ] && read -r -a raw <"$dir/flags"
  for ((i = 0; i < ${#raw[@]}; i++)); do
    if [[ ${raw[i]} == --* && ${raw[i]} != *=* && $((i + 1)) -lt ${#raw[@]} && ${raw[i+1]} != --* ]]; then
      flags+=("${raw[i]}=${raw[i+1]}"); i=$((i + 1))
    else
      flags+=("${raw[i]}")
    fi
  done
  name=$(basename "$dir")
  if ! "$esbuild" "$entry" --bundle --platform=node --format=esm --log-level=error "${flags[@]}" --outfile="$work/$name.mjs"; then
    echo "FAIL: esbuild could not bundle $name"; fail=1; continue
  fi
  if ! (cd "$dir" && node "$work/$name.mjs") >"$work/$name.out" 2>&1 || ! cmp -s "$dir/expected" "$work/$name.out"; then
    echo "FAIL: $name: expected differs from esbuild's bundle run by node"; diff -u "$dir/expected" "$work/$name.out" | head -20; fail=1
    continue
  fi
  echo "ok: $name (expected = esbuild)"
done
exit $fail
