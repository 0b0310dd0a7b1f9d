// slugs.mjs - heading ids against github-slugger (GitHub's anchors; what
// rehype-slug and Docusaurus use), the pinned npm package as the oracle.
//
//   node slugs.mjs SLUICE MODULES_DIR
//
// Generates pages of headings (seeded): words of many scripts, case pairs
// whose lowercase is special (İ, Σ at a word's end, ẞ, Kelvin sign, letters
// whose UTF-8 lengthens), emoji and their sequences (ZWJ, skin tones,
// flags, keycaps), symbols, punctuation, spaces of every kind and runs of
// them (`a  b` is `a--b` on GitHub), combining marks, code points from all
// of Unicode, letters newer than github-slugger's Unicode 13, inline code,
// emphasis and links (their text counts, runs of white space in it too),
// entity and numeric character references, and repeats (`-1`, `-2`, a
// heading that is an earlier one's suffixed id).  Each page goes through
// `sluice md --json`, as Markdown and as MDX; every heading's id must be
// what github-slugger's slugger gives for the heading's text content (as
// GitHub and rehype-slug take it: markup dropped, references decoded,
// white space as it stands), one slugger per page; that id must be the
// one in the page's HTML; and the --json text must be that text content
// with each run of white space one space.  Markdown pages give a heading
// with no usable character `section` where github-slugger gives "" (MDX
// pages: "").
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'

const sluice = resolve(process.argv[2])
const modules = resolve(process.argv[3])
const {slug} = await import(pathToFileURL(join(modules, 'github-slugger', 'index.js')).href)

let seed = 0x2545f491
function rnd(n) {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) % n
}
const pick = (a) => a[rnd(a.length)]

const words = [
  // Latin, with diacritics and special lowercasings
  'Ärger', 'Über', 'ÉCOLE', 'Straße', 'STRAẞE', 'İstanbul', 'DİYARBAKIR', 'Ĳssel', 'ǅemal', 'ǈ', 'ǋ', 'Ⱥ', 'Ⱦ', 'Ɫ', 'Ɐ',
  'ꞫꞬꞭ', 'Ꞔ', 'Øre', 'Œuvre', 'ÆSIR', 'Þorn', 'ŁÓDŹ', 'Ḁḁ', 'ẞ', 'K', 'Å', 'Ω', 'ﬀ', 'ﬁ', 'Ａｂｃ', 'ⓐⒷ', 'Ⅻ', 'ⅷ',
  // Greek (final sigma: word end, before punctuation, apostrophe, marks)
  'ΟΔΟΣ', 'ΣΟΦΙΑ', 'ΑΣ.', 'ΑΣ\'Α', 'ΑΣ́', 'Σ', 'ʰΣ', 'ΣΣ', 'ΌΣΟΣ', 'ΆΝΘΡΩΠΟΣ', 'ϴ', 'ϷϸϹ', 'ΐ', 'ᾼ', 'ᾈ',
  // Cyrillic, Armenian, Georgian (Mtavruli lowercases), Glagolitic, Coptic, Cherokee
  'Привет', 'ЁЖИК', 'Ѳѳ', 'Ԁ', 'ᲀ', 'Բարեւ', 'ԵՒ', 'ᲐᲑᲒ', 'ႠႡ', 'ⰀⰁ', 'ⲀⲂ', 'ᎠᎡᎢ', 'ꭰ',
  // Deseret, Osage, Old Hungarian, Warang Citi, Medefaidrin, Adlam, Vithkuqi (Unicode 14)
  '𐐀𐐁', '𐒰', '𐲀', '𑢠', '𖹀', '𞤀𞤁', '𐕰𐕱',
  // right to left, Indic, Southeast Asian, CJK, Hangul, kana
  'שלום', 'עִבְרִית', 'مرحبا', 'العَرَبِيَّة', '۱۲۳', 'हिंदी', 'नमस्ते', 'বাংলা', 'தமிழ்', 'ไทย', 'ພາສາ', 'မြန်မာ', 'ខ្មែរ',
  '日本語', '中文', '한국어', '한글', 'カタカナ', 'ひらがな', 'ｶﾀｶﾅ', 'ー', '〆', '々',
  // ASCII
  'Hello', 'World', 'API', 'v2', '2024', 'foo-bar', 'snake_case', 'A1', 'x'
]
const symbols = [
  '⚠', '⚠️', '©', '®', '™', '€', '£', '¥', '§', '¶', '°', '±', '×', '÷', '→', '←', '⇒', '∞', '√', '∑', '✓', '✔', '★',
  '♥', '☃', '⌘', '⌥', '⏎', '№', '℃', '¬', '¦', '¨', '´', '¸', 'ˆ', '˜', '¢', '₹', '₿', '†', '‡', '•', '…',
  '‰', '′', '″', '‹', '›', '«', '»', '“', '”', '‘', '’', '„', '‚', '–', '—', '‐', '‑', '‒', '―', '¡', '¿', '·', '‧',
  '‿', '⁀', '⁔', '︳', '＿', '。', '、', '「', '」', '『', '』', '【', '】', '〜', '・', '！', '？', '：', '；', '（', '）',
  '¹', '²', '³', '½', '¼', '⅓', '①', '⑩', '㉑', '𝟙', '𝐀', '𝒜', '𝔄', 'ℕ', 'ℝ', 'ℵ', 'ª', 'º', 'µ', '̈', '́', '̃', '҉',
  '⃣', '⃝', 'ं', 'ः', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u061c', '\u200e', '\u200f',
  '\u2028', '\u2029', '\u0085', '\u0080', '\ufffd', '\ufff9', '\ue000', '\udb80\udc00'
]
const emoji = [
  '🚀', '🎉', '✨', '🔥', '👍', '👍🏽', '👩‍💻', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇩🇪', '🇯🇵', '1️⃣', '#️⃣', '❤️', '☺️', '🙂', '🤖', '🦀',
  '🐍', '📦', '📝', '🛠️', '⚙️', '✅', '❌', '⭐', '🆕', '🅰️', '🀄', '🃏', '🧑🏿‍🦱', '🫠', '🪿'
]
const spaces = [' ', ' ', ' ', ' ', '\u00a0', '\u2002', '\u2003', '\u2009', '\u202f', '\u205f', '\u3000', '\u1680', '\t', '  ']
// runs of white space: kept in ids (each space a `-`, tabs dropped)
const runs = ['  ', '   ', '\t\t', ' \t ', '\t ', ' \u00a0 ']
// references and the character each stands for
const refs = [
  ['&amp;', '&'], ['&lt;', '<'], ['&gt;', '>'], ['&quot;', '"'], ['&copy;', '©'], ['&#169;', '©'], ['&#x3A3;', 'Σ'],
  ['&Auml;', 'Ä'], ['&nbsp;', '\u00a0'], ['&#9;', '\t'], ['&#x1F680;', '🚀'], ['&ndash;', '–'], ['&#95;', '_']
]
// words that emphasis and code can wrap whatever is beside them
const plain = words.filter((w) => /^[\p{L}\p{M}\p{N}]+$/u.test(w))

// A code point from anywhere in Unicode: not a surrogate, not ASCII (its
// Markdown meaning is tested by the hand-picked pieces), not a line end.
function anyChar() {
  const planes = [0x80, 0x800, 0x3000, 0x10000, 0x20000, 0xe0000]
  for (;;) {
    const base = pick(planes)
    const cp = base + rnd(base < 0x10000 ? 0x10000 - base : 0x10000)
    if (cp >= 0xd800 && cp <= 0xdfff) continue
    if (cp > 0x10ffff) continue
    return String.fromCodePoint(cp)
  }
}

// A piece of inline markup: [source, its text content].
function markup() {
  const w = pick(plain)
  const v = pick(plain)
  const r = pick(runs)
  switch (rnd(7)) {
    case 0: return ['`' + w + r + v + '`', w + r + v]
    case 1: return ['*' + w + '*', w]
    case 2: return ['**' + w + r + v + '**', w + r + v]
    case 3: return ['_' + w + '_', w]
    case 4: return ['[' + w + r + v + '](/x/' + w + ')', w + r + v]
    case 5: { const [s, t] = pick(refs); return [s, t] }
    default: { const [s, t] = pick(refs); return [w + s + v, w + t + v] }
  }
}

// A heading: {src, text}, its source and its text content.
function heading() {
  const parts = []
  const n = 1 + rnd(5)
  for (let i = 0; i < n; i++) {
    if (i) {
      const sp = rnd(5) ? ' ' : rnd(2) ? pick(spaces) : pick(runs)
      parts.push([sp, sp])
    }
    const k = rnd(12)
    if (k < 5) parts.push(pick(words))
    else if (k < 7) parts.push(pick(symbols) + (rnd(2) ? pick(words) : ''))
    else if (k < 8) parts.push(pick(emoji))
    else if (k < 10) parts.push(markup())
    else parts.push(anyChar() + (rnd(2) ? anyChar() : ''))
  }
  const src = parts.map((p) => (typeof p === 'string' ? p : p[0])).join('')
  const text = parts.map((p) => (typeof p === 'string' ? p : p[1])).join('')
  return {src, text}
}

// A heading written `# S` holds S less the spaces and tabs at its ends
// (Markdown's trimming); sluice's --json text of it has each run of
// spaces, tabs and line ends made one space.  (No piece's source starts
// or ends with a space or tab: a generated heading's source is what the
// page's `#` line holds.)
const trimmed = (s) => s.replace(/^[ \t]+|[ \t]+$/g, '')
const collapsed = (s) => s.replace(/[ \t\r\n]+/g, ' ').replace(/^ | $/g, '')

const work = mkdtempSync(join(tmpdir(), 'sluice-slugs-'))
let failed = 0
let checked = 0
let nonAscii = 0
try {
  const pages = []
  for (let p = 0; p < 60; p++) {
    const hs = []
    for (let i = 0; i < 40; i++) {
      const r = rnd(10)
      if (r < 2 && hs.length) hs.push(pick(hs)) // a repeat: -1, -2, ...
      else if (r < 3 && hs.length) { // `x 1` slugs to `x-1`, maybe taken
        const h = pick(hs)
        hs.push({src: h.src + ' 1', text: h.text + ' 1'})
      } else if (r < 4) { // nothing kept (or a mark)
        const s = pick(symbols) + pick(emoji)
        hs.push({src: s, text: s})
      } else hs.push(heading())
    }
    pages.push(hs.filter((h) => trimmed(h.src) !== ''))
  }
  const files = []
  for (const [i, hs] of pages.entries()) {
    const body = hs.map((h) => `# ${h.src}\n\n`).join('')
    for (const ext of ['md', 'mdx']) {
      const f = join(work, `p${i}.${ext}`)
      writeFileSync(f, body)
      files.push({file: f, hs, mdx: ext === 'mdx'})
    }
  }
  const out = spawnSync(sluice, ['md', '-q', '--json', ...files.map((f) => f.file)], {encoding: 'utf8', maxBuffer: 1 << 28})
  if (out.status !== 0) throw new Error(`sluice md exited ${out.status}: ${out.stderr}`)
  const byFile = new Map(out.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).map((j) => [j.file, j]))
  for (const {file, hs, mdx} of files) {
    const page = byFile.get(file)
    if (!page) throw new Error(`no output for ${file}`)
    if (page.headings.length !== hs.length) {
      console.error(`${file}: ${page.headings.length} headings, want ${hs.length}`)
      failed++
      continue
    }
    // github-slugger's class, with sluice's `section` for an empty base on
    // Markdown pages: the same counter loop over its own slug()
    const occurrences = Object.create(null)
    // the ids in the page's HTML (Markdown pages; MDX compiles to JS)
    const htmlIds = mdx ? null : [...page.html.matchAll(/<h[1-6] id="([^"]*)"/g)].map((m) => m[1])
    if (htmlIds && htmlIds.length !== hs.length) {
      console.error(`${file}: ${htmlIds.length} ids in the HTML, want ${hs.length}`)
      failed++
    }
    for (const [i, h] of page.headings.entries()) {
      const src = trimmed(hs[i].src)
      const text = hs[i].text // `# &#9; a`: the tab is no white space Markdown trims
      // the id of the heading's text content, white space as it stands
      // (GitHub's; rehype-slug's of the text as mdast has it)
      let base = slug(text)
      if (base === '' && !mdx) base = 'section'
      let want = base
      while (Object.hasOwn(occurrences, want)) want = base + '-' + ++occurrences[base]
      occurrences[want] = 0
      checked++
      if (/[^\0-\x7f]/.test(h.text)) nonAscii++
      if (h.text !== collapsed(text) || h.id !== want || (htmlIds && htmlIds[i] !== want)) {
        failed++
        if (failed <= 20)
          console.error(`${file}: heading ${i + 1} ${JSON.stringify(src)}: text ${JSON.stringify(h.text)}, ` +
            `id ${JSON.stringify(h.id)}${htmlIds ? ` (HTML ${JSON.stringify(htmlIds[i])})` : ''}, ` +
            `github-slugger ${JSON.stringify(want)}`)
      }
    }
  }
} finally {
  rmSync(work, {recursive: true, force: true})
}
console.log(`slugs: ${checked} headings (${nonAscii} with non-ASCII text), ${failed} differ from github-slugger`)
if (checked < 4000 || nonAscii < checked / 2) {
  console.error('slugs: too few headings checked')
  process.exit(1)
}
process.exit(failed ? 1 : 0)
