#!/usr/bin/env bash
# bad_package_json.sh SLUICE: a package.json that does not parse fails the
# build, naming its file, line and column and the import that met it, as
# node (ERR_INVALID_PACKAGE_CONFIG) and esbuild refuse it.  It was read as
# no package.json: its `exports`/`main`/`browser` were skipped without a
# word (index.js bundled instead) or the import "could not resolve".
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p node_modules/p/lib app
printf '{\n  "name": "p",\n  "main": "lib/main.js",\n' >node_modules/p/package.json   # cut short
echo 'module.exports = "main";' >node_modules/p/lib/main.js
echo 'module.exports = "index";' >node_modules/p/index.js
printf "import p from 'p';\nconsole.log(p);\n" >entry.mjs
"$sluice" bundle entry.mjs -q -o out.js 2>err; rc=$?
[ "$rc" = 1 ] || fail "a package.json cut short: exit $rc, want 1 ($(cat err))"
grep -q "node_modules/p/package.json:4:1: invalid JSON" err || fail "the message does not name package.json:4:1: $(cat err)"
grep -q "entry.mjs:1:15: while resolving \"p\"" err || fail "the message does not name the import: $(cat err)"
[ -e out.js ] && fail "an output was written"
# the nearest package.json of a module (its "type" and "sideEffects") too
printf '{"type": "module",,}\n' >app/package.json
echo 'export default 1;' >app/x.js
printf "import x from './app/x.js';\nconsole.log(x);\n" >entry2.mjs
"$sluice" bundle entry2.mjs -q -o out.js 2>err; rc=$?
[ "$rc" = 1 ] || fail "a broken nearest package.json: exit $rc, want 1 ($(cat err))"
grep -q "app/package.json:1:19: invalid JSON" err || fail "the message does not name app/package.json:1:19: $(cat err)"
# valid JSON nested deeper than sluice reads says so, not "invalid JSON"
python3 -c "print('{\"name\": \"p\", \"main\": \"lib/main.js\", \"x\": ' + '[' * 250 + ']' * 250 + '}')" >node_modules/p/package.json
"$sluice" bundle entry.mjs -q -o out.js 2>err; rc=$?
[ "$rc" = 1 ] || fail "a package.json nested 250 deep: exit $rc, want 1 ($(cat err))"
grep -q "node_modules/p/package.json:1:[0-9]*: invalid JSON: nested more than 200 deep" err ||
  fail "a package.json nested 250 deep: $(head -1 err)"
# a file that ends inside an escape: refused where it is (the reader once
# decoded `\u`'s four digits past the end of the buffer: ASan saw it)
printf '"\\u' >cut.json
printf 'import c from "./cut.json";\nconsole.log(c);\n' >cut.mjs
"$sluice" bundle cut.mjs -q -o out.js 2>err; rc=$?
[ "$rc" = 1 ] || fail "a .json module cut after \\u: exit $rc, want 1 ($(head -3 err))"
grep -q "cut.json:1:2: invalid JSON" err || fail "a .json module cut after \\u: $(head -1 err)"
printf '{"a": "\\u12"}' >short.json
printf 'import c from "./short.json";\nconsole.log(c);\n' >short.mjs
"$sluice" bundle short.mjs -q -o out.js 2>err; rc=$?
[ "$rc" = 1 ] && grep -q "short.json:1:8: invalid JSON" err || fail "\\u with 2 digits: exit $rc $(head -1 err)"
# mended, both build and run as node runs them
printf '{\n  "name": "p",\n  "main": "lib/main.js"\n}\n' >node_modules/p/package.json
printf '{"type": "module"}\n' >app/package.json
"$sluice" bundle entry.mjs -q -o out.js --platform node 2>err || fail "valid package.json: $(cat err)"
[ "$(node out.js)" = "main" ] || fail "valid package.json: printed '$(node out.js 2>&1 | head -2)'"
"$sluice" bundle entry2.mjs -q -o out.js --platform node 2>err || fail "valid nearest package.json: $(cat err)"
[ "$(node out.js)" = "1" ] || fail "valid nearest package.json: printed '$(node out.js 2>&1 | head -2)'"
echo "ok: a package.json that does not parse fails the build and is named"
