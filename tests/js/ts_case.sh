#!/usr/bin/env bash
# ts_case.sh JS_TOOL CASE_DIR REFS_DIR: compiles every .ts file of a case
# with the front end (js_tool), plain and with --minify, runs main.js of
# each under node, and fails unless both print exactly what tsc's output
# printed (REFS_DIR/NAME.out, from ts_refs.mjs once per build) and exit 0.
# A `// @...` line of main.ts picks options:
#   // @options: --no-define-fields --experimental-decorators
#   // @module: commonjs
#   // @names   (the output prints function or class names, which --minify
#                renames as esbuild's does: the minified run is not compared)
set -uo pipefail
tool=$1 dir=$2 refs=$3
name=$(basename "$dir")
want=$refs/$name.out
[ -f "$want" ] || { echo "FAIL: no tsc reference $want (the js_ts_refs fixture)"; exit 1; }
read -r -a opts < <(sed -n 's|^// @options:||p' "$dir/main.ts" | head -1)
type=module; grep -qx '// @module: commonjs' "$dir/main.ts" && type=commonjs
sides=(sluice sluice-min); grep -qx '// @names' "$dir/main.ts" && sides=(sluice)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for side in "${sides[@]}"; do
  mkdir "$work/$side" && printf '{"type":"%s"}' "$type" >"$work/$side/package.json"
  extra=(); [ "$side" = sluice-min ] && extra=(--minify)
  for f in "$dir"/*.ts "$dir"/*.tsx; do
    [ -f "$f" ] || continue
    js=$(basename "$f"); js=${js%.ts*}.js
    "$tool" "${opts[@]}" "${extra[@]}" "$f" >"$work/$side/$js" 2>"$work/err" || { echo "FAIL: js_tool ${extra[*]} $f: $(cat "$work/err")"; exit 1; }
  done
  (cd "$work/$side" && node main.js) >"$work/$side.out" 2>"$work/$side.err"; rc=$?
  if [ "$rc" != 0 ] || ! cmp -s "$want" "$work/$side.out"; then
    echo "FAIL: $name: $side output differs (exit $rc)"; diff -u "$want" "$work/$side.out" | head -40; head -20 "$work/$side.err"
    echo "--- $side main.js"; cat "$work/$side/main.js"; exit 1
  fi
done
echo "ok: $name (${sides[*]})"; cat "$want"
