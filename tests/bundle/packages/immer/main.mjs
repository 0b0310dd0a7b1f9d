// immer: produce, patches, freezing.
import { produce, enablePatches, applyPatches, freeze, isDraft, current } from 'immer';
enablePatches();
const base = { todos: [{ t: 'a', done: false }], n: 1 };
let patches;
const next = produce(base, (d) => { d.todos[0].done = true; d.todos.push({ t: 'b', done: false }); d.n++; console.log('draft', isDraft(d), current(d).n); }, (p) => { patches = p; });
console.log(JSON.stringify(next), base.todos.length, next.todos[1] !== base.todos[0]);
console.log(patches.map((p) => p.op + ':' + p.path.join('/')).join(' '), JSON.stringify(applyPatches(base, patches)) === JSON.stringify(next));
console.log(Object.isFrozen(next), Object.isFrozen(freeze({ a: 1 }, true)));
