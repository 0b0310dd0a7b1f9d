import { r } from './lib.js';
import './script.js';
console.log(r.join(' '));
console.log(globalThis.scriptSaw);
