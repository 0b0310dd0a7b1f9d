import "./setskip.js";
import "./skipped.js";
console.log("entry after", globalThis.ran);
