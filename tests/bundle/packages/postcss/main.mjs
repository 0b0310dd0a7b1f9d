// postcss: CommonJS with an ESM wrapper (lib/postcss.mjs) whose last
// statement has no `;`: an entry whose code starts with `(` after its
// imports must not call it (ASI across modules).
import postcss, { parse, Declaration } from 'postcss'
(async () => {
  const upper = { postcssPlugin: 'upper', Declaration(d) { if (d.prop === 'color') d.value = d.value.toUpperCase() } }
  const r = await postcss([upper]).process('a { color: red; margin: 0 } @media (x) { b { color: blue } }', { from: undefined })
  console.log(r.css)
  const root = parse('x{y:z}')
  root.first.append(new Declaration({ prop: 'w', value: '1' }))
  console.log(root.toString(), root.first.selector, postcss.list.comma('a, b(c, d)').join('|'))
})()
