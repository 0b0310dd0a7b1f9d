// A namespace import read only as `ns.name` needs no namespace object: each
// read is the export's own binding and the exports never read are dropped.
// A namespace passed to a function is a value: its object stays, whole.
import * as lib from './lib.mjs';
import * as shown from './shown.mjs';
function keys(ns) { return Object.keys(ns).map((k) => `${k}=${typeof ns[k]}`).join(','); }
console.log(lib.a(), lib.c, keys(shown));
