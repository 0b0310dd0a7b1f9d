// An optional dependency: when it is not installed the try catches the
// failure, so the bundle leaves the require() to run time (esbuild does).
let dep;
try {
  dep = require('not-installed-optional-dependency');
} catch (e) {
  dep = 'fallback (' + e.code + ')';
}
function later() {
  try {
    return require('./not-there.cjs');
  } catch (e) {
    return 'later (' + e.code + ')';
  }
}
module.exports = { dep, later };
