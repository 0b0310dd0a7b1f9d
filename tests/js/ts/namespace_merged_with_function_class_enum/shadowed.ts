// A name exported by an earlier block of a merged namespace means NS.name
// in a later block, before any binding around the namespace (tsc's binder
// looks in the merged exports first): outer const before and after the
// blocks, an import of the same name, nested and dotted namespaces, and
// merges with an enum, a function and a class.
import { readFileSync as helper, existsSync as present } from "fs";
const v = "outer";
namespace NS { export let v = 1; export function helper() { return "inner"; } export var w = 2; }
namespace NS {
  export const later = v + 100;
  export const r = helper();
  export const o = { v, w };
  export function f() { return v + w + after; }
  export namespace Deep { export const d = v + w + after; }
}
namespace NS { export const after = 3; }
const after = "outer-after";
namespace A.B { export const x = "ab"; export function present() { return "inner-present"; } }
namespace A.B { export const y = x + "!" + present(); }
namespace A { export const top = "a-top"; }
namespace A { export namespace B { export const z = top + x; } }
enum Color { Red = 1 }
namespace Color { export const helper = "enum-helper"; }
namespace Color { export const h2 = helper + Color.Red; }
function greet() { return "g"; }
namespace greet { export const v = "greet-v"; }
namespace greet { export const v2 = v + greet(); }
class Box {}
namespace Box { export class after { static n = 5; } }
namespace Box { export const n = after.n; }
namespace Local { export const v = "exported"; }
namespace Local { export function g(v: string) { return v; } export const q = (() => { const w = "local"; return w; })(); }
export function shadowed(): string {
  return [NS.later, NS.r, JSON.stringify(NS.o), NS.f(), NS.Deep.d, A.B.y, A.B.z, Color.h2, greet.v2, Box.n,
          Local.g("param"), Local.q, v, after, typeof helper, typeof present].join(" ");
}
