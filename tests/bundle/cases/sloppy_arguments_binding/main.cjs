// A function other than an arrow has its own `arguments`: a `var
// arguments`, a `function arguments` or a sloppy block function of the
// name hoisted into it (Annex B.3.3) assigns that binding, and a read of
// `arguments` in the function never reaches a declaration further out
// (here the one the script's own top level hoists, at the end).
// --minify-identifiers must not rename any of them apart.
var log = [];
function blockFn() {
  var r = [typeof arguments];
  { function arguments() { return 'fn'; } }
  r.push(typeof arguments, arguments.length);
  return r.join();
}
log.push(blockFn(1, 2));
function assigned() {
  var t0 = typeof arguments;
  { function arguments() {} }
  arguments = 5;
  return [t0, typeof arguments].join();
}
log.push(assigned(1));
function notReached(a) {
  if (a) { function arguments() {} }
  return typeof arguments;
}
log.push(notReached(0), notReached(1));
function withDefaults(x = 1) {
  var t0 = typeof arguments;
  { function arguments() {} }
  return [t0, typeof arguments, x].join();
}
log.push(withDefaults());
function varOfIt() {
  var arguments;
  var t0 = typeof arguments;
  { function arguments() {} }
  return [t0, typeof arguments].join();
}
log.push(varOfIt(1));
// a let on the way keeps the block function in its block
function blocked() {
  var t0 = typeof arguments;
  { let arguments = 1; { function arguments() {} } }
  return [t0, typeof arguments].join();
}
log.push(blocked(1));
function param(arguments) { { function arguments() {} } return typeof arguments; }
log.push(param(1));
// an arrow has none of its own: it reads its function's
function outer() { return (() => typeof arguments + arguments.length)(); }
log.push(outer(1, 2, 3));
// a named function expression called arguments still reads its arguments object
log.push((function arguments(a) { return typeof arguments + arguments.length; })(1));
// and a block function named as the catch parameter around it
function caught() {
  var r = [];
  try { throw 1; } catch (e) { r.push(typeof e); { r.push(typeof e); function e() {} } r.push(typeof e); }
  r.push(typeof e);
  return r.join();
}
log.push(caught());
{ function arguments() {} }
log.push(typeof arguments);
console.log(log.join(' | '));
