export { used, helper } from './used.js';
export { unused } from './unused.js';
export const alsoUsed = 'also used';
export const notUsed = 'NOT_USED_MARKER';
