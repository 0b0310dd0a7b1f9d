#!/usr/bin/env bash
# defines.sh SLUICE: --define and the defines esbuild makes by itself.
# - --platform browser defines process.env.NODE_ENV ("production" under
#   all three minify flags, else "development") unless --define gives
#   `process` or `process.env.NODE_ENV`: a browser has no `process`, and
#   packages such as mobx read NODE_ENV at load;
# - the longest key that names a prefix of a member chain wins, whatever
#   the order of the flags (esbuild replaces the outermost expression);
#   of two equal keys the last given wins;
# - a key names `a["b"]` and `a[`b`]` as it names `a.b`.
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
printf 'const dev = process.env.NODE_ENV !== "production";\nconsole.log(process.env.NODE_ENV, dev);\n' >env.mjs
# browser: run with no `process` at all, as a browser would
browser() { node -e 'const vm = require("vm"); const out = [];
  vm.runInNewContext(require("fs").readFileSync(process.argv[1], "utf8"),
                     {console: {log: (...a) => out.push(a.join(" "))}});
  console.log(out.join("\n"))' "$1" 2>&1; }
want() { # want DESCRIPTION EXPECTED RUNNER ARGS...
  local what=$1 exp=$2 run=$3; shift 3
  "$sluice" bundle env.mjs -q -o out.js "$@" 2>err || fail "$what: exit $? $(cat err)"
  local got; got=$($run out.js)
  [ "$got" = "$exp" ] || fail "$what: printed '$got', want '$exp' ($(tr '\n' ' ' <out.js | head -c 300))"
}
want "browser default" "development true" browser --platform browser
want "browser --minify" "production false" browser --platform browser --minify
want "browser, two minify flags" "development true" browser --platform browser --minify-whitespace --minify-syntax
want "browser, --define process.env.NODE_ENV" "test true" browser --platform browser --define process.env.NODE_ENV='"test"'
want "browser, --define process" "staging true" browser --platform browser --define process='{"env":{"NODE_ENV":"staging"}}'
want "browser, --define process.env" "development true" browser --platform browser --define process.env='{}'
NODE_ENV=fromenv want "node platform reads process at run time" "fromenv true" node --platform node
# longest key wins, in either order
want "process.env then process.env.NODE_ENV" "x true" node --platform node \
  --define process.env='{"NODE_ENV":"short"}' --define process.env.NODE_ENV='"x"'
want "process.env.NODE_ENV then process.env" "x true" node --platform node \
  --define process.env.NODE_ENV='"x"' --define process.env='{"NODE_ENV":"short"}'
want "the shorter key where the longer does not match" "short true" node --platform node \
  --define process.env='{"NODE_ENV":"short"}' --define process.env.OTHER='"y"'
# a define never replaces what a destructuring assignment writes to
# (`["x"] = [1]` is a SyntaxError); reads beside it are still replaced
printf '%s\n' 'var seen = [];' \
  '[process.env.NODE_ENV] = ["a"]; seen.push(process.env.NODE_ENV);' \
  '({k: process.env.NODE_ENV, ...process.env.REST} = {k: "b"}); seen.push(process.env.NODE_ENV);' \
  '[process.env.NODE_ENV = "d", ...process.env.REST] = []; seen.push(typeof process.env.REST);' \
  'for ([process.env.NODE_ENV] of [["z"]]); seen.push(process.env.NODE_ENV);' \
  'globalThis.DEBUG = 0; ({DEBUG} = {DEBUG: 1}); seen.push(DEBUG, globalThis.DEBUG);' \
  'console.log(seen.join(" "));' >pattern.mjs
"$sluice" bundle pattern.mjs -q -o out.js --platform node --define process.env.NODE_ENV='"prod"' \
  --define process.env.REST='{}' --define DEBUG=false 2>err || fail "patterns: exit $? $(cat err)"
got=$(node out.js 2>&1 | head -3)
[ "$got" = "prod prod object prod false 1" ] || fail "patterns: printed '$got' ($(tr '\n' ' ' <out.js | head -c 400))"
# equal keys: the last wins (esbuild), also in a shorthand property
printf 'console.log(A, JSON.stringify({A}));\n' >dup.mjs
"$sluice" bundle dup.mjs -q -o out.js --define A=1 --define A=2 2>err || fail "dup: exit $? $(cat err)"
got=$(node out.js 2>&1)
[ "$got" = '2 {"A":2}' ] || fail "equal keys: printed '$got', want the last one's 2"
# bracket links with a string or a plain template key, mixed with dots;
# a computed key or a template with a substitution is left to run time
printf '%s\n' 'console.log(process.env["NODE_ENV"], process["env"].NODE_ENV, process.env[`NODE_ENV`], typeof process);' \
  'if (process.env["NODE_ENV"] !== "production") console.log("dev branch");' >bracket.mjs
want_b() { "$sluice" bundle bracket.mjs -q -o out.js "$@" 2>err || fail "bracket: exit $? $(cat err)"; browser out.js; }
got=$(want_b --platform browser)
[ "$got" = "$(printf 'development development development undefined\ndev branch')" ] ||
  fail "bracket keys: printed '$got' ($(tr '\n' ' ' <out.js | head -c 400))"
got=$(want_b --platform browser --minify)
[ "$got" = "production production production undefined" ] ||
  fail "bracket keys, --minify: printed '$got' ($(tr '\n' ' ' <out.js | head -c 400))"
grep -q 'dev branch' out.js && fail "bracket keys, --minify: the dead branch was kept"
printf '%s\n' 'const k = "NODE_ENV";' 'console.log(process.env[k], process.env[`${k}`], process.env["NODE_ENV"]);' >computed.mjs
"$sluice" bundle computed.mjs -q -o out.js --platform node --define process.env.NODE_ENV='"x"' 2>err ||
  fail "computed: exit $? $(cat err)"
got=$(NODE_ENV=rt node out.js 2>&1)
[ "$got" = "rt rt x" ] || fail "computed keys: printed '$got', want 'rt rt x'"
echo "ok: defines"
