// printed into strict (--format esm) output: Annex B vars, if/label functions, for-in initializers
var o = []; { o.push(e()); function e() { return typeof e } } if (o) function i() { return { i } } else function j() {}
a: b: function l() {} switch (1) { case 1: function c() {} default: { function d() {} } }
try { function t() {} } catch (x) { function xc() {} } finally { { function y() { return y } } }
{ let k; { function k() {} } } { async function af() {} function* gf() {} } if (0) function dead() {}
function inner(p) { { function p() {} } { function q() { q = 1; return [q, { q }] } } return [p, q] }
for (var fi = (o.push(1), 0) in (o)) fi; { function two() {} two = 2 } module.exports = [o, e, i, j, l, c, d, t, y, two];
