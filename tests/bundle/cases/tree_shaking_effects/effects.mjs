// Every statement below declares a name nothing reads, and evaluating it
// runs code (a conversion, a getter, an iterator) or throws: none may be
// dropped (esbuild's ExprCanBeRemovedIfUnused).
import { obj, log } from './obj.mjs';
var unary = +obj;
var negated = -obj;
var complement = ~obj;
var getter = obj.prop;
var added = obj + 1;
var compared = obj < 2;
var loose = obj == 1;
var template = `${obj}`;
var { prop: destructured } = obj;
var inOperator = 'prop' in obj;
var spreadArray = [...obj.list];
var spreadObject = { ...obj };
var computedKey = { [obj]: 1 };
var instance = obj instanceof obj.ctor;
class Extends extends obj.base {}
var pureArgs = /* @__PURE__ */ Object.keys(obj.list);
let missingGlobal;
try { missingGlobal = (() => notDefinedAnywhere)(); } catch (e) { log.push('caught ' + e.name); }
export const done = 1;
