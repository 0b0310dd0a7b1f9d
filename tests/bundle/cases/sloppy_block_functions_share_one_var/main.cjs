// Annex B.3.3: in sloppy code each evaluated block function declaration
// also assigns the one var of its name in the enclosing function, so all
// same-named block functions of a function write the same binding and a
// read after the blocks sees the last one evaluated.  --minify-identifiers
// must give that var and every block function that writes it one name.
function two() {
  var r = [];
  { function bf() { return 1 } r.push(bf()) }
  { function bf() { return 2 } r.push(bf()) }
  r.push(bf());
  return r.join();
}
function three() {
  var r = [];
  { function f() { return 'a' } r.push(f()) }
  { function f() { return 'b' } r.push(f()) }
  r.push(f());
  { function f() { return 'c' } }
  r.push(f());
  return r.join();
}
// before its block runs the var is undefined: calling it throws
function beforeBlock() {
  var r = [];
  try { r.push(early()) } catch (e) { r.push(e instanceof TypeError, typeof early) }
  { function early() { return 'in' } }
  r.push(early());
  { function early() { return 'again' } }
  r.push(early());
  return r.join();
}
// if/else branches (with and without braces): only the branch taken writes the var
function branches(x) {
  if (x) { function g() { return 'then' } } else { function g() { return 'else' } }
  var first = g();
  if (!x) function g() { return 'bare then' }
  else function g() { return 'bare else' }
  return [first, g()].join();
}
// a var of the name: the block functions assign it too
function withVar() {
  var v = 'var';
  var r = [v];
  { function v() { return 1 } }
  r.push(typeof v);
  { function v() { return 2 } }
  r.push(v());
  return r.join();
}
// a var declared after the blocks, and a function of the body of the same name
function varAfter() {
  var r = [];
  { function w() { return 'w1' } }
  { function w() { return 'w2' } }
  r.push(w());
  var w;
  function h() { return 'body' }
  r.push(h());
  { function h() { return 'block' } }
  r.push(h());
  return r.join();
}
// a parameter of the name: no hoisting, the parameter keeps its value
function param(p) {
  var r = [];
  { function p() { return 1 } r.push(typeof p) }
  { function p() { return 2 } r.push(p()) }
  r.push(p);
  return r.join();
}
// a let of the name in a block on the way: no hoisting out of it
function blockedByLet() {
  var r = [];
  { function q() { return 'outer' } }
  { let q = 'let'; { function q() { return 'inner' } r.push(q()) } r.push(q) }
  r.push(q());
  { { function q() { return 'deep' } } let q = 'let later'; r.push(q) }
  r.push(q());
  return r.join();
}
// nested functions: each function has its own var
function nested() {
  var r = [];
  { function n() { return 'outer1' } }
  function inner() { { function n() { return 'inner1' } } { function n() { return 'inner2' } } return n() }
  r.push(inner());
  { function n() { return 'outer2' } }
  r.push(n());
  return r.join();
}
// a switch's cases are one block
function inSwitch(k) {
  switch (k) { case 1: function s() { return 'one' } break; default: }
  { function s() { return 'block' } }
  return s();
}
{ function top() { return 'top1' } }
{ function top() { return 'top2' } }
console.log(two(), three(), beforeBlock());
console.log(branches(true), branches(false), withVar(), varAfter());
console.log(param('arg'), blockedByLet(), nested(), inSwitch(1), top());
