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

export function runStmts() {
  const r = [seq(0), seq(1), seq(5), early(0), early(1), early(2), heads({ a: 1 }), heads({}),
             jumps([1, -1, 200, 3, 50, 4]), strict(), consts(), asi(10)];
  for (const x of [0, 1]) try { thrower(x); } catch (e) { r.push(e.message); }
  return JSON.stringify(r) + ' ' + log.join(',');
}
