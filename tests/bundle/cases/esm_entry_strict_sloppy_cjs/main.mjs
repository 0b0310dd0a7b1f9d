// An ES module entry stays strict even when the bundle holds sloppy
// CommonJS, which stays sloppy.
import sloppy from './sloppy.cjs';
import * as lib from './lib.mjs';
const ns = lib;
const frozen = Object.freeze({ a: 1 });
try { frozen.a = 2; console.log('no throw'); } catch (e) { console.log('frozen assignment throws', e.constructor.name); }
const plain = lib.strictThis;
console.log('this in a plain call:', plain(), Object.keys(ns).join());
console.log('sloppy:', sloppy.octal, sloppy.who, sloppy.leaked);
import('./lib.mjs').then((m) => console.log('dynamic', m.fromLib));
