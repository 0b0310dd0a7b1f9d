// sloppy block functions (Annex B.3.3): one var per name in each function
function two(p) { var r = []; { function bf() { return 1 } r.push(bf()) } { function bf() { return 2 } } r.push(bf());
  { function p() {} } { let q; { function q() {} } } if (p) function c() {} else function c() {}
  switch (p) { case 1: function s() {} } { function s() {} } var v; { function v() {} } return [r, c, s, v, p] }
{ function top() {} } { function top() {} }
console.log(two(1), top);
