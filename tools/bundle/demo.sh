#!/usr/bin/env bash
# demo.sh BUILD: bundles the small example app in tools/bundle/example with
# `sluice bundle`, shows the statistics and runs the bundle next to the
# original under node.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
sluice=$(cd "$build" && pwd)/sluice
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
"$sluice" bundle "$here/example/src/main.mjs" --platform node --format esm --stats \
  --metafile "$out/meta.json" --sourcemap -o "$out/app.mjs"
echo "-- node running the sources:"
node "$here/example/src/main.mjs"
echo "-- node running the bundle:"
node "$out/app.mjs"
echo "-- the bundle ($(wc -c <"$out/app.mjs") bytes):"
cat "$out/app.mjs"
