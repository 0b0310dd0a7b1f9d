#!/usr/bin/env bash
# demo.sh BUILD: graph the example workspace (tools/graph/example) and
# answer three questions from the SQLite output with the sqlite3 CLI:
# who calls a function, who implements a trait, what a module holds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
db=$out/example.sqlite
echo "\$ sluice graph --db example.sqlite --json example.json --stats tools/graph/example"
"$build/sluice" graph --db "$db" --json "$out/example.json" --stats "$here/example"
if ! command -v sqlite3 >/dev/null; then
  echo "(sqlite3 is not installed: scripts/install-deps.sh graph installs it; skipping the queries)"
  exit 0
fi
q() { echo; echo "-- $1"; sqlite3 -header -column "$db" "$2"; }
q "callers of crate::shapes::squared (geom)" "
SELECT caller.path AS caller, substr(f.path, length('$here/') + 1) AS file, caller.line
FROM nodes callee
JOIN edges e ON e.dst = callee.id AND e.kind = 'calls'
JOIN nodes caller ON caller.id = e.src
LEFT JOIN files f ON f.id = caller.file
WHERE callee.path = 'crate::shapes::squared' ORDER BY file, caller.line;"
q "implementors of the trait Area" "
SELECT ty.path AS type, impl.sig AS impl
FROM nodes tr
JOIN edges i ON i.dst = tr.id AND i.kind = 'implements'
JOIN nodes impl ON impl.id = i.src
JOIN edges o ON o.src = impl.id AND o.kind = 'impl_of'
JOIN nodes ty ON ty.id = o.dst
WHERE tr.kind = 'trait' AND tr.name = 'Area' ORDER BY type;"
q "items of the module crate::shapes (geom)" "
SELECT c.kind, c.name, c.vis, c.line
FROM nodes m
JOIN edges e ON e.src = m.id AND e.kind = 'contains'
JOIN nodes c ON c.id = e.dst
WHERE m.path = 'crate::shapes' ORDER BY c.line;"
q "what app's main calls, across crates" "
SELECT d.kind, d.path, cr.name AS crate
FROM nodes f
JOIN edges e ON e.src = f.id AND e.kind = 'calls'
JOIN nodes d ON d.id = e.dst
LEFT JOIN nodes cr ON cr.id = d.crate
WHERE f.path = 'crate::main' ORDER BY d.path;"
