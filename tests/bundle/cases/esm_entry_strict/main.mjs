// An ES module entry is strict code; bundled to cjs or iife it must stay
// strict: assigning to a frozen object throws, `this` in a plain call is
// undefined, assigning to an undeclared name throws.
import { thisInCall } from './strict_lib.cjs';
const frozen = Object.freeze({ a: 1 });
try { frozen.a = 2; console.log('no throw'); } catch (e) { console.log('frozen assignment throws', e.constructor.name); }
function who() { return this; }
console.log('this in a plain call:', who());
try { undeclaredName = 1; console.log('implicit global'); } catch (e) { console.log('undeclared assignment throws', e.constructor.name); }
console.log('strict lib:', thisInCall);
