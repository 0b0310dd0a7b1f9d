--> HTML-like comments (ECMAScript Annex B.1.1) in a script: `<!--` anywhere
// and `-->` first on its line run to the end of the line.  The bundle copies
// them as `//`, so they stay comments in ES module output too.
const lib = require('./lib.cjs');
let x = 3, y = x <!-- y is x: the rest is a comment
--> a comment, not `x-- > ...`
console.log(x, y, lib.count(5));
