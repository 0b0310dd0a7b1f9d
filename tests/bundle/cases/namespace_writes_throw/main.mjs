// A namespace object is read-only: `ns.x = v`, `ns.x++`, a pattern or a
// for-of writing `ns.x`, and `delete ns.x` throw a TypeError there, and
// the exporter's variable stays as it was (advbundle F3/F4: the bundle
// wrote the variable itself, and `delete count` did not parse).
import * as C from "./counter.mjs";
import { count } from "./counter.mjs";
const writes = {
  update: () => C.count++,
  assign: () => { C.count = 5; },
  pattern: () => { [C.count] = [9]; },
  object: () => { ({ a: C.count } = { a: 3 }); },
  forOf: () => { for (C.count of [4]); },
  func: () => { C.inc = null; },
  remove: () => delete C.count,
};
for (const name in writes) {
  try {
    writes[name]();
    console.log(name, "no throw");
  } catch (e) {
    console.log(name, e.constructor.name);
  }
}
C.inc();
console.log(count, C.count, typeof C.inc);
