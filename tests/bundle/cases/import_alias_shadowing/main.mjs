// An import bound under another local name must not be captured by an inner
// binding that has the exporter's own name.
import { helper as run } from './lib.mjs';
import pick from './pick.mjs';
function outer(helper) {
  const choose = 'inner choose';
  return [run(helper), pick(), choose].join(' | ');
}
console.log(outer('arg'));
