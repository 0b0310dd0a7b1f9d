// Top-level `this` (esbuild's rule, node's semantics): undefined in an ES
// module whatever the output format wraps it in, module.exports in a file
// that is not one (which makes that file CommonJS).
import "./script.js";
import "./no_syntax.mjs";
import { seen } from "./esm_this.mjs";

console.log("esm", seen.join(" "));
