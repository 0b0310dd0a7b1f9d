// markdown_it.js REPS < paths: markdown-it (GFM-ish: tables, strikethrough,
// linkify; raw HTML off) on every page in memory, one thread; prints the
// median pass as "pages MB seconds".
'use strict';
const fs = require('fs');
const md = require('markdown-it')({ html: false, linkify: true });
const reps = Number(process.argv[2] || 5);
const paths = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean);
const pages = paths.map((p) => fs.readFileSync(p, 'utf8'));
const bytes = paths.reduce((s, p) => s + fs.statSync(p).size, 0);
const secs = [];
for (let r = 0; r < reps; r++) {
  const t0 = process.hrtime.bigint();
  for (const p of pages) md.render(p);
  secs.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
secs.sort((a, b) => a - b);
console.log(`${pages.length} ${(bytes / 1e6).toFixed(3)} ${secs[Math.floor(reps / 2)].toFixed(4)}`);
