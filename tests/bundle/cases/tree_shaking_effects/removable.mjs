// Nothing here runs code: all of it goes when unused (the `absent` file).
var REMOVABLE_typeof = typeof REMOVABLE_window;
var REMOVABLE_guard = typeof window !== 'undefined' ? window : null;
var REMOVABLE_or = typeof self === 'undefined' || self;
var REMOVABLE_known = Math.PI, REMOVABLE_chain = Object.prototype.hasOwnProperty;
var REMOVABLE_array = [...[1, 2]], REMOVABLE_symbol = Symbol('s'), REMOVABLE_template = `${1}${'a'}`;
var REMOVABLE_eq = 1 == 2, REMOVABLE_lt = 'a' < 'b', REMOVABLE_not = !void 0;
var REMOVABLE_keys = { [Symbol.iterator]: 1, ['k']: 2 };
const REMOVABLE_lib = { make(n) { return n; } };
var REMOVABLE_pure = /* @__PURE__ */ REMOVABLE_lib.make(1);
var [REMOVABLE_a, REMOVABLE_b = 2] = [1];
// A class whose base is a name of the bundle or a known global (esbuild's
// rule: that the base may not be a constructor is set aside).
class REMOVABLE_Base { m() { return 1; } }
class REMOVABLE_Sub extends REMOVABLE_Base { n() { return 2; } }
class REMOVABLE_Err extends Error {}
export const kept = 1;
