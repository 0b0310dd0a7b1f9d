import { helperName } from './helper.mjs';
console.log('lazy evaluated');
export let value = 1;
export function bump() { value++; }
export { helperName };
