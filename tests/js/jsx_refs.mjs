// jsx_refs.mjs OUT_DIR CASE...: esbuild's side of every JSX case, once per
// build (the CTest fixture js_jsx_refs) instead of once per case test:
// esbuild (scripts/npm/js) is loaded once and compiles each .jsx/.tsx case
// in both JSX runtimes (classic, automatic; format esm, target es2022);
// node renders each with jsx_render.mjs, and its stdout, stderr (React's
// warnings) and exit status go to OUT_DIR/NAME.MODE.{out,err,rc}, which
// jsx_case.sh compares with the front end's.  esbuild's render must
// itself succeed.  OUT_DIR also gets the renderer and a node_modules link.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [out, ...cases] = process.argv.slice(2);
const here = path.dirname(new URL(import.meta.url).pathname);
const npm = path.resolve(here, '../../scripts/npm/js');
const esbuild = createRequire(path.join(npm, 'package.json'))('esbuild');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.symlinkSync(path.join(npm, 'node_modules'), path.join(out, 'node_modules'));
fs.copyFileSync(path.join(here, 'jsx_render.mjs'), path.join(out, 'jsx_render.mjs'));
let failed = 0;
for (const file of cases) {
  const name = path.basename(file).replace(/\.[jt]sx$/, '');
  const src = fs.readFileSync(file, 'utf8');
  const loader = file.endsWith('.tsx') ? 'tsx' : 'jsx';
  for (const mode of ['classic', 'automatic']) {
    const ref = esbuild.transformSync(src, { loader, jsx: mode === 'automatic' ? 'automatic' : 'transform', format: 'esm', target: 'es2022' });
    const mod = path.join(out, `${name}.${mode}.mjs`);
    fs.writeFileSync(mod, ref.code);
    const r = spawnSync(process.execPath, [path.join(out, 'jsx_render.mjs'), mod], { encoding: 'utf8', cwd: out });
    if (r.status !== 0) {
      console.log(`FAIL: ${name} (${mode}): esbuild's output does not render (exit ${r.status}):\n${r.stdout}${r.stderr}`);
      failed++;
      continue;
    }
    for (const [ext, text] of [['out', r.stdout], ['err', r.stderr], ['rc', `${r.status}\n`]])
      fs.writeFileSync(path.join(out, `${name}.${mode}.${ext}`), text);
  }
}
console.log(`${failed ? 'FAIL' : 'ok'}: esbuild's renders of ${cases.length} JSX cases in two runtimes in ${out}`);
process.exit(failed ? 1 : 0);
