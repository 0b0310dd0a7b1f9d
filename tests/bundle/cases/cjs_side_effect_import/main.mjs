// bug C of issue 13: a CommonJS module imported only for its side effects
// runs, at its place in evaluation order (it used to print `(null)();`).
import './side.cjs';
import './side.js';
import './vendor/umd.js';
import './twice.cjs';
import './other.mjs';
import './twice.cjs';
import './required.cjs';
console.log('main');
