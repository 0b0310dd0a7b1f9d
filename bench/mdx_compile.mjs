// mdx_compile.mjs - bench/mdx's reference side: every .mdx page of DIR
// compiled by @mdx-js/mdx 3 in this one node process, one after another
// (with remark-gfm, remark-frontmatter, remark-mdx-frontmatter and
// rehype-slug: the features `sluice md --mdx` has built in).  Pages are
// read first; prints the compile time in ms.
//
//   node mdx_compile.mjs MODULES_DIR DIR
import {readdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'

const [modules, dir] = process.argv.slice(2).map((p) => resolve(p))
const require = createRequire(join(modules, 'x.js'))
const load = (name) => import(pathToFileURL(require.resolve(name)).href)
const {compile} = await load('@mdx-js/mdx')
const plugins = {
  remarkPlugins: [(await load('remark-frontmatter')).default, (await load('remark-mdx-frontmatter')).default,
    (await load('remark-gfm')).default],
  rehypePlugins: [(await load('rehype-slug')).default],
}
const pages = readdirSync(dir).filter((f) => f.endsWith('.mdx')).map((f) => readFileSync(join(dir, f), 'utf8'))
const t0 = performance.now()
let bytes = 0
for (const p of pages) bytes += String(await compile(p, {jsxImportSource: 'react', ...plugins})).length
console.log((performance.now() - t0).toFixed(0), bytes)
