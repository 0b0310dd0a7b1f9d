// md_flat.mjs - a flat directory of real Markdown pages of 10-40 KB, made
// from the pages bench/md's corpus already holds (the machine has far
// fewer than 700 real pages of that size: 184 when this was written).
//
//   node md_flat.mjs LIST OUTDIR    LIST: one Markdown path a line
//
// Nothing is made up: every byte comes from a real page, cut or joined
// only where Markdown is cut or joined anyway.
//  - a page of 10-40 KB is taken whole;
//  - a larger page (a changelog, a long API reference) is cut into
//    pieces of a size drawn between 10 and 40 KB, at ATX headings outside
//    code blocks (or, where none is in reach, before a paragraph), at
//    most 24 pieces a page so that no one file (node's changelogs are
//    1 MB each) makes up the corpus;
//  - smaller pages are joined, in path order (so a package's or a docs
//    directory's pages end up together, as on a docs site), up to a size
//    drawn the same way.
// Front matter is dropped from joined and cut pages (it can only stand at
// the top), and so is a `---` rule that would start one.  Sizes are drawn by a fixed-seed generator, so the corpus is
// the same on every run on the same machine.  Prints "PAGES MB".
import fs from 'node:fs';
import path from 'node:path';

const [, , list, outdir] = process.argv;
if (!list || !outdir) {
  console.log('usage: node md_flat.mjs LIST OUTDIR (bench/md runs it)');
  process.exit(list ? 2 : 0);
}
let seed = 20241205;
const rand = () => { // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const KB = 1024, MIN = 10 * KB, MAX = 40 * KB, PIECES = 24;
const target = (max = MAX) => MIN + Math.floor(rand() * (max - MIN));

function dropFrontMatter(s) {
  const m = /^---[ \t]*\r?\n[\s\S]*?\n(---|\.\.\.)[ \t]*(\r?\n|$)/.exec(s);
  return m ? s.slice(m[0].length) : s;
}

// Where a page may be cut: offsets of lines outside fenced code that
// start an ATX heading (kind 2), or (kind 1) follow a blank line without
// being indented (a new paragraph or block, not a list item's
// continuation) or start a top-level list item (a changelog's list of
// commits can run for 100 KB).
function cutPoints(s) {
  const points = [];
  let fence = null, blank = false;
  for (let off = 0; off < s.length;) {
    const nl = s.indexOf('\n', off);
    const end = nl < 0 ? s.length : nl + 1;
    const line = s.slice(off, end);
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && /^ {0,3}[`~]+\s*$/.test(line)) fence = null;
    } else if (f) fence = f[1];
    else if (off > 0 && /^#{1,6}(\s|$)/.test(line)) points.push({ off, kind: 2 });
    else if (off > 0 && ((blank && /^\S/.test(line)) || /^([-*+]|\d{1,9}[.)])[ \t]/.test(line))) points.push({ off, kind: 1 });
    blank = !fence && /^\s*$/.test(line);
    off = end;
  }
  return points;
}

// Pieces of 10-40 KB: each ends at the first heading past its drawn size,
// or failing one within MAX, at the first other cut point past it.
function cut(s) {
  const points = cutPoints(s);
  const pieces = [];
  let from = 0;
  while (pieces.length < PIECES) {
    const want = target();
    const fits = points.filter((p) => p.off - from >= want && p.off - from <= MAX);
    const at = fits.find((p) => p.kind === 2) || fits[0];
    if (!at) {
      const next = points.find((p) => p.off > from + MAX);
      if (!next) break;
      from = next.off; // nowhere to cut in reach: skip ahead
      continue;
    }
    pieces.push(s.slice(from, at.off));
    from = at.off;
  }
  return pieces;
}

const files = fs.readFileSync(list, 'utf8').split('\n').filter(Boolean).sort();
fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(outdir, { recursive: true });
const pages = [];
// Joined pages stop growing once past a size drawn up to MAX - MIN: the
// page that crossed it (under MIN itself) cannot take them past MAX.
let joined = '', want = target(MAX - MIN);
for (const f of files) {
  const text = fs.readFileSync(f, 'utf8');
  const size = Buffer.byteLength(text);
  if (size >= MIN && size <= MAX) pages.push(text);
  else if (size > MAX) pages.push(...cut(dropFrontMatter(text)));
  else {
    joined += (joined && !joined.endsWith('\n\n') ? '\n' : '') + dropFrontMatter(text);
    if (Buffer.byteLength(joined) >= want) {
      pages.push(joined);
      joined = '';
      want = target(MAX - MIN);
    }
  }
}
let bytes = 0;
pages.forEach((p, i) => {
  // A piece that starts with a `---` rule would read as front matter.
  if (/^---[ \t]*\r?\n/.test(p)) p = p.replace(/^---[ \t]*\r?\n/, '');
  fs.writeFileSync(path.join(outdir, `page-${String(i).padStart(4, '0')}.md`), p);
  bytes += Buffer.byteLength(p);
});
console.log(`${pages.length} ${(bytes / 1e6).toFixed(1)}`);
