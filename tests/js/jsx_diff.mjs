// jsx_diff.mjs JS_TOOL CASE MODE: compiles one .jsx/.tsx case with esbuild
// and with the front end (js_tool, plain and --minify) in the JSX runtime
// MODE (classic or automatic), then renders the default export of each with react-dom/server
// and describes the element tree (types, keys, props); fails unless the HTML,
// the description and React's warnings are the same.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const [jsTool, caseFile, mode] = process.argv.slice(2);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const npm = path.join(root, 'scripts/npm/js');
const require = createRequire(path.join(npm, 'package.json'));
const esbuild = require('esbuild');

const src = fs.readFileSync(caseFile, 'utf8');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jsx-diff-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
fs.symlinkSync(path.join(npm, 'node_modules'), path.join(work, 'node_modules'));

const loader = caseFile.endsWith('.tsx') ? 'tsx' : 'jsx';
const ref = esbuild.transformSync(src, { loader, jsx: mode === 'automatic' ? 'automatic' : 'transform', format: 'esm', target: 'es2022' });
fs.writeFileSync(path.join(work, 'esbuild.mjs'), ref.code);
const r = spawnSync(jsTool, [`--jsx=${mode}`, caseFile], { encoding: 'utf8' });
if (r.status !== 0) {
  console.log(`FAIL: js_tool: ${r.stderr}`);
  process.exit(1);
}
fs.writeFileSync(path.join(work, 'sluice.mjs'), r.stdout);
const rm = spawnSync(jsTool, [`--jsx=${mode}`, '--minify', caseFile], { encoding: 'utf8' });
if (rm.status !== 0) {
  console.log(`FAIL: js_tool --minify: ${rm.stderr}`);
  process.exit(1);
}
fs.writeFileSync(path.join(work, 'sluice-min.mjs'), rm.stdout);

const driver = `
import React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
const App = (await import(process.argv[2])).default;
// named: component types by their function names (a minifier renames functions, so the
// minified output is compared on the unnamed description)
function describe(e, named) {
  if (Array.isArray(e)) return e.map((x) => describe(x, named));
  if (!e || typeof e !== 'object') return e;
  const t = e.type;
  const type = typeof t === 'string' ? t : t === React.Fragment ? 'Fragment' : t?.$$typeof ? String(t.$$typeof) : named ? t?.name || '?' : 'component';
  const props = {};
  for (const [k, v] of Object.entries(e.props || {})) props[k] = k === 'children' ? describe(v, named) : typeof v === 'function' ? 'fn' : v;
  return { type, key: e.key, props };
}
console.log(JSON.stringify(describe(App(), true)));
console.log(JSON.stringify(describe(App(), false)));
console.log(renderToStaticMarkup(React.createElement(App)));
`;
fs.writeFileSync(path.join(work, 'driver.mjs'), driver);
const run = (f) => spawnSync(process.execPath, [path.join(work, 'driver.mjs'), path.join(work, f)], { encoding: 'utf8', cwd: work });
const want = run('esbuild.mjs');
const show = (x) => `${x.stdout}${x.stderr}${x.status ? `[exit ${x.status}]` : ''}`;
const unnamed = (x) => ({ ...x, stdout: x.stdout.split('\n').slice(1).join('\n') });
for (const side of ['sluice', 'sluice-min']) {
  let got = run(`${side}.mjs`), ref = want;
  if (side === 'sluice-min')
    got = unnamed(got), ref = unnamed(want);
  if (show(ref) !== show(got) || want.status) {
    const code = fs.readFileSync(path.join(work, `${side}.mjs`), 'utf8');
    console.log(`FAIL: ${path.basename(caseFile)} (${mode}, ${side})\n--- esbuild\n${show(ref)}--- ${side}\n${show(got)}--- code\n${code}`);
    process.exit(1);
  }
}
console.log(`ok: ${path.basename(caseFile)} (${mode})\n${want.stdout}`);
