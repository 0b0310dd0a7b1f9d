// Statements ended by ASI, each followed by one the bundle removes (an
// export list, an import, a tree-shaken declaration, export *) and then
// one that starts with `[`, `(` or a template.
export let n = 0
export const h = function () { n++ }
export { n as count }
;[1, 2].forEach(() => { n += 10 })
import { seen } from './tail.mjs'
;(() => seen.push('mid iife'))()
export const t = () => 't'
export * from './tail.mjs'
`x`.length
if (n) seen.push('if')
else seen.push('else')
export const u = () => 'u'
;(function () { seen.push('after if-else') })()
