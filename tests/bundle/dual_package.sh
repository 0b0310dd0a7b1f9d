#!/usr/bin/env bash
# dual_package.sh SLUICE: a package with an ES build (`module`) and a
# CommonJS build (`main`) is bundled once, by esbuild's rule (resolver.c
# try_dir, graph.c use_main_builds):
# - reached by its bare name and by a path into its `main` tree, the bare
#   name takes `main` too: one module state, `t.str === lib.str` as node
#   gives (io-ts + io-ts/lib/PathReporter.js, fp-ts es6/* and lib/*);
# - reached by its bare name only, an import still takes `module`;
# - require() of the bare name takes `main`.
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
pkg() { # pkg NAME: package.json with both fields, es/ and lib/ builds
  mkdir -p "node_modules/$1/es" "node_modules/$1/lib"
  printf '{"name":"%s","main":"./lib/index.js","module":"./es/index.js"}\n' "$1" >"node_modules/$1/package.json"
  printf 'export const str = {}; export const build = "es"; export const esbuild_%s_marker = 1;\n' "$1" \
    >"node_modules/$1/es/index.js"
  printf 'exports.str = {}; exports.build = "lib"; exports.cjs_%s_marker = 1;\n' "$1" >"node_modules/$1/lib/index.js"
}
pkg dual; pkg solo; pkg req
printf 'module.exports = require("./index").str;\n' >node_modules/dual/lib/reporter.js
cat >main.mjs <<'JS'
import * as t from 'dual';
import reporterStr from 'dual/lib/reporter.js';
import { build } from 'solo';
import r from './r.cjs';
console.log(t.str === reporterStr, t.build, build, r);
JS
printf 'module.exports = require("req").build;\n' >r.cjs
want=$(node main.mjs) || fail "node main.mjs"
[ "$want" = "true lib lib lib" ] || fail "node printed '$want'"
for fmt in esm iife; do
  out=out.js; [ $fmt = esm ] && out=out.mjs
  "$sluice" bundle main.mjs -q --platform browser --format $fmt -o $out 2>err || fail "$fmt: exit $? $(cat err)"
  got=$(node $out)
  # node runs `main` everywhere; the bundle runs solo's ES build
  [ "$got" = "true lib es lib" ] || fail "$fmt: printed '$got', want 'true lib es lib'"
  grep -q esbuild_dual_marker $out && fail "$fmt: dual's ES build is bundled beside its CommonJS build"
  grep -q cjs_solo_marker $out && fail "$fmt: solo, imported by its bare name only, did not take \`module\`"
  grep -q esbuild_req_marker $out && fail "$fmt: require(\"req\") took \`module\`, not \`main\`"
done
# --platform node prefers `main`: the same as node
"$sluice" bundle main.mjs -q --platform node --format esm -o out.mjs 2>err || fail "node: exit $? $(cat err)"
got=$(node out.mjs)
[ "$got" = "$want" ] || fail "--platform node printed '$got', want '$want'"
echo "ok: dual package"
