// bug B of issue 13: `ns.member` becomes the member's variable, whose name
// an inner binding of every kind may shadow.
import * as util from './util.mjs';
import { viaAlias } from './named.mjs';
function byConst(v) { const isObject = util.isObject; return isObject(v); }
function byParam(isObject) { return util.isObject(isObject); }
function byLet() { let value = util.value + 1; return value; }
function byVar() { var value = util.value * 2; return value; }
function byInnerFunction() { function make() { return util.make(); } return make(); }
function byInnerClass() { class Klass extends util.Klass {} return new Klass().name(); }
function byCatch() { try { throw 1; } catch (err) { return util.err + err; } }
const byArrow = (value) => util.value + value;
const byObjectMethod = { method(isObject) { return util.isObject(isObject); } };
class ByClassMethod {
  m(value) { return util.value + value; }
  static s = ((make) => util.make() + make)(1);
}
function byFunctionExpressionName() { return (function isObject() { return util.isObject(1); })(); }
function byBlock() { { let isObject = util.isObject; return isObject([]); } }
function byLoop() { let out = 0; for (const value of [util.value, 1]) out += value; return out; }
function byPattern() { const { isObject } = { isObject: util.isObject }; return isObject(null); }
function byTag(tag) { return util.tag`x` + tag; }
function byClassExpressionName() { return new (class Klass extends util.Klass {})().name(); }
console.log(byConst({}), byConst(1), byParam({}), byParam('s'));
console.log(byLet(), byVar(), byInnerFunction(), byInnerClass(), byCatch());
console.log(byArrow(1), byObjectMethod.method([]), new ByClassMethod().m(2), ByClassMethod.s);
console.log(byFunctionExpressionName(), byBlock(), byLoop(), byPattern(), byTag('!'), byClassExpressionName());
console.log(viaAlias(1, {}));
