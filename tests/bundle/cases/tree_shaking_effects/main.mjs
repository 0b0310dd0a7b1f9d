// Tree shaking drops a statement only when evaluating it has no effect:
// conversions (valueOf/toString), getters, iterators, `in`, `instanceof`,
// `extends`, and reads of undeclared globals stay, as in node.
import { log } from './obj.mjs';
import { done } from './effects.mjs';
import { kept } from './removable.mjs';
console.log(done, kept, log.join(' '));
import('./throws.mjs').then(() => console.log('import ran'), (e) => console.log('import threw', e.name));
