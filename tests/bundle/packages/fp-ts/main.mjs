// fp-ts: CommonJS (main), an index of `__importStar` namespaces.
import * as fp from 'fp-ts';
import { pipe, flow } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import * as A from 'fp-ts/lib/Array.js';
import * as E from 'fp-ts/lib/Either.js';
console.log(pipe([1, 2, 3], A.map((n) => n * 2), A.filter((n) => n > 2)).join());
console.log(pipe(O.some(4), O.map((n) => n + 1), O.getOrElse(() => 0)), O.isNone(O.none));
const parse = flow((s) => Number(s), (n) => (Number.isNaN(n) ? E.left('nan') : E.right(n)));
console.log(JSON.stringify(parse('12')), JSON.stringify(parse('x')), typeof fp.option.some, typeof fp.array.map);
