// node runs CommonJS as the body of function (exports, require, module,
// __filename, __dirname): a sloppy block function of one of those names
// gets no Annex B var (B.3.3 skips a parameter's name), so outside its
// block the name is still node's.  The bundle's own function for the
// module has fewer parameters, or none.
var r = [];
r.push(typeof require, typeof module, typeof exports, typeof __filename, typeof __dirname);
{
  function require(x) { return 'block:' + x; }
  var viaBlock = require('./not-a-file.js'), short = { require };
  r.push(short.require('s'), typeof require);
}
if (r.length) { function module() { return 'm'; } r.push(typeof module); }
{ { function exports() {} } }
{ function __filename() {} function __dirname() {} r.push(typeof __filename); }
r.push(viaBlock, typeof require, typeof module, typeof exports, typeof __filename, typeof __dirname);
r.push(require('./two.js').two);
function inner() {
  { function require() { return 'inner'; } }
  return require(); // an ordinary function's block function: hoisted there
}
r.push(inner());
exports.r = r;
