export function isObject(x) { return typeof x === 'object'; }
export const value = 5;
export function make() { return 'made'; }
export class Klass { name() { return 'klass'; } }
export const err = 'err:';
export function tag(s) { return 'tag:' + s[0]; }
