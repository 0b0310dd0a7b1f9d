// Sloppy CommonJS: a function declared in a block is also a var of the
// enclosing function (Annex B.3.3), assigned where the declaration stands.
// ES module output is strict, where it would be the block's alone: the
// bundle must keep the sloppy meaning (esbuild does).
var r = [];
r.push(typeof early);
{ r.push(early()); function early() { return 'early:' + typeof early; } }
r.push(early());
if (true) function viaIf() { return 'if'; } else function viaElse() { return 'else'; }
r.push(viaIf(), typeof viaElse);
if (false) function notTaken() {}
r.push(typeof notTaken);
lbl: function labelled() { return 'label'; }
r.push(labelled());
switch (1) { case 1: function inCase() { return 'case'; } }
r.push(inCase());
try { function inTry() { return 'try'; } } catch (e) { function inCatch() {} }
r.push(inTry(), typeof inCatch);
function outer() {
  { function inner() { return typeof inner; } }
  var o = { inner };
  return inner() + ',' + o.inner();
}
r.push(outer());
var loops = [];
for (var i = 0; i < 2; i++) { function loop() { return i; } loops.push(loop()); }
r.push(loops.join(''));
// a let of the name on the way: no var, the block keeps it
{ let shadow = 1; { function shadow2() {} } }
{ let blocked = 'let'; { function blocked() {} } r.push(typeof blocked); }
r.push(typeof blocked, typeof shadow2);
// async functions and generators are never hoisted
{ async function af() {} function* gf() {} }
r.push(typeof af, typeof gf);
// the block's binding and the var are two: assigning one leaves the other
{ function two() { return 1; } two = 'block'; r.push(typeof two); }
r.push(typeof two);
// Annex B too: `for (var k = init in o)` runs init, then o
var order = [];
for (var k = (order.push('init'), 'k') in (order.push('object'), { a: 1 })) order.push(k);
for (var unset = 'kept' in {}) ;
r.push(order.join(), unset);
module.exports = r;
