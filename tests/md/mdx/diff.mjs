// diff.mjs - MDX differential test: every page compiled by `sluice md`
// and by @mdx-js/mdx 3 (with remark-gfm, remark-frontmatter,
// remark-mdx-frontmatter and rehype-slug, the plugins that give the
// features sluice md has built in), both modules run under node and
// rendered to static HTML; the HTML must be identical.
//
//   node diff.mjs SLUICE MODULES_DIR [--preact] [--no-heading-ids] [-v] PAGE...
//
// MODULES_DIR is scripts/npm/mdx/node_modules (pinned by its lock file).
// Pages import components from './components.js' (this folder's
// components.js, which builds them with the runtime under test); every
// other capitalized name is passed in props.components.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {createRequire} from 'node:module'
import {pathToFileURL, fileURLToPath} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const sluice = resolve(args.shift())
const modules = resolve(args.shift())
const preact = args.includes('--preact')
const noIds = args.includes('--no-heading-ids')
const verbose = args.includes('-v')
const pages = args.filter((a) => !a.startsWith('-'))
const require = createRequire(join(modules, 'x.js'))
const load = (name) => import(pathToFileURL(require.resolve(name)).href)

const {compile} = await load('@mdx-js/mdx')
const remarkGfm = (await load('remark-gfm')).default
const remarkFrontmatter = (await load('remark-frontmatter')).default
const remarkMdxFrontmatter = (await load('remark-mdx-frontmatter')).default
const rehypeSlug = (await load('rehype-slug')).default

const source = preact ? 'preact' : 'react'
const runtimeUrl = pathToFileURL(require.resolve(`${source}/jsx-runtime`)).href
let render, h
if (preact) {
  const p = await load('preact')
  h = p.h
  render = (await load('preact-render-to-string')).render
} else {
  const React = await load('react')
  h = React.createElement
  render = (await load('react-dom/server')).renderToStaticMarkup
}
const work = mkdtempSync(join(tmpdir(), 'sluice-mdx-'))
const componentsFile = join(work, 'components.js')
writeFileSync(componentsFile, readFileSync(join(here, 'components.js'), 'utf8').replaceAll('RUNTIME', runtimeUrl))

// Bare and relative imports the pages use, pointed at real files.
function link(code) {
  return code
    .replaceAll(`"${source}/jsx-runtime"`, JSON.stringify(runtimeUrl))
    .replaceAll(`'${source}/jsx-runtime'`, JSON.stringify(runtimeUrl))
    .replaceAll(/(["'])\.\/components\.js\1/g, JSON.stringify(pathToFileURL(componentsFile).href))
}

let serial = 0
async function run(code) {
  const file = join(work, `m${serial++}.mjs`)
  writeFileSync(file, link(code))
  const mod = await import(pathToFileURL(file).href)
  const comps = await import(pathToFileURL(componentsFile).href)
  return {html: render(h(mod.default, {components: comps.provided})), frontmatter: mod.frontmatter}
}

const sluiceArgs = ['md', '--mdx', '-q', '--json', '--jsx-import-source', source]
if (noIds) sluiceArgs.push('--no-heading-ids')
// One sluice run for every page: its JSON lines come back in page order.
const out = spawnSync(sluice, [...sluiceArgs, ...pages], {encoding: 'utf8', maxBuffer: 1 << 30})
const results = out.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))
const failedPages = new Set()
for (const line of out.stderr.split('\n')) {
  const m = /^sluice md: (.*?):\d+:\d+: /.exec(line)
  if (m) failedPages.add(m[1])
}
let pass = 0
let fail = 0
let k = 0
for (const page of pages) {
  const text = readFileSync(page, 'utf8')
  let want
  try {
    want = await run(String(await compile(text, {
      jsxImportSource: source,
      remarkPlugins: [remarkFrontmatter, remarkMdxFrontmatter, remarkGfm],
      rehypePlugins: noIds ? [] : [rehypeSlug]
    })))
  } catch (error) {
    want = {error: String(error.message || error)}
  }
  let got
  if (failedPages.has(page)) {
    got = {error: 'sluice md refused the page'}
  } else {
    const r = results[k++]
    try {
      got = await run(r.code)
    } catch (error) {
      got = {error: String(error.message || error)}
    }
  }
  const same = (want.error && got.error) ||
    (!want.error && !got.error && want.html === got.html &&
     JSON.stringify(want.frontmatter) === JSON.stringify(got.frontmatter))
  if (same) {
    pass++
    if (verbose) console.log(`ok ${page}`)
  } else {
    fail++
    console.log(`FAIL ${page}`)
    console.log(`  @mdx-js/mdx: ${want.error || want.html}`)
    console.log(`  sluice md:   ${got.error || got.html}`)
    if (!want.error && !got.error && want.html === got.html)
      console.log(`  frontmatter: ${JSON.stringify(want.frontmatter)} vs ${JSON.stringify(got.frontmatter)}`)
  }
}
rmSync(work, {recursive: true, force: true})
console.log(`mdx ${preact ? 'preact' : 'react'}: ${pass} passed, ${fail} failed`)
process.exit(fail ? 1 : 0)
