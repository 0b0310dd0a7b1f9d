// Top-level names of three pieces, used from nested scopes of the others.
import { run } from './use.mjs';
import { total, stats } from './lib.mjs';
import { runStmts } from './stmts.mjs';
import { runPrivates } from './privates.mjs';
const table = 'main table';
function twice(f) {
  const first = f(2), second = f(3);
  return [first, second, total, stats().calls, table].join(' | ');
}
console.log(twice(run));
console.log(runStmts());
console.log(runPrivates());
