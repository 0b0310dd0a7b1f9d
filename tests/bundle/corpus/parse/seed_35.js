import { peek } from './x.mjs';
console.log('before init:', peek());
export let late = 'ready';
console.log('after init:', peek());
