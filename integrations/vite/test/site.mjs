// site.mjs - writes the test site: N pages, half .mdx (tests/md/mdx/gen.mjs)
// and half .md (GFM Markdown: headings, emphasis, lists, tasks, tables,
// code, quotes, links, front matter), an entry that imports them all, and
// the components the .mdx pages use.  Deterministic.
//
//   node site.mjs DIR N [KB]
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const mdxDir = join(here, '../../../tests/md/mdx')

export function writeSite(dir, n, kb) {
  const pages = join(dir, 'pages')
  mkdirSync(pages, {recursive: true})
  const nMdx = Math.ceil(n / 2)
  execFileSync(process.execPath, [join(mdxDir, 'gen.mjs'), pages, String(nMdx), '19', ...(kb ? [String(kb)] : [])])
  for (const f of readdirSync(pages)) if (f.startsWith('gen-')) renameSync(join(pages, f), join(pages, f.replace('gen-', 'x-')))
  let seed = 7
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296)
  const pick = (a) => a[Math.floor(rnd() * a.length)]
  const words = ['river', 'sluice', 'gate', 'water', 'flow', 'page', 'docs', 'vite', 'build', 'thread', 'core']
  const phrase = (k) => Array.from({length: k}, () => pick(words)).join(' ')
  const inline = () => Array.from({length: 4 + Math.floor(rnd() * 4)}, () => {
    const r = rnd()
    return r < 0.5 ? phrase(2) : r < 0.6 ? `*${phrase(1)}*` : r < 0.7 ? `**${phrase(2)}**` : r < 0.8 ? `\`${pick(words)}()\``
      : r < 0.9 ? `[${phrase(1)}](/docs/${pick(words)})` : `~~${phrase(1)}~~`
  }).join(' ')
  const block = () => {
    const r = rnd()
    if (r < 0.35) return inline() + '.'
    if (r < 0.45) return `## ${phrase(3)}`
    if (r < 0.55) return Array.from({length: 3}, () => `- ${inline()}`).join('\n')
    if (r < 0.62) return Array.from({length: 3}, (_, i) => `${i + 1}. ${inline()}`).join('\n')
    // `+`: a task list never joins a list before or after it (md4c puts a loose
    // task item's checkbox before its <p>, mdast inside it)
    if (r < 0.67) return `+ [x] ${phrase(2)}\n+ [ ] ${phrase(2)}\n\n${inline()}.`
    if (r < 0.77) return `| ${phrase(1)} | ${phrase(1)} |\n| --- | :-: |\n| ${inline()} | \`x\` |\n| ${phrase(2)} | ${phrase(1)} |`
    if (r < 0.85) return '```js\nconst x = ' + Math.floor(rnd() * 100) + '\nconsole.log(x < 3 && "a")\n```'
    if (r < 0.92) return `> ${inline()}`
    return '---'
  }
  for (let i = 0; i < n - nMdx; i++) {
    const out = [`---\ntitle: Markdown page ${i}\norder: ${i}\n---`, `# ${phrase(2)} ${i}`]
    const target = kb ? kb * 1024 : 0
    for (let b = 0, k = 6 + Math.floor(rnd() * 8); b < k || (target && out.join('\n\n').length < target); b++) out.push(block())
    writeFileSync(join(pages, `m-${String(i).padStart(4, '0')}.md`), out.join('\n\n') + '\n')
  }
  writeFileSync(join(pages, 'components.js'),
    readFileSync(join(mdxDir, 'components.js'), 'utf8').replaceAll('RUNTIME', 'react/jsx-runtime'))
  writeFileSync(join(dir, 'entry.js'), [
    "export const pages = import.meta.glob('./pages/*.{md,mdx}', {eager: true})",
    "export {provided} from './pages/components.js'",
    '',
  ].join('\n'))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, n, kb] = process.argv.slice(2)
  writeSite(dir, Number(n), kb ? Number(kb) : 0)
}
