#!/usr/bin/env bash
# tsx_app.sh TOOL RUNTIME [N]: the generated TSX React app
# (bench/bundle_tsx_gen.mjs, N components, default 64) bundled by TOOL (the
# sluice binary, or `esbuild`) with --jsx=RUNTIME (classic or automatic)
# must render, under node with react-dom/server, the same HTML as
# esbuild's bundle of it with the same runtime; esbuild's two runtimes must
# agree with each other too, so a reference gone wrong in one is caught.
# RUNTIME `tsconfig`: no --jsx flag; the app's tsconfig.json says
# "jsx": "react-jsx" with a jsxImportSource that its "paths" map to a
# wrapper of react/jsx-runtime marking every element (data-rt), so only a
# bundler that reads all three renders the marks.  CommonJS output:
# react-dom/server requires node built-ins, which an ESM bundle cannot.
set -uo pipefail
tool=$1 runtime=$2 n=${3:-64}
. "$(dirname "$0")/ts_common.sh"
case $runtime in classic|automatic|tsconfig) ;; *) echo "tsx_app: RUNTIME is classic, automatic or tsconfig" >&2; exit 2 ;; esac
ref=$runtime jsx=(--jsx="$runtime")
[ "$runtime" = tsconfig ] && jsx=()
ts_require_support "$tool" "tsx_app $runtime" tsx "${jsx[@]}"
ts_install
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
node "$root/bench/bundle_tsx_gen.mjs" "$n" "$work/app" || { echo "FAIL: bench/bundle_tsx_gen.mjs"; exit 1; }
if [ "$runtime" = tsconfig ]; then
  mkdir -p "$work/app/lib/rt"
  cat >"$work/app/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "jsx": "react-jsx", "jsxImportSource": "marked-rt", "baseUrl": ".",
    "paths": { "marked-rt": ["./lib/rt/index.ts"], "marked-rt/jsx-runtime": ["./lib/rt/jsx-runtime.ts"] }
  }
}
EOF
  cat >"$work/app/lib/rt/mark.ts" <<'EOF'
export const mark = (type: unknown, props: Record<string, unknown> | null) =>
  typeof type === 'string' ? { ...props, 'data-rt': 'tsconfig' } : props;
EOF
  cat >"$work/app/lib/rt/jsx-runtime.ts" <<'EOF'
import * as R from 'react/jsx-runtime';
import { mark } from './mark';
export const Fragment = R.Fragment;
export const jsx = (type: any, props: any, key?: any) => R.jsx(type, mark(type, props), key);
export const jsxs = (type: any, props: any, key?: any) => R.jsxs(type, mark(type, props), key);
EOF
  cat >"$work/app/lib/rt/index.ts" <<'EOF'
import * as React from 'react';
import { mark } from './mark';
export const createElement = (type: any, props: any, ...children: any[]) => React.createElement(type, mark(type, props), ...children);
EOF
fi
ln -s "$ts_modules" "$work/node_modules"
flags=(--platform=node --define=process.env.NODE_ENV='"production"')
render() { # TOOL RUNTIME NAME: bundle, run, output in $work/NAME.html
  local j=(--jsx="$2"); [ "$2" = tsconfig ] && j=()
  if ! ts_bundle "$1" "$work/app/main.tsx" "$work/$3.cjs" cjs "${flags[@]}" "${j[@]}"; then
    echo "FAIL: $1 could not bundle the TSX app (jsx: $2)"; exit 1
  fi
  (cd "$work" && node "$3.cjs") >"$work/$3.html" 2>&1 || { echo "FAIL: the $1 bundle (jsx: $2) did not run"; head -20 "$work/$3.html"; exit 1; }
}
if [ "$runtime" = tsconfig ]; then
  render esbuild tsconfig ref-tsconfig
  marks=$(grep -c 'data-rt="tsconfig"' "$work/ref-tsconfig.html")
  [ "$marks" -gt "$n" ] || { echo "FAIL: esbuild's bundle did not take the tsconfig's JSX runtime (only $marks marks)"; exit 1; }
else
  render esbuild classic ref-classic
  render esbuild automatic ref-automatic
  if ! cmp -s "$work/ref-classic.html" "$work/ref-automatic.html"; then
    echo "FAIL: esbuild's classic and automatic bundles render differently (the reference is unsound)"
    diff -u "$work/ref-classic.html" "$work/ref-automatic.html" | head -20; exit 1
  fi
fi
# A render that lost most of the tree would still be alike: it must be
# more than 4 lines a component (the shapes print 6 to 30).
lines=$(wc -l <"$work/ref-$ref.html")
[ "$lines" -gt $((n * 4)) ] || { echo "FAIL: the reference render has only $lines lines for $n components"; exit 1; }
render "$tool" "$runtime" got
if ! cmp -s "$work/ref-$ref.html" "$work/got.html"; then
  echo "FAIL: $tool's bundle (jsx: $runtime) renders other HTML than esbuild's ($ref)"
  diff -u "$work/ref-$ref.html" "$work/got.html" | head -40; exit 1
fi
echo "ok: $n-component TSX app, jsx: $runtime: $lines lines of HTML alike ($(wc -c <"$work/got.cjs") bytes bundled by $tool, esbuild $(wc -c <"$work/ref-$ref.cjs"))"
