import { fromB } from './a.mjs';
console.log('eval b, typeof fromB =', typeof fromB);
export const b = 'B';
