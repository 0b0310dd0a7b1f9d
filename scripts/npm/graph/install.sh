#!/usr/bin/env bash
# install.sh: fetch what package-lock.json pins - the tree-sitter runtime's
# C sources (in the node binding's package, vendor/tree-sitter/lib) and the
# tree-sitter-rust grammar - into scripts/npm/graph/node_modules, which git
# ignores.  No install scripts are run: sluice compiles the runtime's
# lib.c and the grammar's parser.c and scanner.c itself.  The binding's
# peer range for the grammar is irrelevant to C (.npmrc: legacy-peer-deps).
# Idempotent: does nothing when the pinned versions are already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rust=$here/node_modules/tree-sitter-rust
ts=$here/node_modules/tree-sitter
if [ -f "$rust/src/parser.c" ] && grep -q '"version": "0.23.2"' "$rust/package.json" 2>/dev/null &&
   [ -f "$ts/vendor/tree-sitter/lib/src/lib.c" ] && grep -q '"version": "0.25.1"' "$ts/package.json" 2>/dev/null; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm/graph: npm is missing (scripts/install-deps.sh graph installs it)" >&2; exit 2; }
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
for f in "$rust/src/parser.c" "$ts/vendor/tree-sitter/lib/src/lib.c"; do
  [ -f "$f" ] || { echo "npm/graph: $f missing after npm ci" >&2; exit 2; }
done
