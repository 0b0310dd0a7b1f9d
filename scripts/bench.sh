#!/usr/bin/env bash
# bench.sh BUILD: runs every benchmark in BUILD/bench/ with its default
# settings.  Run one alone for its own flags: BUILD/bench/NAME --help.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
for b in "$build"/bench/*; do
  [ -x "$b" ] && [ -f "$b" ] || continue
  echo "== $(basename "$b") =="
  "$b"
  echo
done
