import { callBack } from './back.mjs';
console.log('cyc start', callBack());
export function early() { return 'early hoisted'; }
