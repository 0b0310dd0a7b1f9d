// CommonJS cycles see partial exports, exactly like node's loader.
const a = require('./a.cjs');
console.log('main', a.done, require('./b.cjs').done);
