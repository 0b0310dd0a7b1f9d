// immer driver: produce on objects, arrays, Maps and Sets, curried
// producers, patches and inverse patches, drafts made and finished by
// hand, current/original, freezing, `nothing`, immerable classes, an
// Immer instance of its own, and the errors it throws.  Prints one line
// per check; run against immer's published JavaScript and against a
// bundle of its src/*.ts (ts_package.sh).
import {
  produce, produceWithPatches, applyPatches, enablePatches, enableMapSet, enableArrayMethods,
  createDraft, finishDraft, current, original, isDraft, isDraftable, isModified, freeze, nothing,
  immerable, setAutoFreeze, setUseStrictShallowCopy, Immer, castDraft, castImmutable,
} from 'immer';

enablePatches();
enableMapSet();
enableArrayMethods();
const log = (...a) => console.log(a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x, replacer))).join(' '));
function replacer(k, v) {
  if (v instanceof Map) return { map: [...v] };
  if (v instanceof Set) return { set: [...v] };
  if (v === undefined) return '(undefined)';
  return v;
}
const attempt = (label, fn) => {
  try { log(label, fn()); } catch (e) { log(label, 'throws', e.constructor.name, String(e.message).slice(0, 90)); }
};

const base = { user: { name: 'Ada', tags: ['x', 'y'] }, todos: [{ id: 1, done: false }, { id: 2, done: true }], n: 0 };
const next = produce(base, (d) => {
  d.user.tags.push('z');
  d.todos[0].done = true;
  d.todos.push({ id: 3, done: false });
  d.n += 1;
});
log('produce', next);
log('structural-sharing', next.user === base.user, next.todos[1] === base.todos[1], next.todos === base.todos);
log('frozen', Object.isFrozen(next), Object.isFrozen(next.todos[2]), Object.isFrozen(base));
log('unchanged-returns-base', produce(base, () => {}) === base, produce(base, (d) => { d.n = 0; }) === base);
log('replace-by-return', produce(base, () => ({ replaced: true })));
log('nothing', produce(base, () => nothing));
const inc = produce((d, by) => { d.n += by; });
log('curried', inc(base, 5).n, inc({ n: 1 }, 2));
const withInit = produce((d) => { d.count++; }, { count: 10 });
log('curried-initial', withInit(undefined));

const [s1, patches, inverse] = produceWithPatches(base, (d) => {
  d.user.name = 'Grace';
  delete d.user.tags;
  d.todos.splice(0, 1);
  d.extra = { deep: [1, 2] };
});
log('patches', patches);
log('inverse', inverse);
log('apply', JSON.stringify(applyPatches(base, patches)) === JSON.stringify(s1), applyPatches(s1, inverse));
const listened = [];
produce({ a: 1 }, (d) => { d.a = 2; d.b = [3]; }, (p, ip) => listened.push(p.length, ip.length));
log('patch-listener', listened);
attempt('apply-bad-patch', () => applyPatches({ a: 1 }, [{ op: 'replace', path: ['a', 'b', 'c'], value: 1 }]));
log('array-patches', produceWithPatches([1, 2, 3, 4], (d) => { d.length = 2; d.unshift(0); })[1]);

const m = new Map([['a', { v: 1 }], ['b', { v: 2 }]]);
const m2 = produce(m, (d) => { d.get('a').v = 10; d.set('c', { v: 3 }); d.delete('b'); });
log('map', m2, m2.get('a') !== m.get('a'), m.get('a').v);
const st = new Set([1, 2, 3]);
const st2 = produce(st, (d) => { d.add(4); d.delete(1); });
log('set', st2, st.size, [...produceWithPatches(st, (d) => { d.add(9); })[1]]);
log('map-patches', produceWithPatches(new Map([['k', 1]]), (d) => { d.set('k', 2); d.set('j', 3); })[1]);

const arr = produce([{ id: 1 }, { id: 2 }, { id: 3 }], (d) => {
  const found = d.find((x) => x.id === 2);
  found.id = 20;
  d.sort((a, b) => b.id - a.id);
  log('array-methods-in-draft', d.filter((x) => x.id > 1).map((x) => x.id), d.indexOf(found), d.some((x) => x.id === 3));
});
log('array', arr);

const draft = createDraft({ list: [1, 2], nested: { k: 'v' } });
draft.list.push(3);
log('draft', isDraft(draft), isDraft(draft.nested), isModified(draft), isModified(draft.nested));
log('current', current(draft), original(draft.list));
const done = finishDraft(draft);
log('finished', done, isDraft(done));
attempt('draft-after-finish', () => draft.list.push(4));
log('isDraftable', isDraftable({}), isDraftable([]), isDraftable(new Map()), isDraftable(new Date()), isDraftable(Object.create(null)), isDraftable(3));

class Point {
  [immerable] = true;
  constructor(x, y) { this.x = x; this.y = y; }
  len() { return Math.hypot(this.x, this.y); }
}
const p2 = produce(new Point(3, 4), (d) => { d.x = 6; d.y = 8; });
log('immerable', p2 instanceof Point, p2.len(), Object.isFrozen(p2));
class Plain { constructor() { this.v = 1; } }
attempt('non-draftable-class', () => produce(new Plain(), (d) => { d.v = 2; }).v);

attempt('return-and-modify', () => produce({ a: 1 }, (d) => { d.a = 2; return { a: 3 }; }));
attempt('produce-primitive', () => produce(3, (d) => d + 1));
attempt('produce-undefined-recipe', () => produce({}, 'not a function'));
attempt('revoked-proxy', () => { let leaked; produce({ a: { b: 1 } }, (d) => { leaked = d.a; }); return leaked.b; });

const own = new Immer({ autoFreeze: false });
const o1 = own.produce({ z: [1] }, (d) => { d.z.push(2); });
log('own-instance', o1, Object.isFrozen(o1));
setAutoFreeze(false);
log('autofreeze-off', Object.isFrozen(produce({ q: 1 }, (d) => { d.q = 2; })));
setAutoFreeze(true);
setUseStrictShallowCopy(true);
const withAccessor = Object.defineProperty({ plain: 1 }, 'hidden', { value: 'h', enumerable: false, writable: true });
const copied = produce(withAccessor, (d) => { d.plain = 2; });
log('strict-shallow-copy', copied.hidden, Object.getOwnPropertyDescriptor(copied, 'hidden') ? 'kept' : 'dropped');
setUseStrictShallowCopy(false);
log('freeze', Object.isFrozen(freeze({ a: { b: 1 } }, true).a), castDraft(5), castImmutable('s'));
const deep = produce({ a: { b: { c: { d: [1, { e: 2 }] } } } }, (d) => { d.a.b.c.d[1].e = 3; });
log('deep', deep, Object.isFrozen(deep.a.b.c.d[1]));
const big = produce(Array.from({ length: 1000 }, (_, i) => ({ i })), (d) => { for (const x of d) if (x.i % 100 === 0) x.i = -x.i; });
log('many', big.filter((x) => x.i < 0).length, big[100].i, big[101].i);
