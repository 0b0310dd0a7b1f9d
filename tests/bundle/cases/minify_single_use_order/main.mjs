// --minify-syntax puts a `const` used once in place of its one use, but
// only where nothing evaluated in between can change what it read:
// not past an assignment, an update or a call (advbundle F1: zustand's
// subscribeWithSelector got (new, new) for (new, old)).
function assigned(o) { let c = 1; { const p = c; o.push(c += 5, p); } return c; }
function updated(o) { let c = 1; { const p = c; o.push(c++, p); } return c; }
function member(o) { const c = { v: 1 }; { const p = c.v; o.push(c.v = 7, p); } return c.v; }
function called(o) { let c = 1; const set = () => { c = 9; }; { const p = c; o.push(set(), p); } return c; }
function pattern(o) { let c = 1; { const p = c; o.push([c] = [4], p); } return c; }
function getter(o) {
  let c = 1;
  const src = { get x() { c = 2; return 0; } };
  { const p = c; o.push(src.x + p); }
  return c;
}
function subscribe(selector, listener) {
  let current = selector(0);
  return (state) => {
    const next = selector(state);
    if (!Object.is(current, next)) {
      const previous = current;
      listener((current = next), previous);
    }
  };
}
const tests = { assigned, updated, member, called, pattern, getter };
for (const name in tests) {
  const o = [];
  tests[name](o);
  console.log(name, JSON.stringify(o));
}
const onChange = subscribe((s) => s * 2, (n, p) => console.log("changed", p, "->", n));
onChange(1);
onChange(2);
// A value that calls differently where it is called: a method taken off
// its object and used as a template tag keeps `this` undefined, and eval
// taken into a name is an indirect eval, which sees only the global scope.
const taker = { m() { return this === taker ? "this-is-taker" : "this-undefined"; } };
function tag() { { const t = taker.m; return t`x`; } }
console.log("tag", tag());
globalThis.where = "global";
function indirect() { const where = "local"; { const e = eval; return e("typeof where === 'string' ? where : 'none'"); } }
console.log("eval", indirect(), typeof where);
