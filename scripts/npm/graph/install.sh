#!/usr/bin/env bash
# install.sh: fetch the pinned tree-sitter-rust grammar (package-lock.json)
# into scripts/npm/graph/node_modules, which git ignores.  Its install
# scripts are not run: sluice compiles src/parser.c and src/scanner.c itself.
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
want=0.23.2
pkg="$here/node_modules/tree-sitter-rust"
if [ -f "$pkg/src/parser.c" ] && grep -q "\"version\": \"$want\"" "$pkg/package.json" 2>/dev/null; then
  exit 0
fi
command -v npm >/dev/null || { echo "npm/graph: npm is missing (scripts/install-deps.sh graph installs it)" >&2; exit 2; }
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
[ -f "$pkg/src/parser.c" ] || { echo "npm/graph: $pkg/src/parser.c missing after npm ci" >&2; exit 2; }
