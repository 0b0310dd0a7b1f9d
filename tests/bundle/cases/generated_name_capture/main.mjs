// Names the bundler makes up (require_x, import_x, x_exports, x_default)
// must not be captured by inner bindings that happen to have those names.
import lib from './lib.cjs';
import * as ns from './ns.mjs';
import anon from './anon.mjs';
function f() {
  const require_lib = 'local require_lib', import_lib = 'local import_lib';
  const ns_exports = 'local ns_exports', anon_default = 'local anon_default';
  const keys = Object.keys(ns).join();
  return [lib.x, keys, anon(), require_lib, import_lib, ns_exports, anon_default].join(' | ');
}
console.log(f());
