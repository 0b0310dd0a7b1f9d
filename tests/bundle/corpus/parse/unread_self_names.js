// An unread own name of a function or class expression is left out under
// --minify-identifiers; it must not take a slot either, or printing the
// printed text names everything after it differently.
function outer(alpha, beta) {
  var make = function makeThing(gamma) { var delta = gamma + alpha; return delta * beta; };
  var Kind = class KindOf { method(epsilon) { return epsilon + beta; } };
  var again = function again2(zeta) { return again2.length + zeta; };
  var total = make(1) + new Kind().method(2) + again(3);
  return total + alpha + beta;
}
console.log(outer(4, 5));
