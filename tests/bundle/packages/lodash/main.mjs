// lodash: one large CommonJS file that detects its module system (UMD-like).
import _ from 'lodash';
import chunk from 'lodash/chunk.js';
import fp from 'lodash/fp.js';
console.log(JSON.stringify(chunk([1, 2, 3, 4, 5], 2)), _.kebabCase('Hello World'), _.VERSION.split('.')[0]);
console.log(JSON.stringify(_.mapValues({ a: 1, b: 2 }, (v) => v * 10)), fp.map((x) => x + 1)([1, 2]).join());
console.log(_.template('<%- v %>')({ v: '<b>' }), _.isEqual({ a: [1] }, { a: [1] }));
