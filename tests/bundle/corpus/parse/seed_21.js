import { early } from './cyc.mjs';
export function callBack() { return early(); }
