// underscore: nested `exports` conditions ("import" > "node") and the
// "./modules/*" subpath pattern.
import _ from 'underscore';
import { map, range } from 'underscore';
import debounce from 'underscore/modules/debounce.js';
console.log(map(range(4), (n) => n * 3).join(), _.template('<%= a %>!')({ a: 'hi' }), typeof debounce);
console.log(_.chain([3, 1, 2]).sortBy().map((x) => x * 2).value().join(), _.VERSION.split('.')[0]);
