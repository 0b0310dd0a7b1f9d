// htmlblock.js SLUICE: every tag name that starts a CommonMark HTML block
// of type 6 (and the type-1 names' look-alikes), in every shape a page
// writes it, rendered by `sluice md --unsafe-html` - batch and sidecar,
// --commonmark and --gfm - equals cmark-gfm's rendering (its core for
// --commonmark, with GFM's extensions for --gfm) after normalize.js.
// md4c 0.4.8 misses `<h2>`-`<h6>`, `<header>`, `<thead>`, `<link>`... and
// wraps them in a paragraph (md4c_fix.c); this pins the workaround.
// Each shape is its own page (routing is per page), but cmark-gfm renders
// all of them in one run: the pages joined by comment lines after a blank
// line, which ends every block a shape opens.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { normalize } = require('./normalize');

const [sluice] = process.argv.slice(2);

const TYPE6 = ('address article aside base basefont blockquote body caption center col colgroup dd ' +
  'details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 ' +
  'head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup option p ' +
  'param section source summary table tbody td tfoot th thead title tr track ul').split(' ');

function pages() {
  const out = [];
  const forms = [(t) => `<${t}>`, (t) => `</${t}>`, (t) => `<${t} class="x" align="center">`,
    (t) => `<${t} align="center">*t*</${t}>`];
  const contexts = [(l) => `${l}\n`, (l) => `${l}\n*more* text\nand more\n`, (l) => `a paragraph\n${l}\ntext\n`];
  for (const name of TYPE6)
    for (const form of forms)
      for (let indent = 0; indent < 4; indent++) // lower case at 0 and 2 spaces, upper at 1 and 3
        for (const ctx of contexts) out.push(ctx(' '.repeat(indent) + form(indent % 2 ? name.toUpperCase() : name)));
  // Inside containers, and the names md4c takes for type 1 (<pre...)
  // or type 6 by their prefix alone, or with a \v or \f after them.
  for (const line of ['<h3 align="center">t</h3>', '<thead>', '<prefix>', '<pre/>', '<scripts>', '<style-x>',
    '<header\vx="1">', '<div\f>', '<pre>x</pre>', '<pref', '<hr/>', '<Param/>'])
    out.push(`${line}\ntext\n`, `> ${line}\n> text\nlazy\n`, `- ${line}\n  text\n`, `1. a\n2. ${line}\n   text\n`);
  return out;
}
// Pages that end inside the tag's line, with no line end (each its own
// cmark-gfm run: joined, they would not be at the end).
const AT_END = ['a\n\n<p', 'a\n\n</p', '<h2', '<pre', '<prefix', '<header', '<thead>'];

const all = [...pages(), ...AT_END];
const joinable = all.length - AT_END.length;
// Thousands of small files: on tmpfs where there is one (a loaded disk
// took 19 s to write 6,000 of them).
const shm = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const tmp = fs.mkdtempSync(path.join(shm, 'sluice-md-htmlblock-'));
let failed = 0;
try {
  all.forEach((md, i) => fs.writeFileSync(path.join(tmp, `c${String(i).padStart(5, '0')}.md`), md));
  const sidecarIn = ['commonmark', 'gfm'].map((dialect, k) => JSON.stringify({ jsonrpc: '2.0', id: k,
    method: 'transformBatch', params: { files: all.map((content, i) => ({ file: `c${i}`, content })),
      options: { dialect, unsafeHtml: true, frontMatter: false } } })).join('\n') + '\n';
  const sidecar = {};
  for (const l of String(execFileSync(sluice, ['md', '--serve', '-j2'], { input: sidecarIn, maxBuffer: 1 << 28 })).split('\n')) {
    const m = l && JSON.parse(l);
    if (m && m.id !== undefined) sidecar[m.id] = m.result.results.map((r) => r.html);
  }
  for (const [k, dialect] of ['commonmark', 'gfm'].entries()) {
    const batch = String(execFileSync(sluice, ['md', `--${dialect}`, '--unsafe-html', '--no-front-matter', '--json',
      '-q', '-j2', tmp], { maxBuffer: 1 << 28 })).trim().split('\n').map((l) => JSON.parse(l).html);
    const ext = dialect === 'gfm' ? ['-e', 'table', '-e', 'strikethrough', '-e', 'autolink', '-e', 'tagfilter', '-e', 'tasklist'] : [];
    const cmark = (input) => String(execFileSync('cmark-gfm', ['--unsafe', ...ext], { input, maxBuffer: 1 << 28 }));
    const joined = all.slice(0, joinable).map((md, i) => `${md}\n<!-- case ${i} -->\n\n`).join('');
    const want = [...cmark(joined).split(/<!-- case \d+ -->\n/).slice(0, -1), ...AT_END.map(cmark)];
    if (batch.length !== all.length || sidecar[k].length !== all.length || want.length !== all.length)
      throw new Error(`${dialect}: ${batch.length} batch, ${sidecar[k].length} sidecar, ${want.length} cmark-gfm pages of ${all.length}`);
    all.forEach((md, i) => {
      const w = normalize(want[i]);
      const n = batch[i] === sidecar[k][i] ? normalize(batch[i]) : null; // usually the same bytes
      for (const [how, got] of [['batch', batch[i]], ['sidecar', sidecar[k][i]]])
        if (got !== want[i] && (n ?? normalize(got)) !== w && failed++ < 20)
          console.error(`--- --${dialect} ${how}:\n${md}--- cmark-gfm:\n${want[i]}--- sluice md:\n${got}`);
    });
  }
  console.log(`HTML blocks: ${4 * all.length - failed}/${4 * all.length} renderings as cmark-gfm's ` +
              `(${all.length} pages x batch, sidecar x --commonmark, --gfm)`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
