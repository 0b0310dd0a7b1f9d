#!/usr/bin/env bash
# script_modules.sh SLUICE: a .js file with neither import/export nor
# module/exports (a script, a polyfill, an empty file) outside "type":
# "module" is CommonJS, as node reads it, however it is imported: when
# another module takes its default or namespace (`import x from "./a.js"`
# failed the build, "no export named default", and `import * as ns` gave
# an empty namespace), import()s it, or imports it for its effects.
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
echo 'globalThis.seen = (globalThis.seen || 0) + 1;' >a.js
: >empty.js
echo 'globalThis.side = 1;' >side.js
cat >m.mjs <<'JS'
import x from "./a.js";
import * as ns from "./a.js";
import e from "./empty.js";
import "./side.js";
const d = await import("./empty.js");
console.log(typeof x, JSON.stringify(x), Object.keys(ns).join(), JSON.stringify(e), Object.keys(d).join(),
            globalThis.seen, globalThis.side);
JS
want=$(node m.mjs) || fail "node refuses the entry"
[ "$want" = 'object {} default {} default 1 1' ] || fail "node printed '$want'"
for flags in "" "--minify"; do
  "$sluice" bundle m.mjs -q --platform node --format esm -o out.mjs $flags 2>err || fail "bundle $flags: $(cat err)"
  got=$(node out.mjs 2>&1)
  [ "$got" = "$want" ] || fail "bundle $flags printed '$got', node '$want'"
done
# imported only for its effects, a script is CommonJS too (node runs it
# so: sloppy, its names its own), where it was pasted into the bundle's
# strict ES code (advbundle F8); a file node loads as an ES module (.mjs,
# or .js under "type": "module") with no import/export stays inline
printf 'import "./side.js";\nconsole.log(globalThis.side);\n' >s.mjs
"$sluice" bundle s.mjs -q --platform node --format esm -o out.mjs 2>err || fail "side-effect import: $(cat err)"
grep -q "__cjs" out.mjs || fail "a script imported for its effects was not CommonJS: $(cat out.mjs)"
[ "$(node out.mjs)" = 1 ] || fail "side-effect import printed '$(node out.mjs 2>&1)'"
mkdir -p typemod && echo '{"type": "module"}' >typemod/package.json
echo 'globalThis.side2 = 2;' >typemod/side.js
echo 'globalThis.side3 = 3;' >side.mjs
printf 'import "./typemod/side.js";\nimport "./side.mjs";\nconsole.log(globalThis.side2, globalThis.side3);\n' >s2.mjs
"$sluice" bundle s2.mjs -q --platform node --format esm -o out.mjs 2>err || fail "ES side-effect import: $(cat err)"
grep -q "__cjs" out.mjs && fail "an ES module with no import/export was wrapped as CommonJS: $(cat out.mjs)"
[ "$(node out.mjs)" = "2 3" ] || fail "ES side-effect imports printed '$(node out.mjs 2>&1)'"
# top-level await is ES module syntax: such a module stays an ES module
# however it is imported (a CommonJS wrapper cannot hold an await)
printf 'await Promise.resolve(1);\nglobalThis.t = 1;\n' >tla.js
printf 'const m = await import("./tla.js");\nimport * as ns from "./tla.js";\nconsole.log(Object.keys(m).length, Object.keys(ns).length, globalThis.t);\n' >t.mjs
want=$(node t.mjs 2>&1)
"$sluice" bundle t.mjs -q --platform node --format esm -o out.mjs 2>err || fail "top-level await: $(cat err)"
got=$(node out.mjs 2>&1)
[ "$got" = "$want" ] || fail "top-level await: printed '$got', node '$want'"
echo "ok: scripts imported whole are CommonJS"
