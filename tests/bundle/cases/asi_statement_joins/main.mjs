// A statement ended by automatic semicolon insertion (no `;`) must stay
// ended in the bundle, whatever the bundle prints after it: the next
// module, a statement after a removed one, an import rewritten to start
// with `(` (`(0, import_c.bar)()`).  Joined without a `;`, `a = 1` then
// `(0, x.bar)()` is a call of 1.
import { last, seen } from './tail.mjs'
import { n, h, count } from './mid.mjs'
import { bar, arr } from './c.cjs'
const a = 1
bar()
const b = 2
arr.push(3)
let z = 5
console.log(last(), seen.join(','), n, count, typeof h, a, b, z, arr.join())
