console.log("local side effect");
export function keepMe() { return "kept"; }
export function localUnused() { return "LOCAL_UNUSED_MARKER"; }
// tsc's ES5 class: #__PURE__ before the parentheses, the call inside them; unused, so dropped
export var Es5Class = /*#__PURE__*/ (function () { function Es5Class() {} Es5Class.prototype.tag = "ES5_CLASS_MARKER"; return Es5Class; }());
