#!/usr/bin/env bash
# jsx_case.sh JS_TOOL CASE MODE REFS_DIR: compiles one .jsx/.tsx case with
# the front end (js_tool --jsx=MODE, plain and --minify), renders the
# default export of each with REFS_DIR/jsx_render.mjs (react-dom/server
# and a description of the element tree: types, keys, props), and fails
# unless the HTML, the description and React's warnings are those of
# esbuild's output (REFS_DIR/NAME.MODE.*, from jsx_refs.mjs once per
# build).  The minified output is compared without the line that names
# component functions (a minifier renames them, as esbuild's does).
set -uo pipefail
tool=$1 file=$2 mode=$3 refs=$4
name=$(basename "$file"); name=${name%.*}
ref=$refs/$name.$mode
[ -f "$ref.rc" ] || { echo "FAIL: no esbuild reference $ref.rc (the js_jsx_refs fixture)"; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ln -s "$refs/node_modules" "$work/node_modules"
# show OUT ERR RC [unnamed]: what a render showed, as one text
show() { if [ -n "${4:-}" ]; then tail -n +2 "$1"; else cat "$1"; fi; cat "$2"; [ "$3" = 0 ] || echo "[exit $3]"; }
for side in sluice sluice-min; do
  extra=(); [ "$side" = sluice-min ] && extra=(--minify)
  "$tool" --jsx="$mode" "${extra[@]}" "$file" >"$work/$side.mjs" 2>"$work/err" || { echo "FAIL: js_tool ${extra[*]}: $(cat "$work/err")"; exit 1; }
  (cd "$work" && node "$refs/jsx_render.mjs" "$work/$side.mjs") >"$work/$side.out" 2>"$work/$side.err"; rc=$?
  unnamed=; [ "$side" = sluice-min ] && unnamed=1
  show "$ref.out" "$ref.err" "$(cat "$ref.rc")" $unnamed >"$work/want"
  show "$work/$side.out" "$work/$side.err" "$rc" $unnamed >"$work/got"
  if ! cmp -s "$work/want" "$work/got"; then
    echo "FAIL: $name (${mode}, $side)"; diff -u "$work/want" "$work/got" | head -40
    echo "--- code"; cat "$work/$side.mjs"; exit 1
  fi
done
echo "ok: $name ($mode)"; cat "$ref.out"
