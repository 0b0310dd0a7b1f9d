// gen.mjs - writes N generated MDX pages that combine MDX's constructs
// with Markdown's (deterministic: the same N and seed give the same pages).
//
//   node gen.mjs OUTDIR N [SEED] [KB]
//
// Each page mixes front matter, import/export blocks, headings with JSX
// and expressions, paragraphs with emphasis, code, links and images,
// JSX in text and in flow (string, expression, boolean and spread
// attributes, member names, fragments, nesting around Markdown), lists
// (tight, loose, ordered, tasks), block quotes, tables, code fences with
// meta, thematic breaks, hard breaks, entities and {expressions}.  With
// KB, blocks are added until the page is about that size (bench/mdx).
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

const [outdir, nArg, seedArg, kbArg] = process.argv.slice(2)
const n = Number(nArg || 200)
let seed = Number(seedArg || 19) >>> 0
const rnd = () => {
  seed = (seed + 0x6d2b79f5) >>> 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = (a) => a[Math.floor(rnd() * a.length)]
const chance = (p) => rnd() < p

const words = ['alpha', 'beta', 'gamma', 'delta', 'sluice', 'channel', 'worker', 'page', 'build', 'cache',
  'render', 'stream', 'batch', 'vite', 'plugin', 'core', 'docs', 'guide', 'node', 'thread']
const word = () => pick(words)
const phrase = (k) => Array.from({length: k}, word).join(' ')

function inline(depth = 0) {
  const parts = []
  const k = 3 + Math.floor(rnd() * 5)
  for (let i = 0; i < k; i++) {
    const r = rnd()
    if (depth > 1 || r < 0.4) parts.push(phrase(1 + Math.floor(rnd() * 4)))
    else if (r < 0.48) parts.push(`*${phrase(2)}*`)
    else if (r < 0.55) parts.push(`**${phrase(2)}**`)
    else if (r < 0.6) parts.push(`\`${pick(['npm i', 'a < b', '{x}', 'let a = 1', '<Foo />'])}\``)
    else if (r < 0.65) parts.push(`[${phrase(2)}](${pick(['/docs/a', 'https://example.com/x?y=1', '#intro', '../b c'])}${chance(0.3) ? ' "Title"' : ''})`)
    else if (r < 0.68) parts.push(`![${phrase(1)}](/img/${word()}.png)`)
    else if (r < 0.72) parts.push(`~~${phrase(1)}~~`)
    else if (r < 0.77) parts.push(`{${pick(['1 + 1', 'props.name ?? "anon"', '["a", "b"].join("-")', 'meta.version', '/* note */', 'String(2 ** 10)'])}}`)
    else if (r < 0.83) parts.push(`<Badge color="${pick(['red', 'blue'])}">${inline(depth + 1)}</Badge>`)
    else if (r < 0.87) parts.push(`<b>${phrase(1)}</b>`)
    else if (r < 0.9) parts.push(`<ui.Button disabled>${phrase(1)}</ui.Button>`)
    else if (r < 0.93) parts.push(`&copy; &amp; &#35;`)
    else if (r < 0.96) parts.push(`<Counter start={${Math.floor(rnd() * 9)}} />`)
    else parts.push(`_${phrase(1)}_`)
  }
  return parts.join(' ')
}

function table() {
  const cols = 2 + Math.floor(rnd() * 3)
  const align = Array.from({length: cols}, () => pick(['---', ':--', ':-:', '--:']))
  const row = () => '| ' + Array.from({length: cols}, () => chance(0.3) ? `\`${word()}\`` : chance(0.2) ? `<Badge>${word()}</Badge>` : phrase(1)).join(' | ') + ' |'
  const rows = [row(), '| ' + align.join(' | ') + ' |']
  for (let i = 0, k = 1 + Math.floor(rnd() * 3); i < k; i++) rows.push(row())
  return rows.join('\n')
}

function list(indent = '', depth = 0) {
  const ordered = chance(0.35)
  const loose = chance(0.3)
  const task = !ordered && chance(0.25)
  const start = ordered && chance(0.3) ? 3 : 1
  const items = []
  for (let i = 0, k = 2 + Math.floor(rnd() * 3); i < k; i++) {
    const mark = ordered ? `${start + i}.` : '-'
    const box = task ? (chance(0.5) ? '[x] ' : '[ ] ') : ''
    let item = `${indent}${mark} ${box}${inline(1)}`
    const pad = indent + ' '.repeat(mark.length + 1)
    if (depth < 1 && chance(0.2)) item += '\n' + list(pad, depth + 1)
    if (chance(0.1)) item += `\n${loose ? '\n' : ''}${pad}<Badge>${word()}</Badge>`
    items.push(item)
  }
  return items.join(loose ? '\n\n' : '\n')
}

function block(depth = 0) {
  const r = rnd()
  if (r < 0.22) return inline()
  if (r < 0.3) return `${'#'.repeat(2 + Math.floor(rnd() * 3))} ${phrase(2)}${chance(0.3) ? ' <Badge>new</Badge>' : ''}${chance(0.2) ? ` \`${word()}\`` : ''}`
  if (r < 0.4) return list()
  if (r < 0.46) return '> ' + inline() + (chance(0.5) ? '\n>\n> ' + inline() : '')
  if (r < 0.52) return table()
  if (r < 0.58) return '```' + pick(['js', 'ts title="app.ts"', 'jsx {1,3}', '', 'sh']) + '\n' +
    pick(['const a = <Foo />\n', 'npm install sluice\n', 'if (a < b) { return {x} }\n', 'line one\n\n  line three\n']) + '```'
  if (r < 0.61) return pick(['---', '***', '* * *'])
  if (r < 0.65) return `{${pick(['props.items?.length ?? 0', '(() => "iife")()', '/* just a comment */', 'meta.tags.map((t) => t.toUpperCase()).join(", ")'])}}`
  if (r < 0.72 && depth < 2) {
    const [name, attrs] = pick([['Note', ''], ['Warning', ` title="Careful"`], ['Card', ` title={meta.title} {...{id: "c"}}`], ['Tabs', ''], ['Callout', ' kind="info" open']])
    const inner = Array.from({length: 1 + Math.floor(rnd() * 3)}, () => block(depth + 1)).join('\n\n')
    return chance(0.5) ? `<${name}${attrs}>\n\n${inner}\n\n</${name}>` : `<${name}${attrs}>\n${inner}\n</${name}>`
  }
  if (r < 0.76) return `<Chart data={[${Math.floor(rnd() * 9)}, 2, 3]} kind="${pick(['bar', 'line'])}" />`
  if (r < 0.8) return `<div className="row">\n  <span>${phrase(2)}</span>\n</div>`
  if (r < 0.83) return `${phrase(3)}  \n${phrase(2)}\\\n${phrase(2)}`
  if (r < 0.86) return `<>\n  ${inline(1)}\n</>`
  if (r < 0.9) return `<Tab label="${word()}">${inline(1)}</Tab>`
  return `${phrase(2)} ${pick(['www.example.com', 'https://sluice.dev/docs', 'mail@example.com'])} ${phrase(1)}.`
}

function page(i) {
  const out = []
  if (chance(0.6)) out.push(`---\ntitle: Page ${i}\ntags: [${word()}, ${word()}]\nweight: ${i}\ndraft: ${chance(0.5)}\n---`)
  if (chance(0.6)) out.push(`import {Note, Chart} from './components.js'`)
  out.push(`export const meta = {title: "Page ${i}", version: "1.${i}", tags: ["a", "b"]}`)
  if (chance(0.1)) out.push(`import {Wrapper} from './components.js'\n\nexport default function Layout({children}) {\n  return <Wrapper>{children}</Wrapper>\n}`)
  out.push(`# ${phrase(2)} ${i}`)
  const target = kbArg ? Number(kbArg) * 1024 : 0
  let k = 4 + Math.floor(rnd() * 8)
  for (let b = 0; b < k || (target && out.join('\n\n').length < target); b++) out.push(block())
  return out.join('\n\n') + '\n'
}

mkdirSync(outdir, {recursive: true})
for (let i = 0; i < n; i++) writeFileSync(join(outdir, `gen-${String(i).padStart(4, '0')}.mdx`), page(i))
