// "sideEffects" as a list: listed files keep their side effects, the rest of
// the package is dropped unless used.
import { used } from './vendor/listed/index.js';
console.log(used());
