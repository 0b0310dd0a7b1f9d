// conformance.js SLUICE MD4C_SPEC: scores `sluice md --commonmark` and
// md4c alone on the CommonMark spec examples with one comparison.
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

const [sluice, md4c] = process.argv.slice(2);
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
