// Unused exports of a "sideEffects": false package are dropped; used ones and
// everything they need stay; side effects of ordinary modules stay.
import { used, alsoUsed } from './vendor/pure/index.js';
import { keepMe } from './local.mjs';
console.log(used(2), alsoUsed, keepMe());
