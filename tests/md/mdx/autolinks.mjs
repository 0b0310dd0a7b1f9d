// autolinks.mjs - a probe, not part of make test: GFM autolink literals
// (www., http://, https://, emails; what comes before them, trailing
// punctuation, parens, `_` in domain labels, character references) in MDX,
// `sluice md --mdx` against @mdx-js/mdx 3.1.1 + remark-gfm, rendered with
// React; prints each paragraph that differs and a count.
//
//   node autolinks.mjs SLUICE MODULES_DIR [CASES]
//
// Shapes follow micromark-extension-gfm-autolink-literal's tests; SEED
// in the environment picks another set (default 7).  At this commit 0 of
// 3,000 differ (10,000 with SEED 1, 2, 3: 1, `*http://a.b/a**~`, where
// micromark counts the `~` after `**` as an attention marker and md4c
// does not: emphasis, not autolinks).  442 before url_at took micromark's
// tokenizer first, 357 while md4c's permissive URL and www autolinks
// stood for it, 204 while link_literals ran the tokenizer on md4c's text
// and md4c linked the e-mails; now mdx_scan.c runs the tokenizer on the
// page (mdx_autolink.c) and link_literals the mdast transform's regexes.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {createRequire} from 'node:module'
import {pathToFileURL} from 'node:url'

const sluice = resolve(process.argv[2])
const modules = resolve(process.argv[3])
const want = Number(process.argv[4] || 3000)
const require = createRequire(join(modules, 'x.js'))
const load = (name) => import(pathToFileURL(require.resolve(name)).href)
const {evaluate} = await load('@mdx-js/mdx')
const runtime = await load('react/jsx-runtime')
const {renderToStaticMarkup} = await load('react-dom/server')
const React = await load('react')
const remarkGfm = (await load('remark-gfm')).default

let seed = Number(process.env.SEED || 7)
const rnd = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n }
const pick = (a) => a[rnd(a.length)]
const before = ['', '', 'x ', '(', '*', '_', '~', 'a', '1', '"', '[', ']', '.', '/', ':', 'x@', '-', '+']
const prefix = ['www.', 'http://', 'https://', 'HTTP://', 'Www.', 'http://www.', 'ftp://', 'mailto:', 'xmpp:', 'a@',
  'a.b-c_d+e@', 'foo@', '']
const domain = ['a.b', 'example.com', 'a_b.com', 'a.b_c', 'a.b_c.d', 'a_b.c_d.e', '-a.b', 'a..b', '點看.com', '$', 'a',
  'a.', 'a-', 'a.b-', 'a.b.', 'x.y_', 'x_.y', 'ex.co.uk', 'a.1', '1.2.3.4', 'a.b&amp;', 'a&b.c', 'localhost']
const path = ['', '', '/', '/a', '/a.', '/a,', '/a:', '/a;', '/a!', '/a?', '/a?b=c&d=e', '/a(b)', '/a(b', '/a)b',
  '/a(b))', '/a((b)', '/a_b_', '/a*', '/a~', '/a"', "/a'", '/a&amp;', '/a&x;', '/a&#33;', '/a&hl;', '/a#h', '/a)',
  '/a).', '/a].', '/a-', ':80/a', '/a.b.c', '/點看', '/a/b/', '/%20', '/a?', '/a.)', '/a**', '/a__']
const after = ['', '', ' b', '.', ',', ')', ').', '!', '?', ':', ';', '*', '_', '~', '"', "'", '.)', '...', '-', 'x',
  '&amp;', ']']
const cases = new Set()
while (cases.size < want) cases.add(pick(before) + pick(prefix) + pick(domain) + pick(path) + pick(after))
const list = [...cases].filter((c) => !/[<{}]/.test(c))
const page = list.join('\n\n') + '\n'
const work = mkdtempSync(join(tmpdir(), 'sluice-autolinks-'))
try {
  const file = join(work, 'a.mdx')
  writeFileSync(file, page)
  const ref = await evaluate(page, {...runtime, remarkPlugins: [remarkGfm]})
  const a = renderToStaticMarkup(React.createElement(ref.default, {components: {}})).split('\n')
  const out = spawnSync(sluice, ['md', '--mdx', '-q', '--json', file], {encoding: 'utf8', maxBuffer: 1 << 28})
  const code = JSON.parse(out.stdout).code.replaceAll('"react/jsx-runtime"',
    JSON.stringify(pathToFileURL(require.resolve('react/jsx-runtime')).href))
  const mod = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'))
  const b = renderToStaticMarkup(React.createElement(mod.default, {components: {}})).split('\n')
  let differ = 0
  for (let i = 0; i < list.length; i++)
    if (a[i] !== b[i]) {
      differ++
      console.log(`${JSON.stringify(list[i])}\n  @mdx-js/mdx: ${a[i]}\n  sluice md:   ${b[i]}`)
    }
  console.log(`autolinks: ${differ} of ${list.length} paragraphs differ`)
} finally {
  rmSync(work, {recursive: true, force: true})
}
