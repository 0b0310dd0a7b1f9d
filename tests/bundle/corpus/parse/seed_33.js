// TDZ: reading a let binding of a module still being evaluated throws.
import './x.mjs';
import { late } from './y.mjs';
console.log('main sees', late);
