// Classes are not hoisted: a cycle that touches one early gets a ReferenceError.
import { make } from './b.mjs';
export class Base { hi() { return 'base'; } }
console.log(make().hi());
