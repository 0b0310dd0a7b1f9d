#!/usr/bin/env bash
# ts_syntax_error.sh SLUICE: TypeScript and JSX modules keep the JavaScript
# contract for bad input: a syntax error anywhere in the graph is
# `file:line:column: message` with the offending line and a caret, exit
# status 1 and no output file; an unresolvable import in a .ts file is
# reported at its position in the .ts file (not in the JavaScript
# printed from it), and so is a `with` statement in a .ts module; a broken
# tsconfig.json is named at its line and column; an `extends` cycle is an
# error naming the files; a JSX factory that is no name is an error where
# it was written.
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; cat "$work/err"; exit 1; }
expect_error() { # what, pattern...
  local what=$1; shift
  if "$sluice" bundle "$work/main.ts" -o "$work/out.js" 2>"$work/err"; then fail "$what: bundling succeeded"; fi
  for p in "$@"; do grep -qE -- "$p" "$work/err" || fail "$what: no match for '$p' in:"; done
  [ ! -e "$work/out.js" ] || fail "$what: output file written despite the error"
}
printf "import { f } from './bad';\nconsole.log(f());\n" >"$work/main.ts"
printf "export function f(): number {\n  const x: Array<number = [];\n  return x.length;\n}\n" >"$work/bad.ts"
expect_error "TypeScript syntax" 'bad\.ts:2:[0-9]+: ' '  const x: Array<number = \[\];' '^ +\^$'
printf "import { App } from './app';\nconsole.log(App());\n" >"$work/main.ts"
printf "export const App = (): string => (\n  <div>\n    <span>text</div>\n  </div>\n);\n" >"$work/app.tsx"
expect_error "JSX syntax" 'app\.tsx:3:[0-9]+: ' '<span>text</div>' '^ +\^$'
printf "interface A {\n  x: number;\n}\nconst a: A = { x: 1 };\nimport { g } from './nowhere';\nconsole.log(a, g);\n" >"$work/main.ts"
expect_error "unresolved import in .ts" 'main\.ts:5:19: could not resolve "\./nowhere"'
printf "interface A {\n  x: number;\n}\nwith (Math) console.log(PI);\nexport const x = 1;\n" >"$work/main.ts"
expect_error "'with' in a .ts module" 'main\.ts:4:1: "with" statements cannot be used in an ECMAScript module' '^    with \(Math\) console\.log\(PI\);'
printf "export const x = 1;\n" >"$work/main.ts"
printf '{\n  // JSONC\n  "compilerOptions": { "jsx": } }\n' >"$work/tsconfig.json"
# line and column, the line as written (its comment too) and a caret
expect_error "broken tsconfig.json" 'tsconfig\.json:3:31: invalid JSON' '^      "compilerOptions": \{ "jsx": \} \}$' '^ {34}\^$'
printf '{\n  "compilerOptions": {\n    "jsx": react\n  }\n}\n' >"$work/tsconfig.json"
expect_error "a bare word in tsconfig.json" 'tsconfig\.json:3:12: invalid JSON'
printf '  // JSONC\n{"compilerOptions": {"x": %s%s}}\n' "$(head -c 300 /dev/zero | tr '\0' '[')" "$(head -c 300 /dev/zero | tr '\0' ']')" >"$work/tsconfig.json"
expect_error "deep tsconfig.json" 'tsconfig\.json:2:225: invalid JSON: nested more than 200 deep'
# an `extends` cycle is an error naming the chain, as tsc's "Circularity detected"
printf '{ "extends": "./other.json" }\n' >"$work/tsconfig.json"
printf '{ "extends": "./tsconfig.json", "compilerOptions": { "jsx": "react-jsx" } }\n' >"$work/other.json"
w=$(cd "$work" && pwd)
expect_error "extends cycle" "other\.json: \"extends\" forms a cycle: $w/tsconfig\.json -> $w/other\.json -> $w/tsconfig\.json\$"
printf '{ "extends": "./tsconfig.json" }\n' >"$work/tsconfig.json"
expect_error "extends itself" "tsconfig\.json: \"extends\" forms a cycle: $w/tsconfig\.json -> $w/tsconfig\.json\$"
printf '{ "extends": ["./other.json", "./third.json"] }\n' >"$work/tsconfig.json"
printf '{ "compilerOptions": { "jsx": "react-jsx" } }\n' >"$work/base.json"
printf '{ "extends": "./base.json" }\n' >"$work/other.json"
printf '{ "extends": "./base.json" }\n' >"$work/third.json"
timeout 20 "$sluice" bundle "$work/main.ts" -q -o "$work/out.js" 2>"$work/err" || fail "two bases extending one base are no cycle"
rm -f "$work/out.js"
printf '{ "extends": "./missing-base" }\n' >"$work/tsconfig.json"
expect_error "missing extends" 'tsconfig\.json: cannot find "\./missing-base" \(extends\)'
# a JSX factory that is no name is blamed where it was written (tsconfig.json,
# the @jsx comment, the flag), not on the JavaScript the JSX was lowered to
rm -f "$work/tsconfig.json" "$work/other.json" "$work/third.json" "$work/base.json"
printf "import { App } from './app';\nconsole.log(App());\n" >"$work/main.ts"
printf "const h = (t: string) => t;\nexport const App = () => <div>x</div>;\n" >"$work/app.tsx"
printf '{\n  "compilerOptions": {\n    "jsx": "react",\n    "jsxFactory": "h-x"\n  }\n}\n' >"$work/tsconfig.json"
expect_error "tsconfig jsxFactory" 'tsconfig\.json:4:19: compilerOptions\.jsxFactory "h-x" is not a name' '^        "jsxFactory": "h-x"$' '^ {22}\^$'
printf '{ "compilerOptions": { "jsxFragmentFactory": "1F" } }\n' >"$work/tsconfig.json"
expect_error "tsconfig jsxFragmentFactory" 'tsconfig\.json:1:46: compilerOptions\.jsxFragmentFactory "1F" is not a name'
rm "$work/tsconfig.json"
printf "/** @jsx h-x */\nconst h = (t: string) => t;\nexport const App = () => <div>x</div>;\n" >"$work/app.tsx"
expect_error "@jsx comment" 'app\.tsx:1:10: invalid JSX factory "h-x" in the @jsx comment' '^    /\*\* @jsx h-x \*/$'
printf "/* @jsxFrag a..b */\nexport const App = () => <>x</>;\n" >"$work/app.tsx"
expect_error "@jsxFrag comment" 'app\.tsx:1:13: invalid JSX fragment "a\.\.b" in the @jsxFrag comment'
printf "/** @jsx h.x */\nconst h = { x: (t: string) => t };\nexport const App = () => <div>x</div>;\n" >"$work/app.tsx"
"$sluice" bundle "$work/main.ts" -q -o "$work/out.js" 2>"$work/err" || fail "@jsx h.x is a factory"
rm -f "$work/out.js"
for f in factory fragment; do
  if "$sluice" bundle "$work/main.ts" --jsx-$f=class -q -o "$work/out.js" 2>"$work/err"; then fail "--jsx-$f=class accepted"; fi
  grep -q "^sluice bundle: --jsx-$f 'class' is not a name or a dotted path of names$" "$work/err" || fail "--jsx-$f=class:"
  [ ! -e "$work/out.js" ] || fail "--jsx-$f=class: output written"
done
# an automatic-runtime import that does not resolve is reported at the
# first element that needs it, as esbuild reports it (adv21 F7: it was
# blamed on the first line); createElement's (a spread before `key`) at
# the first element that calls it
printf '{ "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "nosuch" } }\n' >"$work/tsconfig.json"
printf "// c\nconst x = 1;\nexport const App = () => [<div>{x}</div>, <b {...x} key=\"k\" />];\n" >"$work/app.tsx"
printf "import { App } from './app';\nconsole.log(App());\n" >"$work/main.ts"
expect_error "unresolved jsx-runtime" 'app\.tsx:3:27: could not resolve "nosuch/jsx-runtime"'
mkdir -p "$work/node_modules/nosuch"
printf '{ "name": "nosuch", "exports": { "./jsx-runtime": "./r.js" } }\n' >"$work/node_modules/nosuch/package.json"
printf 'export const jsx = () => 1;\n' >"$work/node_modules/nosuch/r.js"
expect_error "unresolved createElement" 'app\.tsx:3:43: could not resolve "nosuch"'
rm -r "$work/tsconfig.json" "$work/node_modules" "$work/app.tsx"
# JSX in a .js/.mjs/.cjs file says so, with the way out (adv21 F9); a `<`
# that no JSX parse takes stays a plain syntax error
printf "import { App } from './app.js';\nconsole.log(App());\n" >"$work/main.ts"
for ext in js mjs cjs; do
  printf "export const App = () => (\n  <div>x</div>\n);\n" >"$work/app.js"
  [ $ext = js ] || { mv "$work/app.js" "$work/app.$ext"; sed -i "s/app\.[a-z]*'/app.$ext'/" "$work/main.ts"; }
  expect_error "JSX in .$ext" "app\\.$ext:2:3: JSX in a \\.$ext file: sluice reads JSX only in \\.jsx and \\.tsx files \\(rename it\\)" '^      <div>x</div>$'
  rm -f "$work/app.$ext"
done
printf "export const App = () => <3;\n" >"$work/app.cjs"
expect_error "a stray <" 'app\.cjs:1:26: unexpected token'
echo "ok: TS/JSX syntax errors, positions in .ts files, broken tsconfig.json"
