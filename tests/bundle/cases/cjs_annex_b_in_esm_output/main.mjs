import r from './lib.js';
console.log(r.join(' '));
