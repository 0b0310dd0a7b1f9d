#!/usr/bin/env bash
# ts_package.sh TOOL NAME [FLAG...]: real TypeScript from npm.  node runs
# ts_packages/NAME/main.mjs against the package's published JavaScript;
# then a copy of main.mjs whose imports point at the package's .ts sources
# (ts_packages/NAME/sources: `SPECIFIER PATH-IN-PACKAGE` a line; the
# sources are copied with ts_packages/NAME/tsconfig.json beside them) is bundled
# by TOOL (the sluice binary, or `esbuild` for the reference) as ESM and as
# CJS with FLAGs (sluice's spelling, e.g. --minify), and node must print
# the same running each bundle.  ts_packages/NAME/min_ts: the least number
# of .ts modules the bundle must take (from the metafile), so a bundle that
# fell back to the published JavaScript fails.  Packages:
# scripts/npm/bundle-ts (pinned).
set -uo pipefail
tool=$1 name=$2; shift 2
. "$(dirname "$0")/ts_common.sh"
dir=$root/tests/bundle/ts_packages/$name
ts_require_support "$tool" "ts_package $name" ts "$@"
ts_install
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ln -s "$ts_modules" "$work/node_modules"
cp "$dir/main.mjs" "$work/main.mjs"
# The sources are copied beside the package's tsconfig.json as
# ts_packages/NAME/tsconfig.json says it was compiled (the published build's
# settings; the package's own root tsconfig may differ).
rewrite=()
while read -r spec path; do
  [ -n "$spec" ] || continue
  pkg=${spec%%/*}
  [ -f "$ts_modules/$pkg/$path" ] || { echo "FAIL: $name: $pkg/$path is not in the package"; exit 1; }
  if [ ! -d "$work/ts/$pkg" ]; then
    mkdir -p "$work/ts/$pkg" && cp -r "$ts_modules/$pkg/${path%%/*}" "$work/ts/$pkg/"
    [ -f "$dir/tsconfig.json" ] && cp "$dir/tsconfig.json" "$work/ts/$pkg/"
  fi
  rewrite+=(-e "s|from '$spec';|from './ts/$pkg/$path';|")
done <"$dir/sources"
sed "${rewrite[@]}" "$dir/main.mjs" >"$work/main.ts.mjs"
if cmp -s "$work/main.mjs" "$work/main.ts.mjs"; then echo "FAIL: $name: no import was pointed at the sources"; exit 1; fi
# SLUICE_TEST_BUNDLE_ONLY=1 (the ASan build): bundle under the sanitizer,
# run nothing under node (the release build checks what the bundles print).
only=${SLUICE_TEST_BUNDLE_ONLY:-0}
if [ "$only" != 1 ]; then
  (cd "$work" && node main.mjs) >"$work/want" 2>&1 || { echo "FAIL: node main.mjs (published JavaScript) failed"; cat "$work/want"; exit 1; }
fi
# Both formats are bundled first, so one node reads both metafiles.
for format in esm cjs; do
  out=$work/out-$format.${format/esm/mjs}
  if ! ts_bundle "$tool" "$work/main.ts.mjs" "$out" "$format" --platform=node --define=process.env.NODE_ENV='"production"' \
       --metafile "$work/meta-$format.json" "$@"; then
    echo "FAIL: bundling $name's .ts sources ($format${*:+ $*})"; exit 1
  fi
done
if [ "$only" = 1 ]; then echo "ok: $name from .ts bundled (esm, cjs${*:+ $*}; not run: SLUICE_TEST_BUNDLE_ONLY)"; exit 0; fi
read -r ts_esm ts_cjs < <(node -e 'console.log(process.argv.slice(1).map((f) => Object.keys(JSON.parse(require("fs").readFileSync(f, "utf8")).inputs).filter((k) => k.endsWith(".ts")).length).join(" "))' "$work/meta-esm.json" "$work/meta-cjs.json")
for format in esm cjs; do
  out=$work/out-$format.${format/esm/mjs}
  ts=$ts_esm; [ "$format" = cjs ] && ts=$ts_cjs
  [ -n "$ts" ] && [ "$ts" -ge "$(cat "$dir/min_ts")" ] || { echo "FAIL: $name ($format): the bundle took ${ts:-no} .ts modules, fewer than $(cat "$dir/min_ts")"; exit 1; }
  (cd "$work" && node "$out") >"$work/got" 2>&1
  if ! cmp -s "$work/want" "$work/got"; then
    echo "FAIL: $name ($format${*:+ $*}): the bundle of the .ts sources prints otherwise than the published JavaScript"
    diff -u "$work/want" "$work/got" | head -40; exit 1
  fi
  echo "ok: $name from .ts ($format${*:+ $*}, $ts .ts modules, $(wc -c <"$out") bytes, $(wc -l <"$work/want") lines alike)"
done
