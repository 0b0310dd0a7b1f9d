#!/usr/bin/env bash
# minify_sourcemap.sh TOOL FORMAT [FLAG...]: bundles tests/bundle/sourcemap_app
# (TypeScript and JavaScript modules and immer's published JavaScript,
# every case throwing) with --sourcemap and FLAGs (default --minify) as
# FORMAT (esm or cjs), runs the bundle, and maps the thrown stacks' frames
# back through the source map with the `source-map` package
# (sourcemap_check.mjs): each sampled frame must resolve to the right
# original file and line.  TOOL: the sluice binary, or `esbuild`.
set -uo pipefail
tool=$1 format=$2; shift 2
[ $# -gt 0 ] || set -- --minify
. "$(dirname "$0")/ts_common.sh"
ts_require_support "$tool" "minify_sourcemap" ts --sourcemap "$@"
ts_install
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r "$root/tests/bundle/sourcemap_app" "$work/app"
ln -s "$ts_modules" "$work/node_modules"
ext=mjs; [ "$format" = cjs ] && ext=cjs
out=$work/out/bundle.$ext
mkdir -p "$work/out"
if ! ts_bundle "$tool" "$work/app/main.ts" "$out" "$format" --platform=node --sourcemap "$@"; then
  echo "FAIL: $tool could not bundle sourcemap_app (${*} --sourcemap, $format)"; exit 1
fi
[ -f "$out.map" ] || { echo "FAIL: no source map $out.map"; exit 1; }
grep -q "sourceMappingURL=bundle.$ext.map" "$out" || { echo "FAIL: the bundle does not name its map"; exit 1; }
(cd "$work" && node "$out") >"$work/got" 2>&1 || { echo "FAIL: the bundle did not run"; head -c 2000 "$work/got"; exit 1; }
(cd "$work/app" && node pkg-ref.mjs) >"$work/ref" 2>&1 || { echo "FAIL: pkg-ref.mjs did not run"; cat "$work/ref"; exit 1; }
names=(); [[ " $* " == *" --minify "* || " $* " == *" --minify-identifiers "* ]] && names=(--names)
(cd "$work" && node "$root/tests/bundle/sourcemap_check.mjs" "$out.map" "$work/app" "$work/got" "$work/ref" "${names[@]}") || exit 1
echo "ok: $tool $* --sourcemap ($format): every sampled frame maps to its original file and line"
