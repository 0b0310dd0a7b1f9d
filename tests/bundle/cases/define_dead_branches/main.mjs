// --define makes conditions constant; the branch that cannot run is cut
// before dependencies are found, so what only it requires is not bundled.
import './setup.mjs';
import value from './switch.cjs';
import ternary from './ternary.cjs';
import hoisted from './hoisted.cjs';
let log = [];
if ("production" !== process.env.NODE_ENV) { log.push(import('./dev_dynamic.mjs')); }
if (!DEBUG && (LEVEL === 2 || LEVEL === 3)) log.push('level ok'); else log.push('LEVEL WRONG');
if (DEBUG) log.push('DEBUG ON');
else if (LEVEL == 2) log.push('else-if folded');
const pick = DEBUG ? 'DEBUG PICK' : LEVEL !== 2 ? 'LEVEL PICK' : 'plain pick';
function inner(NODE) { return process.env.NODE_ENV === 'production' ? 'inner prod' : NODE; }
console.log(value, ternary, hoisted, log.join(), pick, inner('x'));
