#!/usr/bin/env bash
# minified_runs.sh JS_TOOL: typescript.js (9 MB of real code) printed with
# --minify (whitespace, identifiers and syntax: merged statements, if-returns
# as ?:, const as let) must still be TypeScript: both copies compile every
# tests/js/ts case and must emit the same bytes.
set -uo pipefail
tool=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
ts=$root/scripts/npm/js/node_modules/typescript/lib/typescript.js
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$tool" --minify "$ts" >"$work/ts.min.cjs" || { echo "FAIL: js_tool"; exit 1; }
cat >"$work/emit.cjs" <<'JS'
const ts = require(process.argv[2]);
const fs = require('fs'), path = require('path');
const crypto = require('crypto').createHash('sha256');
for (const dir of fs.readdirSync(process.argv[3]).sort()) {
  for (const f of fs.readdirSync(path.join(process.argv[3], dir)).sort()) {
    const src = fs.readFileSync(path.join(process.argv[3], dir, f), 'utf8');
    const out = ts.transpileModule(src, { fileName: f, compilerOptions: { target: ts.ScriptTarget.ES2022, experimentalDecorators: true } });
    crypto.update(out.outputText);
  }
}
console.log(crypto.digest('hex'));
JS
want=$(node "$work/emit.cjs" "$ts" "$root/tests/js/ts") || exit 1
got=$(node "$work/emit.cjs" "$work/ts.min.cjs" "$root/tests/js/ts") || { echo "FAIL: minified typescript.js throws"; exit 1; }
echo "original $(wc -c <"$ts") bytes, minified $(wc -c <"$work/ts.min.cjs") bytes; emit digests $want / $got"
[ "$want" = "$got" ] || { echo "FAIL: emits differ"; exit 1; }
