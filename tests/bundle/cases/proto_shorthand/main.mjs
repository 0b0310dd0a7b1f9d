// `{ __proto__ }` defines an own property named __proto__; written out as
// `{ __proto__: x }` it would set the object's prototype instead.  Renamed
// variables (an import, a name two modules declare, --minify-identifiers)
// must keep the shorthand's meaning.
import { value as __proto__ } from "./value.mjs";
import { other } from "./other.mjs";

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
