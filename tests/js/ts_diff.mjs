// ts_diff.mjs JS_TOOL CASE_DIR: compiles every .ts file of a case with tsc
// (typescript from scripts/npm/js, transpileModule, target ES2022) and with
// the front end (js_tool), plain and with --minify, runs main.js of each
// under node and fails unless all three print the same.  A first-line comment picks options:
//   // @options: --no-define-fields --experimental-decorators
//   // @module: commonjs
//   // @names   (the output prints function or class names, which --minify
//                renames as esbuild's does: the minified run is not compared)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const [jsTool, caseDir] = process.argv.slice(2);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const require = createRequire(path.join(root, 'scripts/npm/js/package.json'));
const ts = require('typescript');

const files = fs.readdirSync(caseDir).filter((f) => /\.tsx?$/.test(f));
const main = fs.readFileSync(path.join(caseDir, 'main.ts'), 'utf8');
const opts = (main.match(/^\/\/ @options:(.*)$/m)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
const cjs = /^\/\/ @module: commonjs$/m.test(main);
const names = /^\/\/ @names$/m.test(main);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ts-diff-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: cjs ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
  useDefineForClassFields: !opts.includes('--no-define-fields'),
  experimentalDecorators: opts.includes('--experimental-decorators'),
  verbatimModuleSyntax: opts.includes('--verbatim-module-syntax'),
};
let failed = false;
for (const side of ['tsc', 'sluice', 'sluice-min']) {
  const dir = path.join(work, side);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: cjs ? 'commonjs' : 'module' }));
  for (const f of files) {
    const src = fs.readFileSync(path.join(caseDir, f), 'utf8');
    const out = path.join(dir, f.replace(/\.tsx?$/, '.js'));
    if (side === 'tsc') {
      fs.writeFileSync(out, ts.transpileModule(src, { compilerOptions, fileName: f }).outputText);
    } else {
      const r = spawnSync(jsTool, [...opts, ...(side === 'sluice-min' ? ['--minify'] : []), path.join(caseDir, f)], { encoding: 'utf8' });
      if (r.status !== 0) {
        console.log(`FAIL: js_tool ${f}: ${r.stderr}`);
        failed = true;
        continue;
      }
      fs.writeFileSync(out, r.stdout);
    }
  }
}
if (failed) process.exit(1);
const run = (side) => spawnSync(process.execPath, [path.join(work, side, 'main.js')], { encoding: 'utf8', cwd: path.join(work, side) });
const want = run('tsc');
const show = (r) => r.stdout + (r.status ? `\n[exit ${r.status}] ${r.stderr}` : '');
for (const side of names ? ['sluice'] : ['sluice', 'sluice-min']) {
  const got = run(side);
  if (show(want) !== show(got)) {
    console.log(`FAIL: ${path.basename(caseDir)}: ${side} output differs\n--- tsc\n${show(want)}--- ${side}\n${show(got)}`);
    console.log(`--- ${side} main.js\n` + fs.readFileSync(path.join(work, side, 'main.js'), 'utf8'));
    process.exit(1);
  }
}
if (want.status) {
  console.log(`FAIL: tsc's output itself fails:\n${show(want)}`);
  process.exit(1);
}
console.log(`ok: ${path.basename(caseDir)}\n${want.stdout}`);
