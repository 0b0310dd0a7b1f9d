// A script entry bundled as an ES module is its code: no CommonJS
// wrapper, no default export of an empty module.exports (see absent).
const lib = require("./lib.cjs");
var count = 2;
function twice(x) { return lib.scale(x, count); }
console.log(twice(21), typeof twice);
