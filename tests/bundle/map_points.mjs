// map_points.mjs BUNDLE [--minified]: reads BUNDLE's source map (BUNDLE.map)
// and checks every mapping's original text.  A mapping that starts at an
// identifier (not a keyword: the minifier rewrites statements) must point
// at that identifier in the original file, or at the name the map gives
// it (`ns.x` read as the variable x: at `ns`); or, inside text the bundler wrote in place of one (`(0, import_c.f)`
// for `f`: every token there maps to the same point), at the point the
// mapping before it on the line names.  Without --minified a made-up name
// the bundler writes (import_x, require_x, x_exports, a renamed x$1, the
// exports2 and module2 of --format cjs) may
// point at any identifier it replaced.  No mapping points past its line.
import fs from 'fs';
const [file, mode] = process.argv.slice(2);
const code = fs.readFileSync(file, 'utf8').split('\n');
const map = JSON.parse(fs.readFileSync(file + '.map', 'utf8'));
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function* segments(mappings) {
  let line = 0, src = 0, ol = 0, oc = 0, nm = 0;
  for (const l of mappings.split(';')) {
    let col = 0;
    for (const s of l.split(',')) {
      if (!s) continue;
      const v = [];
      let shift = 0, acc = 0;
      for (const ch of s) {
        const d = B64.indexOf(ch);
        acc += (d & 31) << shift;
        if (d & 32) { shift += 5; continue; }
        v.push(acc & 1 ? -(acc >>> 1) : acc >>> 1);
        acc = 0; shift = 0;
      }
      col += v[0];
      if (v.length >= 4) { src += v[1]; ol += v[2]; oc += v[3]; }
      if (v.length >= 5) nm += v[4];
      yield { line, col, mapped: v.length >= 4, src, ol, oc, name: v.length >= 5 ? map.names[nm] : null };
    }
    line++;
  }
}
const keywords = new Set(('break case catch class const continue debugger default delete do else export extends ' +
  'false finally for function if import in instanceof let new null return super switch this throw true try typeof ' +
  'var void while with yield await async of static get set undefined').split(' '));
const madeUp = /^(import_|require_|init_|__)|_exports$|_default$|\$\d+$|^(exports|module)\d+$/;
const ident = /^[A-Za-z_$][\w$]*/;
const origs = map.sourcesContent.map((t) => t.split('\n'));
let bad = 0, checked = 0, prev = null;
const where = (g) => `${map.sources[g.src]}:${g.ol + 1}:${g.oc}`;
for (const g of segments(map.mappings)) {
  if (prev && prev.line !== g.line) prev = null;
  if (!g.mapped) { prev = null; continue; }
  const ol = origs[g.src]?.[g.ol];
  if (ol === undefined || g.oc > ol.length) {
    bad++;
    console.log(`${file}:${g.line + 1}:${g.col}: points past its line, at ${where(g)}`);
    continue;
  }
  const gm = ident.exec(code[g.line].slice(g.col));
  const om = ident.exec(ol.slice(g.oc));
  const samePoint = prev && prev.src === g.src && prev.ol === g.ol && prev.oc === g.oc;
  prev = g;
  if (!gm || keywords.has(gm[0])) continue;
  checked++;
  const want = g.name ?? gm[0];
  if (om && om[0] === want) continue;
  if (ol.startsWith(`"${want}"`, g.oc) || ol.startsWith(`'${want}'`, g.oc)) continue; // a key the minifier unquoted
  if (samePoint) continue;
  if (new RegExp(`^[\\w$]+\\.${want.replace(/\$/g, '\\$')}(?![\\w$])`).test(ol.slice(g.oc))) continue; // ns.name read as the variable
  if (mode !== '--minified' && om && madeUp.test(gm[0]) && !/[\w$]/.test(ol[g.oc - 1] ?? ' ')) continue;
  bad++;
  console.log(`${file}:${g.line + 1}:${g.col}: '${gm[0]}'${g.name ? ` (name ${g.name})` : ''} maps to ${where(g)}: ` +
              `'${ol.slice(g.oc, g.oc + 24)}'`);
}
if (!checked) { console.log(`${file}: no identifier mappings (nothing checked)`); process.exit(1); }
if (bad) { console.log(`${file}: ${bad} of ${checked} identifier mappings point elsewhere`); process.exit(1); }
