#!/usr/bin/env node
const re = /[/]\//g, d = a / b / c, t = `x${`y${z}`}w`, n = 1_000n + 0x1F_FFn + .5e-3;
class A { #p = 1; static #q; static { this.s = 1; } get [k]() { return this.#p; } async *gen() { yield* await x; } }
label: for await (const { a, b: [c = 1, ...d], ...e } of it) { if (a?.b?.[c]?.(d) ?? e) continue label; }
x ||= y; x &&= z; x ??= w; obj = { get, set, async, static: 1, async *m() {}, get g() {}, [1 + 2]: 3, ...rest };
export default async function* () {}
export { re as "string name" };
import.meta.url; new.target; import('./x.js'); require('./y.cjs');
a = b
++c
(function () { return
  1 })()
