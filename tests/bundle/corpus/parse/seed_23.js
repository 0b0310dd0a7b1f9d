// Function declarations are hoisted across a cycle; classes are not.
import { early } from './cyc.mjs';
console.log(early());
