#!/usr/bin/env bash
# real_package.sh SLUICE NAME [DEFINE...]: bundles tests/bundle/packages/NAME/main.mjs
# (which imports a real npm package pinned in scripts/npm/bundle) and checks
# that node prints the same running the bundle as running the entry itself.
# Installs the packages with `npm ci` from the lock file when missing.
set -uo pipefail
sluice=$1 name=$2; shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
"$root/scripts/npm/bundle/install.sh" || { echo "real_package: npm install failed" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ln -s "$root/scripts/npm/bundle/node_modules" "$work/node_modules"
cp "$root/tests/bundle/packages/$name/main.mjs" "$work/main.mjs"
export TZ=UTC NODE_ENV=production
(cd "$work" && node main.mjs) >"$work/want" 2>&1 || { echo "node main.mjs failed"; cat "$work/want"; exit 1; }
defs=(); for d in "$@"; do defs+=(--define "$d"); done
if ! "$sluice" bundle "$work/main.mjs" --platform node --format esm -q "${defs[@]}" -o "$work/out.mjs"; then
  echo "FAIL: bundling $name"; exit 1
fi
(cd "$work" && node out.mjs) >"$work/got" 2>&1
if ! cmp -s "$work/want" "$work/got"; then
  echo "FAIL: $name: bundle output differs"; diff -u "$work/want" "$work/got" | head -30; exit 1
fi
echo "ok: $name ($(wc -c <"$work/out.mjs") bytes)"
