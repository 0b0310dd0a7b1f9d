// sloppy code: each line below throws (or does not parse) in strict code
implicitGlobal = 'ig';
var topVar = 'tv';
function topFn() { return 'tf'; }
globalThis.check = typeof topVar + " " + typeof topFn;
globalThis.sloppyThis = (function () { return this === globalThis; })();
globalThis.octal = 010;
with ({ x: 'with' }) globalThis.withX = x;
globalThis.order.push("sloppy");
