import * as c from './c.mjs';
console.log('lazy runs');
export const z = c.y + 1;
export { c };
