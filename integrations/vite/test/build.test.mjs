// build.test.mjs - `vite build` of a generated site of N pages (.md and
// .mdx, React) with vite-plugin-sluice-md, and of the same site with
// @mdx-js/rollup (remark-gfm, remark-frontmatter, remark-mdx-frontmatter,
// rehype-slug: the features sluice md has built in); both SSR bundles
// imported, every page rendered with react-dom/server and compared.
//
//   node build.test.mjs SLUICE MODULES_DIR [N]
// Prints both build times (bench/mdx reads them).
import {cpSync, mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {createRequire} from 'node:module'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {writeSite} from './site.mjs'

const [sluiceArg, modulesArg, nArg, kbArg] = process.argv.slice(2)
process.env.SLUICE = resolve(sluiceArg)
const modules = resolve(modulesArg)
const n = Number(nArg || 300)
const require = createRequire(join(modules, 'x.js'))
const load = async (name) => import(pathToFileURL(require.resolve(name)).href)
const {build} = await load('vite')
const mdx = (await load('@mdx-js/rollup')).default
const remarkGfm = (await load('remark-gfm')).default
const remarkFrontmatter = (await load('remark-frontmatter')).default
const remarkMdxFrontmatter = (await load('remark-mdx-frontmatter')).default
const rehypeSlug = (await load('rehype-slug')).default
const React = await load('react')
const {renderToStaticMarkup} = await load('react-dom/server')
const work = mkdtempSync(join(tmpdir(), 'sluice-vite-'))
// the plugin as a project installs it: beside the project's node_modules (vite is its peer)
const pluginDir = join(work, 'plugin')
for (const f of ['index.js', 'sidecar.js', 'package.json'])
  cpSync(join(dirname(fileURLToPath(import.meta.url)), '..', f), join(pluginDir, f))
symlinkSync(modules, join(work, 'node_modules'))
const sluiceMd = (await import(pathToFileURL(join(pluginDir, 'index.js')).href)).default
let failed = 0
try {
  writeSite(work, n, kbArg ? Number(kbArg) : 0)

  async function site(name, plugin) {
    const outDir = join(work, 'dist-' + name)
    const t0 = performance.now()
    await build({
      root: work, logLevel: 'warn', configFile: false, plugins: [plugin],
      build: {ssr: join(work, 'entry.js'), outDir, minify: false, rollupOptions: {output: {entryFileNames: 'entry.mjs'}}},
    })
    const ms = performance.now() - t0
    const mod = await import(pathToFileURL(join(outDir, 'entry.mjs')).href)
    return {ms, mod}
  }
  const a = await site('sluice', sluiceMd())
  const b = await site('mdx-js', mdx({
    jsxImportSource: 'react',
    remarkPlugins: [remarkFrontmatter, remarkMdxFrontmatter, remarkGfm],
    rehypePlugins: [rehypeSlug],
  }))
  console.log(`vite build, ${n} pages: sluice plugin ${a.ms.toFixed(0)} ms, @mdx-js/rollup ${b.ms.toFixed(0)} ms`)

  const wrap = ({children}) => React.createElement('div', null, children)
  // A .md page is HTML sluice md wrote, the other the same document as
  // React writes elements (`<hr/>`, `disabled=""`, `"` unescaped): both in
  // tests/md/normalize.js's canonical form, GitHub's task-list class on
  // the list (which md4c does not write) aside.
  const {normalize} = createRequire(import.meta.url)('../../../tests/md/normalize.js')
  const norm = (html) => normalize(html.replaceAll(' class="contains-task-list"', '')
    .replace(/ align="(left|center|right)"/g, ' style="text-align:$1"'))
  const names = Object.keys(a.mod.pages).sort()
  if (names.length !== n || Object.keys(b.mod.pages).length !== n) {
    console.log(`FAIL page count: sluice ${names.length}, @mdx-js/rollup ${Object.keys(b.mod.pages).length}, want ${n}`)
    failed++
  }
  let same = 0
  for (const name of names) {
    const pa = a.mod.pages[name]
    const pb = b.mod.pages[name]
    if (!pb) {
      failed++
      console.log(`FAIL ${name}: missing from the @mdx-js/rollup build`)
      continue
    }
    const isMd = name.endsWith('.md')
    const ha = renderToStaticMarkup(React.createElement(pa.default, {components: a.mod.provided}))
    const hb = renderToStaticMarkup(React.createElement(pb.default, {components: isMd ? {wrapper: wrap} : b.mod.provided}))
    const ok = isMd ? norm(ha) === norm(hb) && typeof pa.html === 'string' : ha === hb
    const fm = JSON.stringify(pa.frontmatter) === JSON.stringify(pb.frontmatter)
    if (ok && fm) {
      same++
    } else {
      failed++
      if (failed < 5) {
        console.log(`FAIL ${name}${fm ? '' : ' (frontmatter differs)'}`)
        console.log(`  sluice:         ${isMd ? norm(ha) : ha}`)
        console.log(`  @mdx-js/rollup: ${isMd ? norm(hb) : hb}`)
      }
    }
  }
  console.log(`vite build: ${same} of ${n} pages render the same`)
} finally {
  rmSync(work, {recursive: true, force: true})
}
process.exit(failed ? 1 : 0)
