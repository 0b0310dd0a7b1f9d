// ts_refs.mjs OUT_DIR CASE_DIR...: tsc's side of every TypeScript case,
// once per build (the CTest fixture js_ts_refs) instead of once per case
// test: typescript (scripts/npm/js) is loaded once, every .ts file of a
// case is compiled with transpileModule (target ES2022) to
// OUT_DIR/NAME/tsc/, and node runs its main.js there; what it prints
// goes to OUT_DIR/NAME.out, which ts_case.sh compares with the front
// end's output.  tsc's output must itself run cleanly (exit 0).  Options
// from a `// @...` line of main.ts, as ts_case.sh reads them:
//   // @options: --no-define-fields --experimental-decorators --verbatim-module-syntax
//   // @module: commonjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [out, ...cases] = process.argv.slice(2);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const require = createRequire(path.join(root, 'scripts/npm/js/package.json'));
const ts = require('typescript');

fs.rmSync(out, { recursive: true, force: true });
let failed = 0;
for (const caseDir of cases) {
  if (!fs.statSync(caseDir).isDirectory()) continue;
  const name = path.basename(caseDir);
  const main = fs.readFileSync(path.join(caseDir, 'main.ts'), 'utf8');
  const opts = (main.match(/^\/\/ @options:(.*)$/m)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const cjs = /^\/\/ @module: commonjs$/m.test(main);
  const compilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: cjs ? ts.ModuleKind.CommonJS : ts.ModuleKind.ESNext,
    useDefineForClassFields: !opts.includes('--no-define-fields'),
    experimentalDecorators: opts.includes('--experimental-decorators'),
    verbatimModuleSyntax: opts.includes('--verbatim-module-syntax'),
  };
  const dir = path.join(out, name, 'tsc');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: cjs ? 'commonjs' : 'module' }));
  for (const f of fs.readdirSync(caseDir).filter((f) => /\.tsx?$/.test(f))) {
    const src = fs.readFileSync(path.join(caseDir, f), 'utf8');
    fs.writeFileSync(path.join(dir, f.replace(/\.tsx?$/, '.js')), ts.transpileModule(src, { compilerOptions, fileName: f }).outputText);
  }
  const r = spawnSync(process.execPath, [path.join(dir, 'main.js')], { encoding: 'utf8', cwd: dir });
  if (r.status !== 0) {
    console.log(`FAIL: ${name}: tsc's output itself fails (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    failed++;
    continue;
  }
  fs.writeFileSync(path.join(out, `${name}.out`), r.stdout);
}
console.log(`${failed ? 'FAIL' : 'ok'}: tsc's output of ${cases.length - failed} cases in ${out}`);
process.exit(failed ? 1 : 0);
