import { Base } from './main.mjs';
let early;
try { early = new Base(); } catch (e) { early = e.constructor.name; }
console.log('early:', early);
export function make() { return new Base(); }
