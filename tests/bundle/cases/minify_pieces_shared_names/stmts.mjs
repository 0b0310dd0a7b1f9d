// Statements --minify-syntax merges (a(); b() -> a(), b(); a(); return b
// -> return a(), b; if (a) return b; return c -> return a ? b : c; const
// -> let where nothing writes it): each function logs the order things
// ran in, so a merge that reorders, skips or rescopes anything shows.
const log = [];
const t = (x) => (log.push(x), x);

function seq(n) {
  t('a'); t('b');
  if (n > 1) return t('big');
  t('c');
  return n ? t('one') : t('zero');
}

function early(x) {
  if (!x) return;
  t('after-guard');
  if (x === 2) return t('two');
  else t('else');
  t('tail');
  return x;
}

function thrower(x) {
  t('before-throw');
  if (x) throw new Error('x=' + x);
  throw new Error('plain');
}

function heads(o) {
  t('h1');
  for (var i = 0, s = 0; i < 3; i++) s += i;
  var k = 'a' in o;
  for (; k;) { k = false; t('in-loop'); }
  t('h2');
  switch (t(o.a)) { case 1: t('case1'); break; default: t('dflt'); }
  return s;
}

function jumps(list) {
  let out = 0;
  outer: for (const x of list) {
    if (x < 0) continue outer;
    if (x > 100) continue outer;
    if (x === 50) break;
    out += x;
  }
  return out;
}

function strict() {
  'use strict';
  t('s1');
  t(typeof this);
  return (function () { return this === undefined; })();
}

function consts() {
  const a = 1, { b } = { b: 2 };
  const c = [a, b];
  const fns = [];
  for (const i of c) fns.push(() => i);
  try {
    const d = 3;
    d = 4; // a write to a const must still throw
    return 'no throw ' + d;
  } catch (e) {
    return `${e.constructor.name} ${fns.map((f) => f()).join()} ${hoisted()}`;
  }
  function hoisted() { return 'hoisted'; }
}

function asi(x) {
  let y = x
  ;(function () { t('iife'); })()
  ;[1, 2].forEach((v) => t(v + y))
  return y
}

// c ? a : b and unused values (esbuild's MangleIfExpr, SimplifyUnusedExpr):
// a == null ? void 0 : a.b -> a?.b, a != null ? a : b -> a ?? b,
// a ? f(x, y) : f(z, y) -> f(a ? x : z, y), numbers folded; each result
// and the order of calls is logged, and the chains that must stay apart do.
function conds(a, k) {
  const o = { m() { return this === o; }, n: null, s: 'str' };
  const r = [];
  r.push(a == null ? void 0 : a.b.c(k), a != null ? a : 'dflt', null == a ? undefined : a[k]);
  r.push(k ? t('f1') : t('f2'), !k ? 'not' : 'yes', k ? k : 'falsy', k ? 'truthy' : k);
  r.push(a == null ? void 0 : new a.K(k), o.n == null ? void 0 : o.n.x);
  try { r.push(a == null ? void 0 : (a.b?.zz).y); } catch (e) { r.push(e.constructor.name); }
  r.push((0, o.m)(), o.m(), typeof (0, o.s), [97 - 65, 1 | 2, 1 << 3, 1 << 30, -1 >>> 0, 3 * 4, -5 + 2, 2 < 3, 4 === 4, 1 >> 0]);
  a != null && a.b.log(t('chain-and'));
  a == null || a.b.log(t('chain-or'));
  k ? t('only-yes') : void 0;
  k ? void 0 : t('only-no');
  k, t('after-comma');
  r.push(jumpsAlike(a, k), jumpsAlike(k, a), implicitJumps([1, 3, 2], a), implicitJumps([], k ? { flag: 1 } : null));
  return r;
}

function jumpsAlike(a, b) {
  if (a) return t('same');
  if (b) return t('same');
  if (a) if (b) t('nested');
  switch (typeof a) { case 'object': return a ? (t('obj'), 'o') : 'null'; case 'number': return !a ? false : true; }
  return b ? false : true;
}

// tests read for their truth, a bare return or continue before the rest of a body
function implicitJumps(list, o) {
  var e;
  for (const x of list) { if (x > 2) continue; t('keep ' + x); continue; }
  let i = 0;
  do { i++; if (i === 2) continue; t('do ' + i); } while (!(i >= 3));
  if (!((e = o) == null ? void 0 : e.flag)) t('no flag');
  if (!o) return 'none';
  t('has o ' + !!o.flag);
}

// let/const used once move into the next statement (esbuild's single-use
// substitution) only where nothing before the use can see the move: the
// getter logs when it runs, the method checks its `this`.
function single(k) {
  const o = { get p() { t('get-p'); return 'p' + k; }, q: 1, m() { return this === o; } };
  let a = o.p;
  let r1 = [t('x1'), a];
  let b = o.p;
  let c = b + '!';
  let v = o.q;
  o.q = 2;
  let f = o.m;
  let d;
  return [r1, c, v, f(), d, (() => { const e = k * 2; return e; })()];
}

export function runStmts() {
  const r = [seq(0), seq(1), seq(5), early(0), early(1), early(2), heads({ a: 1 }), heads({}),
             jumps([1, -1, 200, 3, 50, 4]), strict(), consts(), asi(10)];
  const K = class { constructor(k) { this.k = k; } };
  const a = { b: { c: (k) => 'c' + k, log: (x) => t('log ' + x) }, K, 1: 'one', 0: 'zero' };
  r.push(conds(a, 1), conds(a, 0), conds(null, 1), conds(undefined, 0), single(1));
  for (const x of [0, 1]) try { thrower(x); } catch (e) { r.push(e.message); }
  return JSON.stringify(r) + ' ' + log.join(',');
}
