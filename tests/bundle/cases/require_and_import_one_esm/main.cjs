// One ES module reached by both require() and import(): it runs once, when
// first needed, and both give the same live bindings.  c.mjs is also a
// static dependency of a module reached only through import().
const b = require('./b.mjs'), c = require('./c.mjs');
console.log('required', b.x, b.default, b.__esModule, c.y, Object.keys(c).join());
import('./b.mjs').then(async (ns) => {
  console.log('imported', ns.x, ns.default, ns === b, ns.default === b.default);
  const lazy = await import('./lazy.mjs');
  console.log('lazy', lazy.z, lazy.c === c);
  const again = await import('./c.mjs');
  console.log('c again', again === c);
});
