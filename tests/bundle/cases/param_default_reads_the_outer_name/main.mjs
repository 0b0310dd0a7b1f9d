// An expression in a parameter list runs before the body: it reads the
// name outside the function, never one the body declares (each shape
// below printed "inner"/"other"/threw before; with --minify the default
// and the body's name were given one short name).
import { logOther } from './other.mjs';
const value = 'outer', w = 'outer w';
function f1(a = value) { const value = 'inner'; return a }
function f2(a = value) { let value = 'inner'; return a }
function f3(a = value) { var value = 'inner'; return a }
function f4(a = () => value) { const value = 'inner'; return a() }
function f5({ x = value } = {}) { class value {} return x }
function f6(a = value) { function value() {} return a }
const f7 = (a = value) => { const value = 'inner'; return a };
function f8(a = value) { { const value = 'block'; } return a }
function f9([k = value] = [], { [value]: q = w } = {}) { const value = 'inner', w = 'inner w'; return k + q }
class C { m(a = value) { const value = 'inner'; return a } static s(a = w) { var w; return a } }
const o = { m(a = value) { let value; return a }, get g() { return value } };
function* gen(a = value) { const value = 1; yield a }
async function af(a = value) { const value = 1; return a }
// a body var of a parameter's name is that parameter, and a default reads the parameters before it
function p1(a, b = a) { var a; return [a, b] }
function p2(a = 1, b = () => a) { var a = 2; return b() }
const named = function self(n, f = () => typeof self) { const self = 0; return f() };
const r = [f1(), f2(), f3(), f4(), f5(), typeof f6(), f7(), f8(), f9(), new C().m(), C.s(), o.m(), o.g,
  gen().next().value, p1('p'), named(1)];
af().then((v) => console.log(JSON.stringify(r.concat(v, logOther()))));
