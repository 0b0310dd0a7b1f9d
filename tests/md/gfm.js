// gfm.js SLUICE CASES CMARK_PAGES: `sluice md --gfm` against cmark-gfm (GitHub's
// reference implementation, Debian's `cmark-gfm` command) on three sets of
// pages: the hand-written cases in CASES (one per rule of the GFM spec's
// extension sections: tables, strikethrough, autolinks, tag filter, task
// lists, safe-mode URLs and safe-mode raw HTML), a generated corpus of tables with empty,
// escaped, aligned and ragged cells, and one of autolinks after quotes and
// e-mail addresses ending in a digit (autolinkCorpus).  Each page is rendered by both and
// compared after normalize.js.  Cases marked "safe" run without
// --unsafe-html (cmark-gfm without --unsafe); the rest with raw HTML on,
// as GitHub renders before its own sanitiser.  cmark-gfm renders every
// page in one process (CMARK_PAGES, tests/md/cmark_gfm_pages.c: what the
// command does, per page, with its library).
//
//   node gfm.js SLUICE CASES CMARK_PAGES
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { normalize } = require('./normalize');

const [sluice, casesFile, cmarkPages] = process.argv.slice(2);

function readCases(file) {
  const cases = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^=== (.*?)( safe)?$/.exec(line);
    if (m) cases.push({ name: m[1], safe: !!m[2], lines: [] });
    else if (cases.length) cases[cases.length - 1].lines.push(line.replace(/→/g, '\t'));
  }
  return cases.map((c) => ({ name: c.name, safe: c.safe, md: c.lines.join('\n').replace(/\n*$/, '\n') }));
}

// A small deterministic generator (mulberry32), so the corpus is the same
// on every run and a failure can be reproduced by its index.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tableCorpus(count) {
  const r = rng(15);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const cells = ['', '', ' ', 'x', 'two words', '\\|', 'a \\| b', '`c \\| d`', '*em*', '**strong**',
    '1.5', '&amp;', 'é ü', '[l](/u)', '~~s~~', '\\\\', '`code`', 'a\\*b', '<b>raw</b>', 'www.example.com'];
  const delims = ['-', '--', '---', ':-', '-:', ':-:', ':---', '---:', ':---:'];
  const row = (items, outer) => {
    const body = items.map((c) => (r() < 0.3 ? ` ${c} ` : c)).join('|');
    return outer === 0 ? body : outer === 1 ? `|${body}|` : outer === 2 ? `|${body}` : `${body}|`;
  };
  const pages = [];
  for (let i = 0; i < count; i++) {
    const cols = 1 + Math.floor(r() * 5);
    const outer = () => (cols === 1 ? 1 + Math.floor(r() * 3) : Math.floor(r() * 4));
    const lines = [];
    if (r() < 0.2) lines.push('A paragraph line before the table');
    lines.push(row(Array.from({ length: cols }, () => pick(cells) || 'h'), outer()));
    const dcols = r() < 0.1 ? cols + (r() < 0.5 ? -1 : 1) : cols; // sometimes not a table at all
    lines.push(row(Array.from({ length: Math.max(1, dcols) }, () => pick(delims)), outer()));
    const rows = Math.floor(r() * 5);
    for (let k = 0; k < rows; k++) {
      const n = Math.max(1, cols + Math.floor(r() * 5) - 2); // ragged: fewer or more cells
      lines.push(row(Array.from({ length: n }, () => pick(cells)), outer()));
    }
    if (r() < 0.2) lines.push(pick(['', '> quote', '- item', 'trailing text']));
    // Safe mode differs on raw HTML by design (sluice shows it escaped,
    // cmark-gfm drops it), so safe pages hold none.
    const safe = r() < 0.2;
    const md = lines.join('\n') + '\n';
    pages.push({ name: `table ${i}`, safe, md: safe ? md.replace(/<b>raw<\/b>/g, 'raw') : md });
  }
  return pages;
}

// URLs right after a quote (md4c starts no link there, cmark-gfm does)
// and e-mail addresses whose domain ends in a digit (md4c links them,
// cmark-gfm not): what comes before, bytes either reads specially inside
// the URL, trailing punctuation, entities, what follows, and the
// constructs around.  render.c writes them as cmark-gfm reads them where
// md4c renders the page; the rest go to cmark-gfm.
function autolinkCorpus(count) {
  const r = rng(14);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const before = ['"', "'", '\\"', '&quot;', '("', '*"', '["', '="', 'x"', ' "', '**"', '"(', '1"'];
  const urls = ['https://registry.npmjs.org/', 'http://github.com', 'ftp://f.org/a;b', 'https://x.com/~u',
    "https://x.com/it's", 'https://x.com/a_b', 'https://x.com/(a)', 'https://x.com/a)b', 'HTTP://x.com',
    'http://a_b.c.com', 'http://x.com/a*b', 'https://x.com/?q=1&r=2', 'https://x.com/&amp;', 'http://bücher.de',
    'http://', 'https://x.com/(www.y.com)', 'https://x.com/_www.y.com', 'https://x.com/a@b.com', 'https://x.com/a<b',
    'https://x.com/a|b', 'https://x.com/"q"', 'https://x.com/a~b~', 'https://www.example.com/path', 'www.example.com'];
  const emails = ['glob@7.0.3', 'a@b.c1', 'x.y+z@1.2', 'a@1.2-3', 'a@1.2_3', 'a@b.com', 'a@1.2+b@c.com', 'a@1.2@c.org'];
  const emailBefore = ['', ' ', '(', '"', '*', '_', '<', '[', '/', 'mailto:', '+'];
  const trails = ['', '"', "'", '".', '",', '")', '.', ',', ')', ';', '&copy;', '*', '_', '~', "'s", '>', ':', '?'];
  const follows = ['', ' text', 'x', ' and http://b.org', ' ~x~', ' [y](/z)', '\nmore', ' "https://c.org"', ' *e*'];
  const contexts = ['%s', '%s', 'Default: %s', '[%s](/u)', '# %s', '- %s', '> %s', '| %s |\n|---|', '*%s*',
    '~~%s~~', '`x` %s', 'a\n%s', '<a href="/u">%s</a>', '<div>\n%s\n</div>', '![%s](/i.png)', '`%s`'];
  const pages = [];
  for (let i = 0; i < count; i++) {
    const link = i % 3 === 2 ? pick(emailBefore) + pick(emails) : pick(before) + pick(urls);
    const md = pick(contexts).replace('%s', link + pick(trails) + pick(follows)) + '\n';
    const safe = r() < 0.3 && !md.includes('<');
    pages.push({ name: `autolink ${i}`, safe, md });
  }
  return pages;
}

const pages = [...readCases(casesFile), ...tableCorpus(300), ...autolinkCorpus(600)];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-md-gfm-'));
let failed = 0;
try {
  const sluiceHtml = new Array(pages.length);
  for (const safe of [false, true]) {
    const dir = path.join(tmp, safe ? 'safe' : 'unsafe');
    fs.mkdirSync(dir);
    const idx = pages.map((p, i) => (p.safe === safe ? i : -1)).filter((i) => i >= 0);
    idx.forEach((i) => fs.writeFileSync(path.join(dir, `p${String(i).padStart(4, '0')}.md`), pages[i].md));
    const args = ['md', '--gfm', '--json', '-q', '-j2', '--no-front-matter', ...(safe ? [] : ['--unsafe-html']), dir];
    const out = String(execFileSync(sluice, args, { maxBuffer: 1 << 26 })).trim().split('\n').filter(Boolean);
    if (out.length !== idx.length) throw new Error(`sluice md wrote ${out.length} pages of ${idx.length}`);
    out.forEach((l, k) => { sluiceHtml[idx[k]] = JSON.parse(l).html; });
  }
  const input = pages.map((p) => JSON.stringify({ md: p.md, unsafe: !p.safe }) + '\n').join('');
  const wants = String(execFileSync(cmarkPages, [], { input, maxBuffer: 1 << 26 })).trim().split('\n').map((l) => JSON.parse(l));
  if (wants.length !== pages.length) throw new Error(`cmark-gfm wrote ${wants.length} pages of ${pages.length}`);
  // Safe mode shows raw HTML escaped where cmark-gfm drops it as a
  // comment: such pages are compared by their tags alone (names,
  // attributes, URLs, in order), which the raw HTML, parsed as HTML and
  // shown as text, must leave as cmark-gfm's.
  const omitted = '<!-- raw HTML omitted -->';
  const tags = (h) => (normalize(h).match(/<[^>]*>/g) || []).filter((t) => !t.startsWith('<!--')).join('');
  const same = (p, got, want) =>
    p.safe && want.includes(omitted) ? tags(got) === tags(want) : normalize(got) === normalize(want);
  pages.forEach((p, i) => {
    const want = wants[i];
    if (!same(p, sluiceHtml[i], want)) {
      failed++;
      console.error(`--- ${p.name}${p.safe ? ' (safe)' : ''}\n${p.md}--- cmark-gfm:\n${want}--- sluice md:\n${sluiceHtml[i]}`);
    }
  });
  const ncases = pages.length - 900;
  console.log(`GFM: sluice md renders ${pages.length - failed}/${pages.length} pages as cmark-gfm does ` +
              `(${ncases} extension cases, 300 generated tables, 600 generated autolinks)`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
