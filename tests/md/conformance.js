// conformance.js SLUICE MD4C_SPEC CMARK_GFM_PAGES: scores `sluice md
// --commonmark`, md4c alone and libcmark-gfm's core (no extension) on the
// CommonMark spec examples.  sluice renders --commonmark pages as
// cmark-gfm 0.29 does (its own renderer, tools/md/gfm), so the rule is:
// on every example sluice's HTML is cmark-gfm's, after normalising; where
// that misses the spec's HTML (a rule newer than 0.29), both miss it.
// md4c's score is printed beside them.
//
// Each example becomes one file rendered by `sluice md --commonmark
// --unsafe-html --json DIR` (raw HTML must pass for the spec).  Each file
// starts with an empty front-matter block ("---\n---\n"), which sluice
// strips, so the example itself is rendered byte for byte - otherwise an
// example that opens with a `---` line would be taken for front matter.
// Both outputs and the expected HTML go through the same normalisation
// (normalize.js).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const spec = require('commonmark-spec');
const { normalize } = require('./normalize');

const [sluice, md4c, cmark] = process.argv.slice(2);
const examples = spec.tests.map((t) => ({ ...t, markdown: t.markdown.replace(/→/g, '\t'),
                                           html: t.html.replace(/→/g, '\t') }));

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
  const cmarkIn = examples.map((e) => JSON.stringify({ md: e.markdown, unsafe: true, core: true })).join('\n') + '\n';
  const cmarkOut = execFileSync(cmark, [], { input: cmarkIn, maxBuffer: 1 << 28 })
    .toString().trim().split('\n').map((l) => JSON.parse(l));
  if (sluiceOut.length !== examples.length || md4cOut.length !== examples.length ||
      cmarkOut.length !== examples.length) {
    console.error(`expected ${examples.length} outputs, got sluice ${sluiceOut.length}, md4c ${md4cOut.length}, ` +
                  `cmark-gfm ${cmarkOut.length}`);
    process.exit(1);
  }
  let sluicePass = 0, md4cPass = 0, cmarkPass = 0;
  const differ = [];
  examples.forEach((e, i) => {
    const want = normalize(e.html);
    const got = normalize(sluiceOut[i].html);
    sluicePass += got === want;
    md4cPass += normalize(md4cOut[i]) === want;
    cmarkPass += normalize(cmarkOut[i]) === want;
    if (got !== normalize(cmarkOut[i])) differ.push(e.number);
  });
  console.log(`CommonMark ${require('commonmark-spec/package.json').version} examples: ` +
              `sluice md --commonmark passes ${sluicePass}/${examples.length}, ` +
              `cmark-gfm's core ${cmarkPass}/${examples.length}, md4c alone ${md4cPass}/${examples.length}`);
  if (differ.length) {
    console.error(`sluice and cmark-gfm render otherwise examples ${differ.slice(0, 20).join(', ')}`);
    process.exit(1);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
