#!/usr/bin/env bash
# map_points.sh SLUICE: every mapping of a bundle's source map points at
# the text it stands for (map_points.mjs decodes the map and checks each
# identifier's original text), in the bundle's own map and through
# --minify: the bundler's rewrites (CommonJS interop `(0, import_c.f)`,
# require() calls, renamed names, a shorthand `{ f }` made `{ f: ... }`)
# and the text it generates (wrappers, interop lines, a `;` added) must
# not read as more of the source run before them (adv19 F4: --minify
# composed its map through a rewrite as if it were copied text, so `f`
# in `(0,e.f)` pointed at whatever followed the original `f`).
set -uo pipefail
sluice=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
cat >c.cjs <<'JS'
exports.foo = function (x) { return x + 1; };
exports.bar = 2;
exports.data = require('./d.json').n;
JS
echo '{ "n": 40 }' >d.json
cat >lib.mjs <<'JS'
export const value = 7;
export function twice(x) { return x * 2; }
export default function named(y) { return y - 1; }
JS
cat >other.cjs <<'JS'
const lib = require('./lib.mjs');
module.exports = function viaRequire() { return lib.twice(lib.value); };
JS
cat >main.mjs <<'JS'
import { foo, bar } from './c.cjs';
import def, { data } from './c.cjs';
import * as ns from './c.cjs';
import * as all from './lib.mjs';
import named from './lib.mjs';
import viaRequire from './other.cjs';
const value = 'shadows lib.value';
export function run(input) { return foo(input) + bar + def.bar + ns.foo(data) + all.value + named(3); }
const pair = { foo, value, twice: all.twice };
console.log(run(1), pair.foo(1), pair.value, pair.twice(2), viaRequire())
JS
want=$(node main.mjs) || fail "node main.mjs"
for fmt in esm cjs; do
  for m in "" --minify; do
    out=out$m.mjs; [ $fmt = cjs ] && out=out$m.cjs
    "$sluice" bundle main.mjs --platform node --format $fmt $m --sourcemap -q -o $out || fail "$fmt $m: bundle"
    [ "$(node $out)" = "$want" ] || fail "$fmt $m: printed '$(node $out 2>&1 | head -3)', want '$want'"
    node "$here/map_points.mjs" $out ${m:+--minified} || fail "$fmt $m: mappings point at other text"
  done
done
echo "ok: every mapping points at its own text (esm, cjs; plain and --minify)"
