#!/usr/bin/env bash
# run.sh BUILD: the main job on built-in example data: the channel demo,
# then each tool's demo (tools/<name>/demo.sh BUILD) where it has one.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
echo "== examples/chan_demo =="
"$build/examples/chan_demo"
for demo in tools/*/demo.sh; do
  [ -f "$demo" ] || continue
  echo
  echo "== $demo =="
  bash "$demo" "$build"
done
