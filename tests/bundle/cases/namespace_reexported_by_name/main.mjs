// bug A of issue 13: `import * as ns; export { ns }` must emit the namespace.
import { ns } from './a.mjs';
import def from './a.mjs';
import * as A from './a.mjs';
import { inner } from './c.mjs';
console.log(ns.x, ns.f());
console.log(A.ns.x, A.ns.f(), def.f(), A.uses, inner.x);
console.log(Object.keys(ns).join(), ns === def, A.ns === ns, inner === ns);
console.log(Object.prototype.toString.call(ns), Object.isExtensible(ns));
// live through the re-exported namespace
ns.bump();
console.log(ns.counter, A.ns.counter, inner.counter);
// a member read inside a function whose parameter has the member's name
function g(x) { return ns.x + x; }
const h = (f) => [ns.f(), f];
console.log(g(10), h('param').join());
