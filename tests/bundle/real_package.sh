#!/usr/bin/env bash
# real_package.sh SLUICE NAME: bundles tests/bundle/packages/NAME/main.mjs
# (or main.cjs, for a package used through require(); the entry imports a
# real npm package pinned in scripts/npm/bundle) with
# --platform node in ESM and in CJS output, and checks that node prints
# the same running each bundle as running the entry itself.  Optional
# files beside main.mjs: `flags` (extra bundle flags, one line) and
# `absent` (strings, one a line, that must not be in either bundle: a
# development build that --define must have cut).  Installs the packages
# with `npm ci` from the lock file when missing.  A third bundle, ESM with
# --minify (all three minifiers), must print the same too.
set -uo pipefail
sluice=$1 name=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$root/tests/bundle/packages/$name
"$root/scripts/npm/bundle/install.sh" || { echo "real_package: npm install failed" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ln -s "$root/scripts/npm/bundle/node_modules" "$work/node_modules"
entry=main.mjs; [ -f "$dir/$entry" ] || entry=main.cjs
cp "$dir/$entry" "$work/$entry"
export TZ=UTC NODE_ENV=production LANG=C
# SLUICE_TEST_BUNDLE_ONLY=1 (the ASan build): bundle under the sanitizer,
# run nothing under node -- what the bundles print is the release build's
# check, and the node starts were most of this test's time there.
only=${SLUICE_TEST_BUNDLE_ONLY:-0}
if [ "$only" != 1 ]; then
  (cd "$work" && node "$entry") >"$work/want" 2>&1 || { echo "node $entry failed"; cat "$work/want"; exit 1; }
fi
flags=(); [ -f "$dir/flags" ] && read -r -a flags <"$dir/flags"
for run in esm cjs esm-minify; do
  format=${run%-minify} extra=()
  [ "$run" = esm-minify ] && extra=(--minify)
  out=$work/out.$run.${format/esm/mjs}; out=${out/.cjs.cjs/.cjs}
  if ! "$sluice" bundle "$work/$entry" --platform node --format $format -q "${flags[@]}" "${extra[@]}" -o "$out"; then
    echo "FAIL: bundling $name ($run)"; exit 1
  fi
  if [ "$only" != 1 ]; then
    (cd "$work" && node "$out") >"$work/got" 2>&1
    if ! cmp -s "$work/want" "$work/got"; then
      echo "FAIL: $name ($run): bundle output differs"; diff -u "$work/want" "$work/got" | head -30; exit 1
    fi
  fi
  if [ -f "$dir/absent" ]; then
    while read -r s; do
      [ -z "$s" ] || ! grep -qF -- "$s" "$out" || { echo "FAIL: $name ($run): '$s' is in the bundle"; exit 1; }
    done <"$dir/absent"
  fi
  echo "ok: $name ($run, $(wc -c <"$out") bytes)"
done
