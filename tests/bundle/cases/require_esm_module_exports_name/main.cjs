// require() of an ES module that exports the string name "module.exports"
// returns that value (node 20.19+, 22.12+), not the namespace.
const f = require('./lib.mjs')
console.log(typeof f, f('x'), require('./lib.mjs') === f)
const p = require('./plain.mjs')
console.log(typeof p, p.default, p.named, p.__esModule)
import('./lib.mjs').then((ns) => console.log(typeof ns, ns.other, ns.default === f, ns['module.exports'] === f))
