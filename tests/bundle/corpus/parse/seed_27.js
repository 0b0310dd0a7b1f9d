// Live bindings through export * and re-export chains.
import { count, bump, renamed } from './barrel.mjs';
import * as all from './barrel.mjs';
console.log(count, renamed);
bump();
bump();
console.log(count, renamed, all.count);
