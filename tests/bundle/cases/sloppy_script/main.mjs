// A script (a .js file with no import/export, module/exports, this or
// return) imported for its effects runs as node runs it: as CommonJS,
// sloppy, its top-level names its own (advbundle F8).  Pasted into the
// bundle's strict ES scope, its implicit global threw.  Its effects still
// run at its place in evaluation order.
import "./before.mjs";
import "./sloppy.js";
import { after } from "./after.mjs";
console.log(globalThis.implicitGlobal, globalThis.check, typeof topVar, typeof topFn, after);
console.log(globalThis.order.join(" "), globalThis.sloppyThis, globalThis.octal, globalThis.withX);
