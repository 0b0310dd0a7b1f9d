// Annex B.3.5: `var e` inside `catch (e)` redeclares the catch parameter:
// its initializer assigns the parameter, and the hoisted `e` of the
// function (here the module) stays undefined.  Renaming (dep.mjs's `e`
// takes the name; --minify-identifiers) must keep the two names equal.
import { e as other } from './dep.mjs';
import sloppy from './sloppy.cjs';
try { throw 1 } catch (e) { var e = 2; var z = e }
console.log(typeof e, z, other);
function inFn() { try { throw 1 } catch (e) { { var e = 'in block' } var seen = e } return [typeof e, seen] }
console.log(inFn());
console.log(sloppy());
