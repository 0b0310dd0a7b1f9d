// A namespace object used as a value: keys sorted, live, not extensible.
import * as ns from './mod.mjs';
function show(o) { return Object.keys(o).join(','); }
console.log(show(ns), Object.isExtensible(ns), Object.prototype.toString.call(ns));
ns.inc();
console.log(ns.zed, ns['alpha']);
try { ns.alpha = 5; } catch (e) { console.log(e.constructor.name); }
