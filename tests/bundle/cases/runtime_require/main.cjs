// require() with a computed name runs at run time, on node also from ESM output.
const name = 'pa' + 'th';
const path = require(name);
console.log(path.basename('/a/b/c.txt'), typeof require.resolve);
