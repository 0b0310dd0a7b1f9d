import { b } from './b.mjs';
console.log('eval a, b =', b);
export const a = 'A';
export function fromB() { return b; }
