// Depth-first post-order in import order, each module once.
import './one.mjs';
import './two.mjs';
import './three.mjs';
console.log('main');
