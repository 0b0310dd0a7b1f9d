#!/usr/bin/env bash
# case_refs.sh OUT_DIR CASE_DIR...: the reference side of every bundle
# case, computed once per build (the CTest fixture bundle_case_refs)
# rather than once per format and once more for --minify: node runs the
# case's entry (main.mjs, main.cjs or main.js) in the case's folder, and
# its stdout and exit status go to OUT_DIR/NAME.out and OUT_DIR/NAME.rc,
# which run_case.sh reads when BUNDLE_CASE_REFS names OUT_DIR.  A case
# with an `expected` file (TypeScript, which node cannot run) needs none.
# A node start costs ~0.25 s of CPU here; the cases cost three each before.
set -uo pipefail
out=$1; shift
command -v node >/dev/null || { echo "case_refs: node is missing" >&2; exit 1; }
rm -rf "$out" && mkdir -p "$out" || exit 1
export NODE_ENV=production
n=0
for dir in "$@"; do
  [ -d "$dir" ] && [ ! -f "$dir/expected" ] || continue
  entry=$dir/main.mjs
  for e in main.cjs main.js; do [ -f "$entry" ] || entry=$dir/$e; done
  [ -f "$entry" ] || { echo "FAIL: $dir has no entry"; exit 1; }
  name=$(basename "$dir")
  (cd "$dir" && node "$entry") >"$out/$name.out" 2>/dev/null
  echo $? >"$out/$name.rc"
  n=$((n + 1))
done
echo "ok: $n case references in $out"
