// lodash-es: a few hundred small ESM modules, "sideEffects": false.
import { chunk, sortBy, groupBy, camelCase, cloneDeep, merge, range, uniq, template, memoize } from 'lodash-es';
import * as _ from 'lodash-es';
console.log(JSON.stringify(chunk(range(7), 3)));
console.log(JSON.stringify(sortBy([{ n: 3 }, { n: 1 }, { n: 2 }], 'n')));
console.log(JSON.stringify(groupBy(['one', 'two', 'three'], 'length')));
console.log(camelCase('Foo Bar-baz'), uniq([1, 1, 2, 3, 3]).length);
const deep = { a: [{ b: 1 }], c: { d: new Date(0) } };
const copy = cloneDeep(deep);
console.log(copy !== deep && copy.a[0] !== deep.a[0], copy.c.d.getTime());
console.log(JSON.stringify(merge({ a: { x: 1 } }, { a: { y: 2 } })));
console.log(template('hello <%= who %>!')({ who: 'bundle' }));
const sq = memoize((x) => x * x);
console.log(sq(9), sq.cache.has(9), _.kebabCase('Sluice Bundle'), typeof _.debounce);
