// A script entry (no module, exports or top-level this): --format esm
// prints it as is unless it needs a function of its own - here, for the
// vars Annex B.3.3 gives the functions declared in its blocks.
var seen = [];
{ seen.push(f()); function f() { return 'f'; } }
if (seen.length) function g() { return 'g'; }
var h = 'var';
{ function h() { return 'h'; } }
console.log(seen.join(), f(), g(), typeof h, h());
