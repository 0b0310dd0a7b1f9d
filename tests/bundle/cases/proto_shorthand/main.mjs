// `{ __proto__ }` defines an own property named __proto__; written out as
// `{ __proto__: x }` it would set the object's prototype instead.  Renamed
// variables (an import, a name two modules declare, --minify-identifiers)
// must keep the shorthand's meaning.
import { value as __proto__ } from "./value.mjs";
import { other } from "./other.mjs";
import * as ns from "./proto_export.mjs";
import * as star from "./proto_star.mjs";
import required from "./proto_require.cjs";

function own(o, want) {
  return [Object.getPrototypeOf(o) === Object.prototype, Object.keys(o).join(), o.__proto__ === want].join(" ");
}
const imported = { __proto__ };
console.log("import", own(imported, __proto__));
console.log("other", other());
function param(__proto__) {
  const o = { __proto__, b: 1 };
  return own(o, __proto__);
}
console.log("param", param([1]));
// in a pattern the shorthand reads the property: no prototype is set there
const { __proto__: got = "none" } = { ["__proto__"]: "own" };
console.log("pattern", got);
// namespace objects with an export named __proto__: of an ES module, of
// one that re-exports a CommonJS module's names, and what require() gives
const keys = (o) => Object.keys(o).join();
console.log("namespace", keys(ns), ns.__proto__?.tag, Object.getPrototypeOf(ns));
console.log("star", keys(star), star.__proto__?.tag);
console.log("require", keys(required), required.__proto__?.tag);
