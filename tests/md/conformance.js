// conformance.js SLUICE MD4C_SPEC: scores `sluice md --commonmark` and
// md4c alone on the CommonMark spec examples with one comparison.
//
// Each example becomes one file rendered by `sluice md --commonmark
// --unsafe-html --json DIR` (raw HTML must pass for the spec).  Each file
// starts with an empty front-matter block ("---\n---\n"), which sluice
// strips, so the example itself is rendered byte for byte - otherwise an
// example that opens with a `---` line would be taken for front matter.
// Both outputs and the expected HTML go through the same normalisation:
// tags lowercased with sorted attributes, heading `id`s (a sluice
// addition) dropped, entities decoded, whitespace collapsed outside <pre>.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const spec = require('commonmark-spec');
const { decodeHTML } = require('entities');

const [sluice, md4c] = process.argv.slice(2);
const examples = spec.tests.map((t) => ({ ...t, markdown: t.markdown.replace(/→/g, '\t'),
                                           html: t.html.replace(/→/g, '\t') }));

const BLOCK = new Set(['p', 'div', 'ul', 'ol', 'li', 'blockquote', 'pre', 'table', 'thead',
  'tbody', 'tr', 'th', 'td', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'br']);

function escapeText(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function normTag(raw) {
  const m = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)([\s\S]*?)\/?>$/.exec(raw);
  if (!m) return { text: raw, block: false };
  const name = m[2].toLowerCase();
  const attrs = [];
  const re = /([^\s=/"'>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  let a;
  while ((a = re.exec(m[3]))) {
    const key = a[1].toLowerCase();
    if (key === 'id' && /^h[1-6]$/.test(name)) continue;
    const v = a[2] ?? a[3] ?? a[4];
    attrs.push(v === undefined ? key : `${key}="${escapeText(decodeHTML(v))}"`);
  }
  attrs.sort();
  return { text: `<${m[1]}${name}${attrs.length ? ' ' + attrs.join(' ') : ''}>`, block: BLOCK.has(name), pre: name === 'pre', close: !!m[1] };
}

function normalize(html) {
  const parts = html.split(/(<!--[\s\S]*?-->|<[^>]*>)/);
  const out = [];
  let inPre = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i % 2 === 1) {
      if (p.startsWith('<!--')) { out.push({ text: p, block: false }); continue; }
      const t = normTag(p);
      if (t.pre) inPre += t.close ? -1 : 1;
      out.push(t);
    } else if (p) {
      let s = escapeText(decodeHTML(p));
      if (!inPre) s = s.replace(/\s+/g, ' ');
      out.push({ text: s, isText: true, pre: inPre > 0 });
    }
  }
  // Whitespace next to block-level tags is not significant.
  for (let i = 0; i < out.length; i++) {
    const t = out[i];
    if (!t.isText || t.pre) continue;
    if (i === 0 || out[i - 1].block) t.text = t.text.replace(/^ /, '');
    if (i === out.length - 1 || out[i + 1].block) t.text = t.text.replace(/ $/, '');
  }
  return out.map((t) => t.text).join('').trim();
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-md-spec-'));
try {
  examples.forEach((e, i) => {
    fs.writeFileSync(path.join(dir, `ex${String(i).padStart(4, '0')}.md`), '---\n---\n' + e.markdown);
  });
  const sluiceOut = execFileSync(sluice, ['md', '--commonmark', '--unsafe-html', '--json', '-q', dir],
    { maxBuffer: 1 << 28 }).toString().trim().split('\n').map((l) => JSON.parse(l));
  const md4cIn = examples.map((e) => JSON.stringify(e.markdown)).join('\n') + '\n';
  const md4cOut = execFileSync(md4c, [], { input: md4cIn, maxBuffer: 1 << 28 })
    .toString().trim().split('\n').map((l) => JSON.parse(l));
  if (sluiceOut.length !== examples.length || md4cOut.length !== examples.length) {
    console.error(`expected ${examples.length} outputs, got sluice ${sluiceOut.length}, md4c ${md4cOut.length}`);
    process.exit(1);
  }
  let sluicePass = 0, md4cPass = 0;
  const differ = [];
  examples.forEach((e, i) => {
    const want = normalize(e.html);
    const s = normalize(sluiceOut[i].html) === want;
    const m = normalize(md4cOut[i]) === want;
    sluicePass += s;
    md4cPass += m;
    if (s !== m) differ.push(e.number);
  });
  console.log(`CommonMark ${require('commonmark-spec/package.json').version} examples: ` +
              `sluice md --commonmark passes ${sluicePass}/${examples.length}, ` +
              `md4c alone passes ${md4cPass}/${examples.length}`);
  if (differ.length) {
    console.error(`sluice and md4c disagree on examples ${differ.slice(0, 20).join(', ')}`);
    process.exit(1);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
