// Cycles: a imports b imports a; evaluation is depth-first post-order.
import { a, fromB } from './a.mjs';
console.log('main', a, fromB());
