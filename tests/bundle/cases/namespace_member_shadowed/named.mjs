// the same name reached by a named import under another local name
import { value as v, isObject as isObj } from './util.mjs';
export function viaAlias(value, isObject) { return [v + value, isObj(isObject)].join(); }
