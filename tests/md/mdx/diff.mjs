// diff.mjs - MDX differential test: every page compiled by `sluice md`
// and by @mdx-js/mdx 3 (with remark-gfm, remark-frontmatter,
// remark-mdx-frontmatter and rehype-slug, the plugins that give the
// features sluice md has built in), both modules run under node and
// rendered to static HTML with React and with Preact; the HTML must be
// identical, and so must the modules' exports (frontmatter and the
// page's own).
//
//   node diff.mjs SLUICE MODULES_DIR [--no-heading-ids] [--commonmark] [-v] PAGE...
//
// sluice md runs once per runtime (--jsx-import-source react, preact).
// @mdx-js/mdx compiles each page once, for React: its jsxImportSource
// changes only the runtime's import specifier, so the Preact reference is
// that module with the specifier swapped -- checked on every hand-written
// page and every tenth generated one by compiling for Preact too (the
// compile is nearly all of the test's time).
//
// MODULES_DIR is scripts/npm/mdx/node_modules (pinned by its lock file).
// Pages import components from './components.js' (this folder's
// components.js, which builds them with the runtime under test); every
// other capitalized name is passed in props.components.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, dirname, join, resolve} from 'node:path'
import {createRequire} from 'node:module'
import {pathToFileURL, fileURLToPath} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const sluice = resolve(args.shift())
const modules = resolve(args.shift())
const noIds = args.includes('--no-heading-ids')
// plain CommonMark: @mdx-js/mdx without remark-gfm, `sluice md --commonmark`
const commonmark = args.includes('--commonmark')
const verbose = args.includes('-v')
const pages = args.filter((a) => !a.startsWith('-'))
const require = createRequire(join(modules, 'x.js'))
const load = (name) => import(pathToFileURL(require.resolve(name)).href)

const {compile} = await load('@mdx-js/mdx')
const remarkGfm = (await load('remark-gfm')).default
const remarkFrontmatter = (await load('remark-frontmatter')).default
const remarkMdxFrontmatter = (await load('remark-mdx-frontmatter')).default
const rehypeSlug = (await load('rehype-slug')).default
const work = mkdtempSync(join(tmpdir(), 'sluice-mdx-'))
// React's production build: the same static markup without the
// development build's checks, which cost a sixth of the test's time.
process.env.NODE_ENV = 'production'

// One runtime: its renderer, its components file, and sluice md's
// modules for every page (one run; JSON lines in page order).
async function runtime(source) {
  let render, h
  if (source === 'preact') {
    h = (await load('preact')).h
    // a CommonJS module: its exports arrive as `default` (reading
    // `.render` off the namespace gave undefined, and every page failed
    // alike on both sides, which once counted as a pass)
    render = (await load('preact-render-to-string')).default.render
  } else {
    h = (await load('react')).createElement
    render = (await load('react-dom/server')).renderToStaticMarkup
  }
  const url = pathToFileURL(require.resolve(`${source}/jsx-runtime`)).href
  const componentsFile = join(work, `components-${source}.js`)
  writeFileSync(componentsFile, readFileSync(join(here, 'components.js'), 'utf8').replaceAll('RUNTIME', url))
  const sluiceArgs = ['md', '--mdx', '-q', '--json', '--jsx-import-source', source]
  if (noIds) sluiceArgs.push('--no-heading-ids')
  if (commonmark) sluiceArgs.push('--commonmark')
  const out = spawnSync(sluice, [...sluiceArgs, ...pages], {encoding: 'utf8', maxBuffer: 1 << 30})
  const results = out.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))
  // where sluice md refused a page: its line:column
  const failedPages = new Map()
  for (const line of out.stderr.split('\n')) {
    const m = /^sluice md: (.*?):(\d+:\d+): /.exec(line)
    if (m) failedPages.set(m[1], m[2])
  }
  // sluice md's module for each page, or null where it refused the page
  const codes = pages.map((page) => (failedPages.has(page) ? null : results.shift().code))
  const places = pages.map((page) => failedPages.get(page))
  return {source, render, h, url, componentsFile, codes, places}
}

// Bare and relative imports the pages use, pointed at real files.
function link(rt, code) {
  return code
    .replaceAll(`"${rt.source}/jsx-runtime"`, JSON.stringify(rt.url))
    .replaceAll(`'${rt.source}/jsx-runtime'`, JSON.stringify(rt.url))
    .replaceAll(/(["'])\.\/components\.js\1/g, JSON.stringify(pathToFileURL(rt.componentsFile).href))
}

// A module is imported from a data: URL (its imports are absolute file:
// URLs after link()): writing ~900 files and reading them back through
// the loader took a fifth of the test's time.
async function run(rt, code) {
  const mod = await import('data:text/javascript;base64,' + Buffer.from(link(rt, code)).toString('base64'))
  const comps = await import(pathToFileURL(rt.componentsFile).href)
  const props = {components: comps.provided}
  // Content that awaits makes _createMdxContent async (MDX 3): MDXContent
  // without a layout returns a promise, which neither renderer takes, so
  // what it resolves to is rendered.
  const tree = /\basync function _createMdxContent\b/.test(code) ? await mod.default(props) : rt.h(mod.default, props)
  return {html: rt.render(tree), frontmatter: mod.frontmatter, exports: exportsOf(mod)}
}

// The page's own exports, by name: a value as JSON, a function or class
// (or what JSON cannot write) as its type (the layout and MDXContent are
// the default export).
function exportsOf(mod) {
  const out = {}
  for (const name of Object.keys(mod).sort()) {
    if (name === 'default') continue
    const v = mod[name]
    let value = typeof v
    if (value !== 'function') {
      try {
        value = JSON.stringify(v) ?? String(v)
      } catch {
        // a rendered element (Preact's vnodes point back at their parents)
      }
    }
    out[name] = value
  }
  return JSON.stringify(out)
}

async function mdxJs(text, source) {
  try {
    return {code: String(await compile(text, {
      jsxImportSource: source,
      remarkPlugins: [remarkFrontmatter, remarkMdxFrontmatter, ...(commonmark ? [] : [remarkGfm])],
      rehypePlugins: noIds ? [] : [rehypeSlug]
    }))}
  } catch (error) {
    // where @mdx-js/mdx refused it (a point, or a range's start)
    const place = error.place && (error.place.start || error.place)
    return {error: String(error.message || error), place: place ? `${place.line}:${place.column}` : undefined}
  }
}

function samePlace(want, got) {
  if (!want.place || !got.place) return true
  if (/with acorn$/.test(want.error)) return want.place.split(':')[0] === got.place.split(':')[0]
  return want.place === got.place
}

// @mdx-js/mdx's module for `source`, from its React module.
function forRuntime(want, source) {
  if (want.error || source === 'react') return want
  return {code: want.code.replaceAll('"react/jsx-runtime"', `"${source}/jsx-runtime"`)}
}

const runtimes = [await runtime('react'), await runtime('preact')]
const count = {react: [0, 0], preact: [0, 0]}
let fail = 0
let swapsChecked = 0
for (const [i, page] of pages.entries()) {
  const text = readFileSync(page, 'utf8')
  const react = await mdxJs(text, 'react')
  if (!basename(page).startsWith('gen-') || i % 10 === 0) {
    const preact = await mdxJs(text, 'preact')
    swapsChecked++
    if (JSON.stringify(preact) !== JSON.stringify(forRuntime(react, 'preact'))) {
      fail++
      console.log(`FAIL ${page}: @mdx-js/mdx's Preact module is not its React module with the import swapped`)
    }
  }
  for (const rt of runtimes) {
    const ref = forRuntime(react, rt.source)
    // Only @mdx-js/mdx's refusal to compile a page may stand for its
    // result: its module failing to run or render is the harness failing.
    let want
    try {
      want = ref.error ? ref : await run(rt, ref.code)
    } catch (error) {
      want = {error: String(error.message || error), harness: true}
    }
    let got
    const code = rt.codes[i]
    if (code === null) {
      got = {error: `sluice md refused the page at ${rt.places[i]}`, place: rt.places[i]}
    } else {
      try {
        got = await run(rt, code)
      } catch (error) {
        got = {error: String(error.message || error)}
      }
    }
    // both refuse it: at the same line and column where @mdx-js/mdx names
    // one (the same line for acorn's errors, which tools/js may place a
    // token earlier: `import {x} from\n\n# T`)
    const same = (want.error && !want.harness && got.error && samePlace(want, got)) ||
      (!want.error && !got.error && want.html === got.html &&
       JSON.stringify(want.frontmatter) === JSON.stringify(got.frontmatter) && want.exports === got.exports)
    if (same) {
      count[rt.source][0]++
      if (verbose) console.log(`ok ${rt.source} ${page}`)
    } else {
      fail++
      count[rt.source][1]++
      console.log(`FAIL ${rt.source} ${page}`)
      console.log(`  @mdx-js/mdx: ${want.place ? want.place + ': ' : ''}${want.error || want.html}`)
      console.log(`  sluice md:   ${got.error || got.html}`)
      if (!want.error && !got.error && want.html === got.html)
        console.log(`  frontmatter: ${JSON.stringify(want.frontmatter)} vs ${JSON.stringify(got.frontmatter)}` +
          `\n  exports: ${want.exports} vs ${got.exports}`)
    }
  }
}
rmSync(work, {recursive: true, force: true})
for (const rt of runtimes)
  console.log(`mdx ${rt.source}: ${count[rt.source][0]} passed, ${count[rt.source][1]} failed`)
console.log(`@mdx-js/mdx's Preact module = its React module, import swapped: checked on ${swapsChecked} pages`)
process.exit(fail ? 1 : 0)
