// sloppy CommonJS (no "use strict"): it must stay sloppy in the bundle
var octal = 010; // a SyntaxError in strict code
leakedGlobal = 'implicit global';
function who() { return this === globalThis; }
module.exports = { octal, who: who(), leaked: typeof leakedGlobal };
