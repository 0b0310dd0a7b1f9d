// Locals named like the other pieces' top-level names, and nested scopes
// (many locals) that read those top-level names through imports.
import { add, total, stats } from './lib.mjs';
let table = 'use.mjs table';
export function run(n) {
  const results = [];
  for (let i = 0; i < n; i++) {
    const calls = i * 10, a = i + 1, b = a * 2, c = b - 1, d = c + a, e = d % 7;
    results.push(add(i) + calls + a + b + c + d + e);
  }
  function report(prefix) {
    const x = prefix.length, y = x * 2, z = y + 1;
    return `${prefix}:${total}:${stats().calls}:${x + y + z}:${table}`;
  }
  return report('run') + ' ' + results.join(',');
}
