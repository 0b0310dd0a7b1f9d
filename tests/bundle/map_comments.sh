#!/usr/bin/env bash
# map_comments.sh SLUICE: a bundled module's own `//# sourceMappingURL=`
# (and `//@ sourceMappingURL=`) comments are left out of the bundle, as
# esbuild leaves them: copied in, node --enable-source-maps mapped the whole
# bundle through that one module's map (a stack named FAKE.ts).  With
# --sourcemap the bundle's own comment is the only one and comes last.
# The same text inside a template literal is code and stays.
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
fake=$(printf '{"version":3,"sources":["FAKE.ts"],"names":[],"mappings":"AAAA;AACA;AACA;AACA;AACA;AACA;AACA;AACA"}' | base64 -w0)
printf 'exports.f = function () { return 1; };\n//# sourceMappingURL=data:application/json;base64,%s\n' "$fake" >m.cjs
printf 'export const g = () => `a\n//# sourceMappingURL=kept.js.map\n`.length;\n' >n.mjs
printf 'exports.h = 2;\n/* a comment */ //@ sourceMappingURL=o.js.map\n' >o.cjs
cat >entry.mjs <<'JS'
import { g } from './n.mjs';
import { h } from './o.cjs';
import { f } from './m.cjs';
console.log(f(), g(), h);
throw new Error('boom');
JS
want=$(node entry.mjs 2>/dev/null)
for fmt in esm cjs; do
  out=out.mjs; [ $fmt = cjs ] && out=out.cjs
  "$sluice" bundle entry.mjs -q --platform node --format $fmt -o $out 2>err || fail "$fmt: exit $? $(cat err)"
  got=$(node --enable-source-maps $out 2>stack)
  [ "$got" = "$want" ] || fail "$fmt: printed '$got', want '$want'"
  grep -q FAKE.ts stack && fail "$fmt: node --enable-source-maps read m.cjs's map for the bundle: $(grep -m1 'at ' stack)"
  grep -q "$out:" stack || fail "$fmt: the stack does not name the bundle: $(grep -m1 'at ' stack)"
  [ "$(grep -c 'sourceMappingURL=' $out)" = 1 ] || fail "$fmt: want only the template literal's line: $(grep sourceMappingURL= $out)"
  grep -q '^//# sourceMappingURL=kept.js.map$' $out || fail "$fmt: the template literal lost its line"
  "$sluice" bundle entry.mjs -q --platform node --format $fmt --sourcemap -o $out 2>err || fail "$fmt --sourcemap: exit $? $(cat err)"
  node --enable-source-maps $out >/dev/null 2>stack
  grep -m1 '    at ' stack | grep -q 'entry.mjs:5:' || fail "$fmt --sourcemap: stack $(grep -m1 'at ' stack)"
  [ "$(tail -n1 $out)" = "//# sourceMappingURL=$out.map" ] || fail "$fmt --sourcemap: last line $(tail -n1 $out)"
  [ "$(grep -c '^//[#@] sourceMappingURL=' $out)" = 2 ] || fail "$fmt --sourcemap: $(grep sourceMappingURL= $out)"
done
echo "ok: module map comments"
