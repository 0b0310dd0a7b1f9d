#!/usr/bin/env bash
# warnings.sh SLUICE: code the bundle may not run as the source does is
# reported as `file:line:column: warning: ...` with the line and a caret,
# never fatally (the bundle is written and runs); -q silences warnings;
# files inside node_modules give none; a dead branch under --define gives
# none; a local `require` or `eval` is not the global one and gives none;
# an unresolvable require() in a try is left to run time with a warning;
# import.meta in IIFE or browser CommonJS output becomes {} with a warning;
# a @jsxImportSource comment the classic runtime ignores is warned about.
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
cat >lib.mjs <<'JS'
export const present = 'present';
JS
cat >main.mjs <<'JS'
import * as lib from './lib.mjs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const name = './dep.cjs';
console.log(lib.present, lib.absent);
import(name).then((m) => console.log('dynamic', m.default));
console.log(eval('1 + 1'));
console.log(require(name));
JS
cat >dep.cjs <<'JS'
const which = './other.cjs';
module.exports = 'dep';
if (process.env.NEVER === 'yes') require(which);
function local(require, eval) { return [require(which), eval('x')]; }
JS
"$sluice" bundle main.mjs --platform node --format esm -o out.mjs 2>err || fail "bundle failed: $(cat err)"
[ "$(node out.mjs | tr '\n' ' ')" = "present undefined 2 dep dynamic dep " ] || fail "bundle runs: $(node out.mjs 2>&1 | head -3)"
expect() { # expect FILE:LINE:COL MESSAGE-PART LINE-TEXT
  grep -qF -- "$1: warning: $2" err || fail "no warning '$1: warning: $2' in: $(cat err)"
  grep -qF -- "    $3" err || fail "the line is not shown for $1"
}
expect "$work/main.mjs:5:30" 'import "absent" will always be undefined: there is no export named "absent" in "./lib.mjs"' "console.log(lib.present, lib.absent);"
expect "$work/main.mjs:6:1" 'this "import()" will not be bundled: its argument is not a string literal' "import(name).then((m) => console.log('dynamic', m.default));"
expect "$work/main.mjs:7:13" 'direct eval can see the bundle' "console.log(eval('1 + 1'));"
grep -qE '^ +\^$' err || fail "no caret"
"$sluice" bundle dep.cjs --platform node --format cjs -o dep.out.cjs 2>err || fail "bundle dep.cjs: $(cat err)"
expect "$work/dep.cjs:3:34" 'this call to "require" will not be bundled: its argument is not a string literal' "if (process.env.NEVER === 'yes') require(which);"
[ "$(grep -c warning: err)" = 1 ] || fail "a local require or eval was warned about: $(cat err)"
"$sluice" bundle dep.cjs --platform node --format cjs --define process.env.NEVER='"no"' -o dep.out.cjs 2>err || fail "bundle --define"
! grep -q warning: err || fail "a warning from a dead branch: $(cat err)"
"$sluice" bundle main.mjs --platform node --format esm -q -o out.mjs 2>err || fail "bundle -q failed"
[ ! -s err ] || fail "-q printed: $(cat err)"
mkdir -p node_modules/noisy
printf "module.exports = (x) => require(x);\n" >node_modules/noisy/index.js
printf "import noisy from 'noisy';\nconsole.log(typeof noisy);\n" >pkg.mjs
"$sluice" bundle pkg.mjs --platform node --format esm -o out.mjs 2>err || fail "bundle pkg.mjs"
! grep -q warning: err || fail "a warning from node_modules: $(cat err)"
# An unresolvable require() whose failure a try catches is left to run
# time (an optional dependency), with a warning; none inside node_modules.
printf "let x;\ntry { x = require('not-installed'); } catch { x = null; }\nconsole.log(x);\n" >opt.cjs
"$sluice" bundle opt.cjs --platform node --format cjs -o opt.out.cjs 2>err || fail "bundle opt.cjs: $(cat err)"
expect "$work/opt.cjs:2:19" 'could not resolve "not-installed": left to run time, where the try around it handles the failure' "try { x = require('not-installed'); } catch { x = null; }"
[ "$(node opt.out.cjs)" = null ] || fail "opt.out.cjs runs: $(node opt.out.cjs 2>&1 | head -3)"
{ cat opt.cjs; echo "module.exports = x;"; } >node_modules/noisy/index.js
"$sluice" bundle pkg.mjs --platform node --format esm -o out.mjs 2>err || fail "bundle pkg.mjs with an optional require"
! grep -q warning: err || fail "a warning from node_modules: $(cat err)"
# import.meta is a syntax error outside an ES module: IIFE output (and
# CommonJS off node) gets an empty object and a warning, as esbuild does.
printf "const m = import.meta;\nconsole.log(typeof m, m.url);\n" >meta.mjs
for f in iife cjs; do
  "$sluice" bundle meta.mjs --format $f -o meta.js 2>err || fail "bundle meta.mjs --format $f: $(cat err)"
  expect "$work/meta.mjs:1:11" '"import.meta" is not available in this output format and will be empty' "const m = import.meta;"
  [ "$(node meta.js 2>&1)" = "object undefined" ] || fail "$f with import.meta: $(node meta.js 2>&1 | head -3)"
done
# A `@jsxImportSource` comment while the classic runtime is in effect
# does nothing: esbuild warns at its value, with or without JSX in the file
# (here with a warning at a lowered position after it, which keeps its own).
cat >classic.jsx <<'JS'
/** @jsxImportSource preact */
const React = { createElement: (t, p, ...c) => t + c.length };
console.log(<p>a</p>, typeof import.meta);
JS
"$sluice" bundle classic.jsx --format iife -o classic.js 2>err || fail "bundle classic.jsx: $(cat err)"
expect "$work/classic.jsx:1:22" "the JSX import source cannot be set without also enabling React's \"automatic\" JSX transform" "/** @jsxImportSource preact */"
expect "$work/classic.jsx:3:30" '"import.meta" is not available in this output format and will be empty' "console.log(<p>a</p>, typeof import.meta);"
[ "$(node classic.js)" = "p1 object" ] || fail "classic.js runs: $(node classic.js 2>&1 | head -3)"
printf '// @jsxRuntime classic\n// @jsxImportSource preact\nconsole.log(1);\n' >nojsx.tsx
"$sluice" bundle nojsx.tsx --jsx=automatic -o nojsx.js 2>err || fail "bundle nojsx.tsx: $(cat err)"
expect "$work/nojsx.tsx:2:21" 'the JSX import source cannot be set' "// @jsxImportSource preact"
printf '/* @jsxRuntime automatic @jsxImportSource preact */\nconsole.log(1);\n' >auto.jsx
"$sluice" bundle auto.jsx -o auto.js 2>err || fail "bundle auto.jsx: $(cat err)"
! grep -q warning: err || fail "a warning with the automatic runtime: $(cat err)"
echo "ok: warnings"
