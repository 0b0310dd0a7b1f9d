#!/usr/bin/env bash
# syntax_error.sh SLUICE: a syntax error deep in the graph is reported as
# file:line:column: message with the offending line and a caret, the exit
# status is non-zero, and no output file is left behind.  An import (or a
# require() or import() outside a try) that cannot be resolved, a JSON
# module that does not parse, an import of an asset no loader reads (.css,
# images, fonts), a `with` statement or an HTML-like comment in an ES
# module, a node built-in on the browser platform, and an early error (a name declared twice, a jump to no label)
# in JavaScript, TypeScript or TSX are reported the same way.
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
refused() { # what, message (grep -F), sluice bundle arguments...: fails, says it, writes nothing
  local what=$1 msg=$2; shift 2
  rm -f "$work/out.js" # a bundle an earlier step wrote there
  if "$sluice" bundle "$@" -o "$work/out.js" 2>"$work/err"; then
    echo "FAIL: bundling $what succeeded"; exit 1
  fi
  grep -qF -- "$msg" "$work/err" || { echo "FAIL: $what message:"; cat "$work/err"; exit 1; }
  [ ! -e "$work/out.js" ] || { echo "FAIL: output file written despite the error ($what)"; exit 1; }
}
printf "import { f } from './bad.mjs';\nconsole.log(f());\n" >"$work/main.mjs"
printf "export function f() {\n  return 1;\n  let x = (2 + ;\n}\n" >"$work/bad.mjs"
if "$sluice" bundle "$work/main.mjs" -o "$work/out.js" 2>"$work/err"; then
  echo "FAIL: bundling a syntax error succeeded"; exit 1
fi
grep -q "bad.mjs:3:16: " "$work/err" || { echo "FAIL: no file:line:column in:"; cat "$work/err"; exit 1; }
grep -q "  let x = (2 + ;" "$work/err" || { echo "FAIL: offending line not shown"; cat "$work/err"; exit 1; }
grep -qE '^ +\^$' "$work/err" || { echo "FAIL: no caret"; cat "$work/err"; exit 1; }
[ ! -e "$work/out.js" ] || { echo "FAIL: output file written despite the error"; exit 1; }
[ -z "$(ls "$work" | grep -v -e main.mjs -e bad.mjs -e err)" ] || { echo "FAIL: temporary file left: $(ls "$work")"; exit 1; }
printf "import './missing.mjs';\n" >"$work/main.mjs"
refused "an unresolvable import" 'main.mjs:1:8: could not resolve "./missing.mjs"' "$work/main.mjs"
# ...with the import's line and a caret under its specifier, as esbuild
# shows it, also where TypeScript was lowered first (the original line).
printf "type T = { a: number };\nconst t: T = { a: 1 };\nimport { g } from './gone.ts';\nconsole.log(t, g);\n" >"$work/main.ts"
refused "an unresolvable import in TypeScript" 'main.ts:3:19: could not resolve "./gone.ts"' "$work/main.ts"
grep -qxF "    import { g } from './gone.ts';" "$work/err" || { echo "FAIL: import line not shown:"; cat "$work/err"; exit 1; }
grep -qx '                      \^' "$work/err" || { echo "FAIL: no caret under the specifier:"; cat -A "$work/err"; exit 1; }
# require() and import() that cannot be resolved are errors too, as in
# esbuild, unless a failure is caught where they are (cases/optional_dependency):
# a try in another function, or one around the function, catches nothing then.
printf "const a = 1;\nconst b = require('not-installed');\n" >"$work/main.cjs"
refused "an unresolvable require()" 'main.cjs:2:19: could not resolve "not-installed"' "$work/main.cjs"
printf "try {\n  (() => require('./gone.cjs'))();\n} catch {}\n" >"$work/main.cjs"
refused "an unresolvable require() in a function inside a try" 'main.cjs:2:18: could not resolve "./gone.cjs"' "$work/main.cjs"
printf "try {\n  import('./gone.mjs');\n} catch {}\nimport('./gone.mjs').then(() => {});\n" >"$work/main.mjs"
refused "an unresolvable import() not awaited in its try" 'main.mjs:2:10: could not resolve "./gone.mjs"' "$work/main.mjs"
printf "import('./gone.mjs').then(() => {}).finally(() => {});\n" >"$work/main.mjs"
refused "an unresolvable import() without a rejection handler" 'main.mjs:1:8: could not resolve "./gone.mjs"' "$work/main.mjs"
# A node built-in on the browser platform (the default) is not there at run
# time: refused with esbuild's hint, in import and require() alike; on
# --platform node it stays external, and a try around require() keeps it.
printf "import { readFileSync } from 'node:fs';\nconsole.log(readFileSync);\n" >"$work/main.mjs"
refused "a node built-in imported for the browser" 'main.mjs:1:30: could not resolve "node:fs": it is built into node, not the browser' "$work/main.mjs"
printf "const u = require('util');\n" >"$work/main.cjs"
refused "a node built-in required for the browser" 'main.cjs:1:19: could not resolve "util": it is built into node, not the browser' --platform browser "$work/main.cjs"
"$sluice" bundle -q --platform node "$work/main.cjs" -o "$work/out.js" || { echo "FAIL: util on --platform node"; exit 1; }
printf "let u;\ntry { u = require('util'); } catch { u = null; }\nconsole.log(typeof u);\n" >"$work/main.cjs"
"$sluice" bundle -q "$work/main.cjs" -o "$work/out.js" || { echo "FAIL: a caught require('util') for the browser"; exit 1; }
rm -f "$work/main.cjs"
# HTML-like comments are a script's (Annex B.1.1; cases/html_comments): a module refuses them.
printf "const a = 1;\n<!-- a comment in a script\n" >"$work/main.mjs"
refused "an HTML-like comment in a .mjs" 'main.mjs:2:1: HTML-like comments (<!-- and -->) are not allowed in an ECMAScript module' "$work/main.mjs"
printf "const a = 1;\n  --> a comment in a script\nexport { a };\n" >"$work/main.js"
refused "an HTML-like comment in a file with export" 'main.js:2:3: HTML-like comments (<!-- and -->) are not allowed in an ECMAScript module' "$work/main.js"
rm -f "$work/main.js"
printf "import d from './d.json' with { type: 'json' };\nconsole.log(d);\n" >"$work/main.mjs"
printf '{\n  "a": 1,\n  "b": [1, 2,]\n}\n' >"$work/d.json"
refused "invalid JSON" 'd.json:3:14: invalid JSON' "$work/main.mjs"
# An import of a stylesheet or image: no loader, named at the import (not a JS syntax error inside the asset).
printf "import './x.css';\nimport logo from './logo.svg';\n" >"$work/main.mjs"
printf "body { color: red; }\n" >"$work/x.css"
refused "a .css import" 'main.mjs:1:8: no loader for .css files: "./x.css"' "$work/main.mjs"
rm -f "$work/x.css"
# `with` is an error in an ES module (an export after it makes the file one), legal in CommonJS.
printf "with (Math) console.log(PI > 3);\nexport const x = 1;\n" >"$work/main.mjs"
refused "'with' in an ES module" 'main.mjs:1:1: "with" statements cannot be used in an ECMAScript module' "$work/main.mjs"
printf "with (Math) console.log(PI > 3);\n" >"$work/main.cjs"
"$sluice" bundle "$work/main.cjs" --platform node -q -o "$work/out.js" 2>"$work/err" || { echo "FAIL: 'with' in CommonJS:"; cat "$work/err"; exit 1; }
[ "$(node "$work/out.js")" = true ] || { echo "FAIL: 'with' in CommonJS does not run"; exit 1; }
# ...except in an ES module bundle, strict code: refused there as esbuild refuses it (advbundle2 G3)
printf "import './main.cjs';\n" >"$work/wm.mjs"
refused "'with' in CommonJS, --format esm" 'main.cjs:1:1: With statements cannot be used with the "esm" output format due to strict mode' "$work/wm.mjs" --format esm
# `delete x` of a bare name is the same (esbuild's words): refused in an ES
# module, .mjs with no import or export included, and in sloppy code
# printed into --format esm output; CommonJS output keeps it, and it runs.
printf "var y = 1;\nconsole.log(delete y);\n" >"$work/del.mjs"
refused "delete of a bare name in .mjs" 'del.mjs:2:13: Delete of a bare identifier cannot be used in an ECMAScript module' "$work/del.mjs"
printf "var y = 1;\nconsole.log(delete (y), typeof y);\n" >"$work/del.cjs"
printf "import './del.cjs';\n" >"$work/wm.mjs"
refused "delete of a bare name in CommonJS, --format esm" 'del.cjs:2:13: Delete of a bare identifier cannot be used with the "esm" output format due to strict mode' "$work/wm.mjs" --format esm
refused "delete of a bare name in a script entry, --format esm" 'del.cjs:2:13: Delete of a bare identifier cannot be used with the "esm" output format due to strict mode' "$work/del.cjs" --format esm
"$sluice" bundle "$work/wm.mjs" --platform node --format cjs -q -o "$work/out.js" 2>"$work/err" || { echo "FAIL: delete in CommonJS, --format cjs:"; cat "$work/err"; exit 1; }
[ "$(node "$work/out.js")" = "false number" ] || { echo "FAIL: delete of a bare name in CommonJS does not run"; exit 1; }
# and so is binding eval, arguments or a word strict code reserves
printf "var ok = 1;\nfunction f(a, arguments) { return a; }\n" >"$work/args.mjs"
refused "a parameter named arguments in .mjs" 'args.mjs:2:15: Declarations with the name "arguments" cannot be used in an ECMAScript module' "$work/args.mjs"
printf "var f = function eval() {};\n" >"$work/ev.cjs"
printf "import './ev.cjs';\n" >"$work/wm.mjs"
refused "a function named eval in CommonJS, --format esm" 'ev.cjs:1:18: Declarations with the name "eval" cannot be used with the "esm" output format due to strict mode' "$work/wm.mjs" --format esm
printf "try {} catch (let) {}\nvar yield = 1;\n" >"$work/ev.cjs"
refused "a catch parameter named let in CommonJS, --format esm" 'ev.cjs:1:15: "let" is a reserved word and cannot be used with the "esm" output format due to strict mode' "$work/wm.mjs" --format esm
"$sluice" bundle "$work/wm.mjs" --platform node --format cjs -q -o "$work/out.js" 2>"$work/err" || { echo "FAIL: a catch parameter named let, --format cjs:"; cat "$work/err"; exit 1; }
# and so are assigning eval or arguments and repeating a parameter name:
# no printer can rewrite them, and esbuild prints them into a bundle node
# refuses to load; refused here with esbuild's words for the like.
# --format cjs keeps the code sloppy, where it runs.
printf "function f(a, a) { return a; }\nfunction g() { arguments = [3]; return arguments[0]; }\n[eval] = [eval];\nmodule.exports = f(1, 2) + g();\n" >"$work/so.cjs"
printf "import v from './so.cjs';\nconsole.log(v);\n" >"$work/wm.mjs"
refused "a repeated parameter in CommonJS, --format esm" 'so.cjs:1:15: Duplicate parameter names ("a") cannot be used with the "esm" output format due to strict mode' "$work/wm.mjs" --format esm
"$sluice" bundle "$work/wm.mjs" --platform node --format cjs -q -o "$work/out.js" 2>"$work/err" || { echo "FAIL: sloppy-only code, --format cjs:"; cat "$work/err"; exit 1; }
[ "$(node "$work/out.js")" = 5 ] || { echo "FAIL: sloppy-only code in --format cjs does not run"; exit 1; }
sed -i 's/(a, a)/(b, a)/' "$work/so.cjs"
refused "an assignment to arguments in CommonJS, --format esm" 'so.cjs:2:16: Assignments to "arguments" cannot be used with the "esm" output format due to strict mode' "$work/wm.mjs" --format esm
sed -i 's/arguments = \[3\]/arguments[0] = 3/' "$work/so.cjs"
refused "a destructuring assignment to eval in a script entry, --format esm" 'so.cjs:3:2: Assignments to "eval" cannot be used with the "esm" output format due to strict mode' "$work/so.cjs" --format esm
# `for (var k = 1 in o)` is rewritten for strict output (cases/cjs_annex_b_in_esm_output)
# unless a comment sits where the rewrite writes: then refused in esbuild's words
printf "for (var k = 1 in /* c */ {}) ;\n" >"$work/fi.cjs"
refused "a for-in initializer the rewrite cannot take, --format esm" 'fi.cjs:1:14: Variable initializers inside for-in loops cannot be used with the "esm" output format due to strict mode' "$work/fi.cjs" --format esm
# A legacy octal escape in an untagged template is a SyntaxError in sloppy code too, as esbuild says
printf "var t = (s) => s.raw[0];\nmodule.exports = [t\`\\\\101\`, \`\\\\101\`];\n" >"$work/tp.cjs"
refused "an octal escape in a template" 'tp.cjs:2:29: Legacy octal escape sequences cannot be used in template literals' "$work/tp.cjs" --format cjs
# A .mjs file, or a .js file under "type": "module", is a module without import or export too: strict
printf "globalThis.x = 0777;\n" >"$work/oct.mjs"
refused "a legacy octal number in .mjs" 'oct.mjs:1:16: Legacy octal literals cannot be used in an ECMAScript module' "$work/oct.mjs"
mkdir -p "$work/tm" && printf '{ "type": "module" }\n' >"$work/tm/package.json"
printf "globalThis.x = '\\\\101';\n" >"$work/tm/oct.js"
refused "a legacy octal escape in a .js file of a type: module package" 'oct.js:1:16: Legacy octal escape sequences cannot be used in an ECMAScript module' "$work/tm/oct.js" --format cjs
printf "eval = 1;\n" >"$work/tm/ev.js"
refused "an assignment to eval in a .js file of a type: module package" 'ev.js:1:1: Cannot assign to "eval" in an ECMAScript module' "$work/tm/ev.js" --format cjs
# top-level await outside --format esm: file:line:column of the first await (a TS file: of its source)
printf "import './t.mts';\n" >"$work/main.mjs"
printf "const x: number = 1;\nconst y =  await Promise.resolve(x);\nawait 0;\n" >"$work/t.mts"
refused "top-level await with --format cjs" 't.mts:2:12: top-level await needs --format esm' "$work/main.mjs" --format cjs
# Early errors (what engines refuse before running): at the second declaration / the label, in the .ts/.tsx source
printf "import { n } from './t.ts';\nconsole.log(n);\n" >"$work/main.mjs"
printf "export let n: number = 1;\ninterface I { a: number }\nlet n = 2;\n" >"$work/t.ts"
refused "a let declared twice in .ts" 't.ts:3:5: The symbol "n" has already been declared' "$work/main.mjs"
printf "export function App(): JSX.Element {\n  for (;;) break nope;\n  return <div />;\n}\n" >"$work/app.tsx"
refused "a break to no label in .tsx" 'app.tsx:2:18: There is no containing label named "nope"' "$work/app.tsx"
# ... and in plain JavaScript, from the same parser
printf "import { n } from './e.mjs';\nconsole.log(n);\n" >"$work/main.mjs"
printf "export let n = 1;\nfunction f() {}\nlet n = 2;\n" >"$work/e.mjs"
refused "a let declared twice in .mjs" 'e.mjs:3:5: The symbol "n" has already been declared' "$work/main.mjs"
printf "module.exports = function () {\n  for (;;) continue nope;\n};\n" >"$work/e.cjs"
refused "a continue to no label in .cjs" 'e.cjs:2:21: There is no containing label named "nope"' "$work/e.cjs"
# An import binding is read-only: a write to it is refused where it is
# (esbuild's rule; node throws there), in every target form, in a .ts too
printf 'export let count = 0;\n' >"$work/counter.mjs"
for body in 'count = 5' 'count++' '--count' '[count] = [1]' '({ count } = { count: 2 })' 'for (count of [4]);' 'count += 1'; do
  printf "import { count } from './counter.mjs';\nif (globalThis.never) { %s; }\n" "$body" >"$work/w.mjs"
  col=$(awk -v b="$body" 'BEGIN { print index(b, "count") + 24 }')
  refused "a write to an import: $body" "w.mjs:2:$col: cannot assign to import \"count\"" "$work/w.mjs"
done
printf "import { count as c } from './counter.mjs';\nexport function f(): void { c = 1; }\n" >"$work/w.ts"
refused "a write to a renamed import in .ts" 'w.ts:2:29: cannot assign to import "c"' "$work/w.ts"
# a top-level return in a .mjs file with no import or export (a module all the same)
printf "if (globalThis.x) return;\n" >"$work/r.mjs"
refused "a top-level return in .mjs" 'r.mjs:1:19: Top-level return cannot be used inside an ECMAScript module' "$work/r.mjs"
echo "ok: syntax errors, invalid JSON and unresolved imports, 'with', delete, strict-reserved names, eval/arguments writes, repeated parameters and legacy octals in a module or strict output, top-level await, early errors, import writes"

