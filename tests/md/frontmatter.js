// frontmatter.js SLUICE YAML_DIR: every YAML document in YAML_DIR, as the
// front matter of a page, through `sluice md --json`, compared with what
// js-yaml (pinned by scripts/npm/md) reads with its core schema - the
// YAML 1.2 schema that keeps dates as strings.  Values are compared as
// JSON text after a round trip through JSON.parse, so that key order and
// number spelling are JavaScript's on both sides.  One mapping is applied
// to js-yaml's side: U+0000 (from a "\0" escape) is U+FFFD, as every NUL
// is in sluice md.  Documents under YAML_DIR/errors must be refused by
// both: js-yaml throws, and sluice keeps the block as text with a warning
// naming the page's line.  Documents under YAML_DIR/refused are read by
// js-yaml and refused by sluice, which warns instead of reading them
// differently: anchor and alias names with characters libyaml cannot read.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const yaml = require('js-yaml');

const [sluice, dir] = process.argv.slice(2);
const list = (d) => fs.readdirSync(d).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(d, f));
const docs = [
  ...list(dir).map((f) => ({ f, ok: true })),
  ...list(path.join(dir, 'errors')).map((f) => ({ f, ok: false, jsThrows: true })),
  ...list(path.join(dir, 'refused')).map((f) => ({ f, ok: false, jsThrows: false })),
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-md-yaml-'));
let failed = 0;
try {
  docs.forEach((d, i) => {
    const text = fs.readFileSync(d.f, 'utf8');
    const nl = text.includes('\r\n') ? '\r\n' : '\n';
    // every other page closes with the `...` end marker instead of `---`
    fs.writeFileSync(path.join(tmp, `p${String(i).padStart(3, '0')}.md`), `---${nl}${text}${i % 2 ? '...' : '---'}${nl}body${nl}`);
  });
  let stderr = '';
  let out;
  try {
    out = execFileSync(sluice, ['md', '--json', '-q', '-j2', tmp], { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    out = e.stdout;
    stderr = String(e.stderr);
  }
  const pages = String(out).trim().split('\n').map((l) => JSON.parse(l));
  if (pages.length !== docs.length) throw new Error(`expected ${docs.length} pages, got ${pages.length}: ${stderr}`);
  docs.forEach((d, i) => {
    const text = fs.readFileSync(d.f, 'utf8');
    const page = pages[i];
    const name = path.relative(dir, d.f);
    let want, threw = null;
    try {
      want = yaml.load(text, { schema: yaml.CORE_SCHEMA });
    } catch (e) {
      threw = e.message.split('\n')[0];
    }
    if (d.ok) {
      const w = JSON.stringify(JSON.parse(JSON.stringify(want === undefined ? {} : want).replace(/\\u0000/g, '\\ufffd')));
      const got = JSON.stringify(page.frontmatter);
      if (threw || w !== got || page.warnings.length) {
        failed++;
        console.error(`${name}: js-yaml ${threw ? 'threw ' + threw : w}\n${' '.repeat(name.length)}  sluice  ${got} ${JSON.stringify(page.warnings)}`);
      }
    } else {
      const w = page.warnings[0];
      const ok = !threw === !d.jsThrows && typeof page.frontmatter === 'string' && w && w.line >= 2 && /not valid YAML/.test(w.message);
      if (!ok) {
        failed++;
        console.error(`${name}: should be refused by sluice ${d.jsThrows ? 'and' : 'and read by'} js-yaml; js-yaml ${threw ? 'threw' : 'accepted it'}, sluice ${JSON.stringify(page.frontmatter)} ${JSON.stringify(page.warnings)}`);
      }
    }
  });
  console.log(`front matter: ${docs.length - failed}/${docs.length} documents read as js-yaml ${require('js-yaml/package.json').version} reads them (${docs.filter((d) => d.jsThrows).length} refused by both, ${docs.filter((d) => d.jsThrows === false).length} by sluice alone)`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
