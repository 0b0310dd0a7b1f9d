// sourcemap_check.mjs MAP APP GOT REF [--names]: maps the frames the bundle
// printed (GOT: report.js's JSON lines from running the bundle) back
// through the source map MAP (read with the `source-map` package) and
// requires each sampled frame to land in the right original file and line:
//   - frames marked in APP's sources with `// @frame CASE K` (frame K of
//     CASE's stack is that line of that file);
//   - for cases whose frames lie in a package, the leading frames node
//     reported running the sources unbundled (REF, same shape as GOT);
//     where that file has its own source map (immer's dist/ names its
//     src/*.ts), a bundler that follows it may land there instead.
// --names: the map's `names` array must be filled (minified identifiers).
// Prints one line per case; exits 1 on any frame mapped wrong.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [mapFile, appDir, gotFile, refFile, ...opts] = process.argv.slice(2);
const require = createRequire(path.join(process.cwd(), 'x.js'));
const { SourceMapConsumer } = require('source-map');
const real = (p) => { try { return fs.realpathSync(p); } catch { return path.resolve(p); } };
const lines = (f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

// Expected frames from the markers.
const expected = new Map(); // case -> Map(K -> {file, line})
const walk = (d) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') walk(p);
    else if (/\.(ts|tsx|js|mjs)$/.test(e.name)) {
      fs.readFileSync(p, 'utf8').split('\n').forEach((text, i) => {
        for (const m of text.matchAll(/@frame (\S+) (\d+)/g)) {
          if (!expected.has(m[1])) expected.set(m[1], new Map());
          expected.get(m[1]).set(+m[2], { file: real(p), line: i + 1 });
        }
      });
    }
  }
};
walk(appDir);
// Expected frames from node's unbundled run: the frames above report.js.
const inputMaps = new Map(); // file -> consumer of its own source map, or null
async function inputMap(file) {
  if (!inputMaps.has(file)) {
    const m = /\/\/[#@] sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(file, 'utf8'));
    const mf = m && !m[1].startsWith('data:') && path.resolve(path.dirname(file), m[1]);
    inputMaps.set(file, mf && fs.existsSync(mf) ? { dir: path.dirname(mf), c: await new SourceMapConsumer(JSON.parse(fs.readFileSync(mf, 'utf8'))) } : null);
  }
  return inputMaps.get(file);
}
for (const r of lines(refFile)) {
  const want = new Map();
  for (const [k, f] of r.frames.entries()) {
    if (f.file.endsWith('/report.js')) break;
    const w = { file: real(f.file), line: f.line };
    const im = await inputMap(w.file);
    if (im) {
      const o = im.c.originalPositionFor({ line: f.line, column: f.col - 1 });
      if (o.source) w.alt = { file: real(path.resolve(im.dir, o.source)), line: o.line };
    }
    want.set(k, w);
  }
  if (want.size === 0) { console.log(`FAIL: reference case ${r.name} has no frames`); process.exit(1); }
  expected.set(r.name, want);
}

const raw = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
if (opts.includes('--names') && !(Array.isArray(raw.names) && raw.names.length > 0)) {
  console.log('FAIL: the minified bundle\'s source map has an empty `names` array');
  process.exit(1);
}
const mapDir = path.dirname(real(mapFile));
const consumer = await new SourceMapConsumer(raw);
let bad = 0, checked = 0;
const got = lines(gotFile);
for (const [name, want] of expected) {
  const g = got.find((x) => x.name === name);
  if (!g) { console.log(`FAIL: ${name}: the bundle printed no such case`); bad++; continue; }
  const out = [];
  for (const [k, w] of want) {
    const f = g.frames[k];
    if (!f) { out.push(`frame ${k} missing`); bad++; continue; }
    const o = consumer.originalPositionFor({ line: f.line, column: f.col - 1 });
    const src = o.source && real(path.resolve(mapDir, raw.sourceRoot || '', o.source.replace(/^file:\/\//, '')));
    checked++;
    const at = (x) => x && src === x.file && o.line === x.line;
    if (!at(w) && !at(w.alt)) {
      bad++;
      out.push(`frame ${k} at bundle ${f.line}:${f.col} maps to ${o.source}:${o.line}, want ${path.relative(process.cwd(), w.file)}:${w.line}`);
    } else {
      out.push(`frame ${k} -> ${path.basename(src)}:${o.line}`);
    }
  }
  console.log(`${out.some((s) => s.includes('want') || s.includes('missing')) ? 'FAIL' : 'ok'}: ${name} (${g.message.slice(0, 50)}): ${out.join('; ')}`);
}
consumer.destroy?.();
if (checked < 8) { console.log(`FAIL: only ${checked} frames sampled`); process.exit(1); }
process.exit(bad ? 1 : 0);
