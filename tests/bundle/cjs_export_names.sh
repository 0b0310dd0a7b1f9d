#!/usr/bin/env bash
# cjs_export_names.sh SLUICE: an ES entry bundled with --format cjs can be
# imported by name from an ES module in node, as the entry itself can.
# Node finds a CommonJS module's named exports with cjs-module-lexer,
# which cannot see through `module.exports = __toCommonJS(ns)`: the bundle
# ends, as esbuild's does, with `0 && (module.exports = { named, ... })`,
# which never runs and which the lexer reads.  Names that are no
# identifier ("a-b"), reserved words (`if`) and words strict code reserves
# (`yield`, in a bundle that says "use strict") are keys, not shorthands;
# `export *` and `export * as` names are listed too; the list stays at the
# top level after the strict function of a bundle that holds sloppy
# CommonJS, and survives --minify.  An `export *` of an external is
# kept too.  And the bundle's closures name none of their own.
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
cat >star.mjs <<'JS'
export const fromStar = 'star';
export default 'star default (not re-exported by export *)';
JS
echo 'exports.sloppy = 010;' >sloppy.cjs
cat >lib.mjs <<'JS'
export default function d() { return 'd'; }
export const named = 'n';
const x = 'x', y = 'y', z = 'z';
export { x as "a-b", y as if, z as yield };
export * from './star.mjs';
export * as nsx from './star.mjs';
JS
cat >lib_sloppy.mjs <<'JS'
import s from './sloppy.cjs';
export const octal = s.sloppy;
export * from './lib.mjs';
export { default } from './lib.mjs';
JS
cat >consumer.mjs <<'JS'
import * as whole from 'LIB';
import d, { named, "a-b" as ab, if as iff, yield as yld, fromStar, nsx } from 'LIB';
console.log(typeof d, typeof d.default, named, ab, iff, yld, fromStar, Object.keys(nsx).join());
console.log(['a-b', 'fromStar', 'if', 'named', 'nsx', 'yield'].filter((k) => k in whole).join());
JS
# node itself: the ES module's own namespace (d is the function)
sed 's|LIB|./lib.mjs|' consumer.mjs >ref.mjs
ref=$(node ref.mjs 2>&1 | tr '\n' ' ')
[ "$ref" = "function undefined n x y z star default,fromStar a-b,fromStar,if,named,nsx,yield " ] ||
  fail "node printed '$ref' for the entry itself"
# the bundle: CommonJS, whose default import is module.exports (its
# default export is .default); every other name as in the entry
want="object function n x y z star default,fromStar a-b,fromStar,if,named,nsx,yield "
for entry in lib lib_sloppy; do
  for flags in "" "--minify"; do
    "$sluice" bundle $entry.mjs -q --platform node --format cjs $flags -o out.cjs 2>err || fail "bundle $entry $flags: $(cat err)"
    sed 's|LIB|./out.cjs|' consumer.mjs >use.mjs
    got=$(node use.mjs 2>&1 | tr '\n' ' ')
    [ "$got" = "$want" ] || fail "$entry $flags: node's import by name of the cjs bundle printed '$got'"
  done
done
# `export *` of an external (a package left out, a node built-in): its
# names are the bundle's too, at run time (they were dropped) and for
# node's loader: `export * from "x"` in esm output, `...require("x")` in
# the cjs list, as esbuild writes them (node does not follow a built-in's)
mkdir -p node_modules/ext && echo 'exports.fromExt = "ext";' >node_modules/ext/index.js
cat >lib_ext.mjs <<'JS'
export * from 'ext';
export * from 'node:path';
export const own = 'own';
JS
for fmt in esm cjs; do
  out=out_ext.mjs; [ $fmt = cjs ] && out=out_ext.cjs
  "$sluice" bundle lib_ext.mjs -q --platform node --format $fmt --external ext -o $out 2>err || fail "bundle ext $fmt: $(cat err)"
  printf 'import * as ns from "./%s";\nimport { fromExt, own } from "./%s";\nconst all = ns.sep ? ns : ns.default;\nconsole.log(fromExt, own, typeof all.join, all.sep);\n' $out $out >use_ext.mjs
  got=$(node use_ext.mjs 2>&1 | tr '\n' ' ')
  [ "$got" = "ext own function / " ] || fail "$fmt: the names of an external export * printed '$got'"
done
grep -q '^export \* from "ext";' out_ext.mjs || fail "esm output lacks export * from \"ext\""
# The entry's names only: node's cjs-module-lexer reads `exports.x =`,
# `module.exports = {...}` and `Object.defineProperty(exports, ...)`
# anywhere in the file, so the CommonJS closures of the bundle (a UMD
# module's factory, a JSON file), and an ES module's function whose
# parameter is named exports, must not spell them: `exports` and
# `module` are renamed in cjs output, as esbuild does (exports2, module2)
cat >umd.cjs <<'JS'
(function (global, factory) {
  typeof exports === 'object' && typeof module !== 'undefined' ? factory(exports) : factory(global.x = {});
}(this, function (exports) { 'use strict';
  exports.umdName = 1;
  Object.defineProperty(exports, '__esModule', { value: true });
}));
var o = { exports }, { exports: e } = { exports: 5 };
module.exports.viaModule = [o.exports === exports, e].join();
Object.defineProperty(exports, 'defined', { value: 2, enumerable: true });
JS
echo '{"jsonKey": true, "other": 2}' >data.json
cat >inner_names.mjs <<'JS'
import u from './umd.cjs';
import data from './data.json';
export function set(exports) { exports.fromEsm = 1; return Object.keys(exports).join(); }
export const seen = [u.umdName, u.viaModule, u.defined, data.jsonKey, set({})].join();
JS
for flags in "" "--minify-whitespace --minify-syntax"; do
  "$sluice" bundle inner_names.mjs -q --platform node --format cjs $flags -o inner.cjs 2>err || fail "bundle inner_names $flags: $(cat err)"
  printf 'import * as ns from "./inner.cjs";\nconsole.log(Object.keys(ns).join(), ns.seen);\n' >use_inner.mjs
  got=$(node use_inner.mjs 2>&1 | tr '\n' ' ')
  [ "$got" = "default,seen,set 1,true,5,2,true,fromEsm " ] ||
    fail "$flags: node read the names of the bundle's closures as its own: '$got'"
done
echo "ok: an ES entry's cjs bundle can be imported by name"
