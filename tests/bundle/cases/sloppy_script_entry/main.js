// An entry that is a script runs as node runs it, as sloppy CommonJS, also
// when it require()s an ES module (whose code stays strict)
const { strictThis } = require("./lib.mjs");
implicitEntry = String(strictThis());
console.log(implicitEntry, (function () { return typeof this; })(), 010);
